//! Output validators as Kattis problem packages ship them, run unchanged: several files (a
//! helper header and a second source), `<fstream>`, `argv` = input, answer, feedback
//! directory, then the problem's flags; `judgemessage.txt` and `score.txt` read back; a
//! validator that does not compile or crashes is `IE` with the reason for the organizers.

use joust_common::{
    Language,
    execution::{
        Checker, ExecutionRequest, ExecutionResponse, SourceFile, TestCase, Validator, Verdict,
    },
};

use crate::{assert_verdict, sandbox};

/// A helper header in the style of the stock `validate.h` ones: opens the judge's files with
/// file streams and the feedback files, reports and exits with the format's codes.
const HELPER_HEADER: &str = r#"#pragma once
#include <fstream>
#include <iostream>
#include <string>
#include <cstdlib>

namespace judge {
extern std::ifstream input, answer;
extern std::ofstream message;
extern std::string feedback_dir;
void init(int argc, char **argv);
[[noreturn]] inline void accept() { message.close(); std::exit(42); }
[[noreturn]] inline void reject(const std::string &why) {
    message << why << std::endl;
    message.close();
    std::exit(43);
}
inline void score(double value) {
    std::ofstream out(feedback_dir + "/score.txt");
    out << value << "\n";
}
}
"#;

/// The helper's second source file: compiled and linked with the validator.
const HELPER_SOURCE: &str = r#"#include "validate.h"
namespace judge {
std::ifstream input, answer;
std::ofstream message;
std::string feedback_dir;
void init(int argc, char **argv) {
    if (argc < 4) std::exit(1);
    input.open(argv[1]);
    answer.open(argv[2]);
    feedback_dir = argv[3];
    message.open(feedback_dir + "/judgemessage.txt");
    if (!input || !answer || !message) std::exit(2);
}
}
"#;

/// Two integers summing to the input, or (with the flag `exact`) exactly the answer's pair.
const VALIDATOR: &str = r#"#include "validate.h"
#include <cstring>
int main(int argc, char **argv) {
    judge::init(argc, argv);
    bool exact = false;
    for (int i = 4; i < argc; i++) exact |= std::strcmp(argv[i], "exact") == 0;
    long long n, a, b, ja, jb;
    judge::input >> n;
    judge::answer >> ja >> jb;
    if (!(std::cin >> a >> b)) judge::reject("expected two integers");
    std::string extra;
    if (std::cin >> extra) judge::reject("trailing output: " + extra);
    if (a + b != n) judge::reject("sum is " + std::to_string(a + b) + ", not " + std::to_string(n));
    if (exact && (a != ja || b != jb)) judge::reject("not the answer's pair");
    judge::score(a == ja ? 2.0 : 1.0);
    judge::message << "good pair" << std::endl;
    judge::accept();
}
"#;

fn validator(flags: &[&str]) -> Validator {
    Validator {
        language: Language::Cpp,
        source: VALIDATOR.into(),
        files: vec![
            SourceFile {
                path: "validate.h".into(),
                content: HELPER_HEADER.into(),
            },
            SourceFile {
                path: "lib/validate.cpp".into(),
                content: HELPER_SOURCE.into(),
            },
        ],
        flags: flags.iter().map(|f| f.to_string()).collect(),
    }
}

fn judge(source: &str, validator: Validator) -> ExecutionResponse {
    sandbox().execute(&ExecutionRequest {
        language: Language::Python,
        source: source.into(),
        tests: [("10\n", "3 7\n"), ("4\n", "1 3\n")]
            .into_iter()
            .map(|(i, o)| TestCase {
                input: i.into(),
                expected_output: o.into(),
                sample: false,
            })
            .collect(),
        time_limit_ms: 2_000,
        memory_limit_mb: 64,
        checker: Checker::Validator(validator),
        run_all: true,
    })
}

#[test]
fn a_kattis_cpp_validator_with_fstream_and_a_helper_runs_unchanged() {
    let response = judge("n = int(input())\nprint(1, n - 1)\n", validator(&[]));
    assert_verdict(&response, Verdict::AC);
    for test in &response.tests {
        // Read back from the feedback directory.
        assert_eq!(
            test.judge_message.as_deref(),
            Some("good pair"),
            "{response:#?}"
        );
    }
    assert_eq!(response.tests[0].score, Some(1.0));
    assert_eq!(
        response.tests[1].score,
        Some(2.0),
        "1 3 is the answer's pair"
    );

    let wrong = judge("n = int(input())\nprint(1, n)\n", validator(&[]));
    assert_verdict(&wrong, Verdict::WA);
    assert_eq!(
        wrong.tests[0].judge_message.as_deref(),
        Some("sum is 11, not 10")
    );
    assert_eq!(wrong.validator_error, None);
}

#[test]
fn validator_flags_come_after_the_feedback_directory() {
    let right_pair = "n = int(input())\nprint(1, n - 1)\n";
    assert_verdict(&judge(right_pair, validator(&["lenient"])), Verdict::AC);
    let response = judge(right_pair, validator(&["exact"]));
    assert_verdict(&response, Verdict::WA);
    assert_eq!(
        response.tests[0].judge_message.as_deref(),
        Some("not the answer's pair")
    );
    assert_eq!(response.tests[1].verdict, Verdict::AC);
}

#[test]
fn a_validator_that_does_not_compile_is_ie_with_its_compiler_message() {
    let mut broken = validator(&[]);
    broken.files.remove(0);
    let response = judge("print(1, 1)\n", broken);
    assert_verdict(&response, Verdict::IE);
    assert!(response.compile_output.is_none(), "not the contestant's");
    let reason = response.validator_error.expect("the organizers' reason");
    assert!(reason.contains("does not compile"), "{reason}");
    assert!(reason.contains("validate.h"), "{reason}");
    assert!(!reason.contains("/job"), "{reason}");
}

#[test]
fn a_validator_that_crashes_is_ie_with_its_exit_status_and_stderr() {
    let crashing = Validator::single(
        Language::Cpp,
        "#include <cstdio>\n#include <cstdlib>\nint main() { std::fprintf(stderr, \"cannot parse the answer\\n\"); std::abort(); }",
    );
    let response = judge("print(1, 1)\n", crashing);
    assert_verdict(&response, Verdict::IE);
    let reason = response.validator_error.expect("the organizers' reason");
    assert!(reason.contains("validator crashed: abort"), "{reason}");
    assert!(reason.contains("cannot parse the answer"), "{reason}");
    assert_eq!(
        response.tests[0].message.as_deref(),
        Some("validator crashed: abort (a failed assertion, a panic or an uncaught error)")
    );

    let exits = Validator::single(
        Language::Python,
        "import sys\nprint('bad', file=sys.stderr)\nsys.exit(3)",
    );
    let response = judge("print(1, 1)\n", exits);
    assert_verdict(&response, Verdict::IE);
    let reason = response.validator_error.clone().unwrap();
    assert!(
        reason.starts_with("validator exited with code 3"),
        "{reason}"
    );
    assert!(reason.ends_with("bad"), "{reason}");
    // The players see none of it.
    let shown = format!("{:?}", response.for_players());
    assert!(
        !shown.contains("bad") && !shown.contains("code 3"),
        "{shown}"
    );
}

#[test]
fn a_validator_cannot_fill_the_disk_through_its_feedback_directory() {
    let flood = r#"#include <fstream>
#include <string>
int main(int argc, char **argv) {
    std::ofstream out(std::string(argv[3]) + "/judgemessage.txt");
    std::string block(1 << 16, 'x');
    for (;;) out << block;
}
"#;
    let response = judge("print(1, 1)\n", Validator::single(Language::Cpp, flood));
    assert_verdict(&response, Verdict::IE);
    let reason = response.validator_error.unwrap();
    assert!(reason.contains("feedback directory"), "{reason}");
}
