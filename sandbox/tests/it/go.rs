use joust_common::{Language, execution::Verdict};

use crate::{assert_verdict, execute, sum_tests, verdict};

const SUM: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var a, b int64
	fmt.Fscan(in, &a, &b)
	fmt.Println(a + b)
}
"#;

#[test]
fn correct_go_program_is_accepted() {
    let response = verdict(Language::Go, SUM);
    assert_verdict(&response, Verdict::AC);
    assert_eq!(response.tests.len(), 3);
}

#[test]
fn wrong_go_output_is_wa() {
    assert_verdict(
        &verdict(Language::Go, &SUM.replace("a + b", "a - b")),
        Verdict::WA,
    );
}

#[test]
fn go_compile_errors_show_the_message_without_host_paths() {
    // An unused import is an error in Go, not a warning.
    let response = verdict(
        Language::Go,
        "package main\n\nimport \"os\"\n\nfunc main() {}\n",
    );
    assert_verdict(&response, Verdict::CE);
    let message = response.compile_output.expect("compiler output");
    assert!(message.contains("main.go"), "{message}");
    assert!(
        message.contains("\"os\" imported and not used"),
        "{message}"
    );
    assert!(!message.contains("/job"), "{message}");

    let response = verdict(Language::Go, "package main\nfunc main() { x := }\n");
    assert_verdict(&response, Verdict::CE);
}

#[test]
fn go_infinite_loop_is_tle() {
    let source = "package main\n\nvar x int\n\nfunc main() {\n\tfor {\n\t\tx++\n\t}\n}\n";
    let response = verdict(Language::Go, source);
    assert_verdict(&response, Verdict::TLE);
    assert_eq!(response.tests[0].time_ms, 1_000);
}

#[test]
fn go_memory_bomb_is_mle() {
    let source = r#"package main

var keep [][]byte

func main() {
	for {
		block := make([]byte, 1<<20)
		for i := range block {
			block[i] = 1
		}
		keep = append(keep, block)
	}
}
"#;
    let response = execute(Language::Go, source, sum_tests(), 2_000, 32);
    assert_verdict(&response, Verdict::MLE);
    assert!(response.tests[0].memory_bytes <= 32 << 20);
}

#[test]
fn go_panics_are_runtime_errors() {
    let source = r#"package main

import "os"

func main() {
	a := []int{1, 2, 3}
	i := len(os.Args) + 5
	println(a[i])
}
"#;
    let response = verdict(Language::Go, source);
    assert_verdict(&response, Verdict::RTE);
    assert_eq!(response.tests[0].exit_code, Some(2));

    let exit = verdict(
        Language::Go,
        "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(7) }\n",
    );
    assert_verdict(&exit, Verdict::RTE);
    assert_eq!(exit.tests[0].exit_code, Some(7));
}
