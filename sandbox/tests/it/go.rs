use joust_common::{Language, execution::Verdict};

use crate::{assert_exits_with, assert_memory_bomb_is_mle, assert_verdict, compile_error, verdict};

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
    let message = compile_error(
        Language::Go,
        "package main\n\nimport \"os\"\n\nfunc main() {}\n",
    );
    assert!(message.contains("main.go"), "{message}");
    assert!(
        message.contains("\"os\" imported and not used"),
        "{message}"
    );

    compile_error(Language::Go, "package main\nfunc main() { x := }\n");
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
    assert_memory_bomb_is_mle(Language::Go, source, 2_000, 32);
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
    assert_exits_with(Language::Go, source, 2);
    assert_exits_with(
        Language::Go,
        "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(7) }\n",
        7,
    );
}
