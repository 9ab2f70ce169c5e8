use joust_common::{Language, execution::Verdict};

use crate::{
    assert_exits_with, assert_memory_bomb_is_mle, assert_verdict, compile_error, execute,
    sum_tests, verdict,
};

const SUM: &str = r#"#include <stdio.h>
int main(void) { long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\n", a + b); return 0; }
"#;

#[test]
fn correct_program_is_accepted_on_every_test() {
    let response = verdict(Language::C, SUM);
    assert_verdict(&response, Verdict::AC);
    assert_eq!(response.tests.len(), 3);
    assert!(
        response
            .tests
            .iter()
            .all(|t| t.fuel > 0 && t.memory_bytes > 0)
    );
}

#[test]
fn wrong_output_stops_at_the_first_failing_test() {
    let source = SUM.replace("a + b", "a - b");
    let response = verdict(Language::C, &source);
    assert_verdict(&response, Verdict::WA);
    assert_eq!(response.tests.len(), 1, "stops at the first failure");
}

#[test]
fn run_all_reports_every_test() {
    let source = SUM.replace("a + b", "a * 0 + 3");
    let mut request = joust_common::execution::ExecutionRequest {
        language: Language::C,
        source,
        tests: sum_tests(),
        time_limit_ms: 1_000,
        memory_limit_mb: 64,
        checker: Default::default(),
        run_all: true,
    };
    let response = crate::sandbox().execute(&request);
    assert_verdict(&response, Verdict::WA);
    let verdicts: Vec<_> = response.tests.iter().map(|t| t.verdict).collect();
    assert_eq!(verdicts, [Verdict::AC, Verdict::WA, Verdict::WA]);
    request.run_all = false;
    assert_eq!(crate::sandbox().execute(&request).tests.len(), 2);
}

#[test]
fn syntax_error_is_a_compile_error_with_the_message() {
    let message = compile_error(Language::C, "int main(void) { return 0 }");
    assert!(message.contains("main.c"), "{message}");
    assert!(message.contains("expected ';'"), "{message}");
}

#[test]
fn infinite_loop_is_tle_with_a_deterministic_fuel_count() {
    let source = "int main(void) { volatile unsigned x = 0; for (;;) x++; }";
    let first = verdict(Language::C, source);
    assert_verdict(&first, Verdict::TLE);
    let second = verdict(Language::C, source);
    assert_eq!(first.tests[0].fuel, second.tests[0].fuel);
    assert_eq!(first.tests[0].time_ms, 1_000);
}

#[test]
fn memory_bomb_is_mle() {
    // Keeps every block reachable so the compiler cannot drop the allocations.
    let source = r#"#include <stdlib.h>
#include <string.h>
#include <stdio.h>
int main(void) {
    char **head = NULL; long long n = 0;
    for (;;) {
        char **block = malloc(1 << 20);
        if (!block) { printf("%lld\n", n); return 3; }
        memset(block, 1, 1 << 20);
        *block = (char *)head; head = block; n++;
    }
}"#;
    assert_memory_bomb_is_mle(Language::C, source, 2_000, 32);
}

#[test]
fn non_zero_exit_and_traps_are_runtime_errors() {
    assert_exits_with(Language::C, "int main(void) { return 7; }", 7);

    let trap = verdict(
        Language::C,
        "#include <stdlib.h>\nint main(void) { abort(); }",
    );
    assert_verdict(&trap, Verdict::RTE);
    assert!(
        trap.tests[0]
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("abort"),
        "{trap:#?}"
    );

    let recursion = verdict(
        Language::C,
        "int f(int n) { volatile int pad[64]; pad[0] = n; return f(n + 1) + pad[0]; }\nint main(void) { return f(0); }",
    );
    assert_verdict(&recursion, Verdict::RTE);
}

#[test]
fn output_flood_is_ole() {
    let source = "#include <stdio.h>\nint main(void) { for (;;) fputs(\"flood flood flood flood\\n\", stdout); }";
    let response = execute(Language::C, source, sum_tests(), 5_000, 64);
    assert_verdict(&response, Verdict::OLE);
}

#[test]
fn host_files_cannot_be_included_and_never_leak_into_messages() {
    let secret = crate::HostSecret::create();
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    for path in [
        "/etc/passwd",
        "/etc/hostname",
        "/proc/self/environ",
        secret.path(),
    ] {
        let source = format!("#include \"{path}\"\nint main(void) {{ return 0; }}\n");
        let response = verdict(Language::C, &source);
        assert_verdict(&response, Verdict::CE);
        let message = response.compile_output.unwrap_or_default();
        assert!(message.contains("not found"), "{path}: {message}");
        assert!(!message.contains("root:"), "{path}: {message}");
        assert!(!message.contains(secret.content()), "{path}: {message}");
        if hostname.trim().len() >= 4 {
            assert!(!message.contains(hostname.trim()), "{path}: {message}");
        }
    }
}

#[test]
fn the_compiler_runs_without_network_or_host_processes() {
    // `#embed`-style reads and `__has_include` probes see only the toolchain: nothing under
    // /home, /root, /proc or the repository exists inside the jail.
    let source = r#"#include <stdio.h>
int main(void) {
#if __has_include("/proc/self/status") || __has_include("/root/.bashrc") || __has_include("/etc/os-release")
    puts("host visible");
#else
    long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\n", a + b);
#endif
    return 0;
}"#;
    assert_verdict(&verdict(Language::C, source), Verdict::AC);
}
