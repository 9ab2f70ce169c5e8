//! What a failed run reports: the exit code or the trap by name, the end of stderr (trimmed
//! and bounded), the program's own output on sample tests only; memory limits up to the
//! format's default of 2 GiB; and the format's default validator as the default checker.

use joust_common::{
    Language,
    execution::{
        Checker, DefaultValidator, ExecutionRequest, ExecutionResponse, STDERR_TAIL_LINES,
        TestCase, Verdict,
    },
};

use crate::{assert_verdict, sandbox};

fn run(language: Language, source: &str, sample: bool, memory_limit_mb: u64) -> ExecutionResponse {
    sandbox().execute(&ExecutionRequest {
        language,
        source: source.into(),
        tests: vec![TestCase {
            input: "5\n".into(),
            expected_output: "25\n".into(),
            sample,
        }],
        time_limit_ms: 2_000,
        memory_limit_mb,
        checker: Checker::default(),
        run_all: false,
    })
}

#[test]
fn a_runtime_error_gives_its_exit_code_and_the_end_of_stderr() {
    let source = r#"#include <stdio.h>
int main(void) {
    for (int i = 0; i < 100; i++) fprintf(stderr, "debug line %d\n", i);
    fprintf(stderr, "fatal: bad input\n\n  \n");
    printf("partial\n");
    return 3;
}
"#;
    let response = run(Language::C, source, false, 64);
    assert_verdict(&response, Verdict::RTE);
    let test = &response.tests[0];
    assert_eq!(test.exit_code, Some(3));
    assert_eq!(test.message.as_deref(), Some("exit code 3"));
    let stderr = test.stderr.as_deref().unwrap();
    assert_eq!(stderr.lines().count(), STDERR_TAIL_LINES);
    assert!(stderr.ends_with("fatal: bad input"), "{stderr:?}");
    assert!(stderr.starts_with("debug line 81"), "{stderr:?}");
    // A secret test's own output is not kept; a sample's is.
    assert_eq!(test.output, None);
    let sample = run(Language::C, source, true, 64);
    assert_eq!(sample.tests[0].output.as_deref(), Some("partial\n"));
    assert!(sample.tests[0].sample);
}

#[test]
fn a_trap_is_named() {
    let recursion = "int f(int n) { volatile int pad[64]; pad[0] = n; return f(n + 1) + pad[0]; }\nint main(void) { return f(0); }";
    let response = run(Language::C, recursion, false, 64);
    assert_verdict(&response, Verdict::RTE);
    assert_eq!(response.tests[0].message.as_deref(), Some("stack overflow"));

    // The numerator comes from the input: clang turns `1 / z` into a comparison.
    let division = "#include <stdio.h>\nint main(void) { int n = 0; volatile int z = 0; scanf(\"%d\", &n); printf(\"%d\", n / z); }";
    let response = run(Language::C, division, false, 64);
    assert_eq!(
        response.tests[0].message.as_deref(),
        Some("integer divide by zero")
    );

    let python =
        "import sys\nprint('about to fail', file=sys.stderr)\nraise ValueError('no answer')";
    let response = run(Language::Python, python, true, 64);
    assert_verdict(&response, Verdict::RTE);
    let test = &response.tests[0];
    assert_eq!(test.message.as_deref(), Some("exit code 1"));
    let stderr = test.stderr.as_deref().unwrap();
    assert!(stderr.starts_with("about to fail\nTraceback"), "{stderr}");
    assert!(stderr.ends_with("ValueError: no answer"), "{stderr}");

    // Keeps every block reachable so the compiler cannot drop the allocations.
    let bomb = "#include <stdlib.h>\n#include <string.h>\nint main(void) { char **head = 0; for (;;) { char **block = malloc(1 << 20); if (!block) return 3; memset(block, 1, 1 << 20); *block = (char *)head; head = block; } }";
    let response = run(Language::C, bomb, false, 64);
    assert_verdict(&response, Verdict::MLE);
    assert_eq!(response.tests[0].message.as_deref(), Some("out of memory"));
}

#[test]
fn memory_limits_reach_two_gib() {
    // 1.5 GiB touched page by page: more than the old 512 MiB maximum, within the format's
    // default limit.
    let source = r#"#include <stdio.h>
#include <stdlib.h>
int main(void) {
    size_t n = (size_t)1536 << 20;
    volatile char *p = malloc(n);
    if (!p) return 9;
    for (size_t i = 0; i < n; i += 65536) p[i] = 1;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i += 65536) sum += p[i];
    printf("%u\n", sum == n / 65536 ? 25u : 0u);
}
"#;
    let response = run(Language::C, source, false, 2048);
    assert_verdict(&response, Verdict::AC);
    assert!(response.tests[0].memory_bytes > 1536 << 20, "{response:#?}");
    assert_verdict(&run(Language::C, source, false, 1024), Verdict::MLE);
}

#[test]
fn the_default_checker_is_the_formats_default_validator() {
    // Case-insensitive by default, with the reason of a rejection for the organizers.
    let response = run(Language::Python, "print('25')", false, 64);
    assert_verdict(&response, Verdict::AC);
    let mut request = ExecutionRequest {
        language: Language::Python,
        source: "print('Yes')".into(),
        tests: vec![TestCase {
            input: String::new(),
            expected_output: "YES\n".into(),
            sample: false,
        }],
        time_limit_ms: 1_000,
        memory_limit_mb: 64,
        checker: Checker::default(),
        run_all: false,
    };
    assert_verdict(&sandbox().execute(&request), Verdict::AC);
    request.checker = Checker::Default(DefaultValidator::parse_flags("case_sensitive").unwrap());
    let response = sandbox().execute(&request);
    assert_verdict(&response, Verdict::WA);
    let message = response.tests[0].judge_message.as_deref().unwrap();
    assert!(message.contains("token mismatch"), "{message}");
    request.checker = Checker::Default(
        DefaultValidator::parse_flags("float_tolerance 0.01 space_change_sensitive").unwrap(),
    );
    request.source = "print('YES')".into();
    assert_verdict(&sandbox().execute(&request), Verdict::AC);
    request.source = "print('YES ')".into();
    assert_verdict(&sandbox().execute(&request), Verdict::WA);
}
