use joust_common::{Language, execution::Verdict};

use crate::{assert_exits_with, assert_memory_bomb_is_mle, assert_verdict, verdict};

const SUM: &str = r#"const [a, b] = std.in.readAsString().trim().split(/\s+/).map(BigInt);
console.log(String(a + b));
"#;

#[test]
fn correct_program_is_accepted() {
    assert_verdict(&verdict(Language::JavaScript, SUM), Verdict::AC);
}

#[test]
fn wrong_answer() {
    assert_verdict(
        &verdict(Language::JavaScript, "console.log(0)"),
        Verdict::WA,
    );
}

#[test]
fn infinite_loop_is_tle() {
    assert_verdict(&verdict(Language::JavaScript, "for (;;) {}"), Verdict::TLE);
}

#[test]
fn memory_bomb_is_mle() {
    let source = "const keep = []; for (;;) keep.push(new Array(1 << 16).fill(1.5));";
    assert_memory_bomb_is_mle(Language::JavaScript, source, 5_000, 48);
}

#[test]
fn uncaught_exception_is_a_runtime_error() {
    assert_exits_with(Language::JavaScript, "throw new Error('boom')", 1);
}

#[test]
fn syntax_error_is_a_runtime_error() {
    // Interpreted languages have no compile step: the parser's error is a failed run.
    assert_verdict(&verdict(Language::JavaScript, "let = ;"), Verdict::RTE);
}

#[test]
fn deep_recursion_works() {
    let source = r#"const depth = (n) => (n === 0 ? 0 : 1 + depth(n - 1));
const [a, b] = std.in.readAsString().trim().split(/\s+/).map(BigInt);
console.log(String(a + b + BigInt(depth(10000)) - 10000n));
"#;
    assert_verdict(&verdict(Language::JavaScript, source), Verdict::AC);
}

#[test]
fn runaway_recursion_is_a_runtime_error() {
    let response = verdict(Language::JavaScript, "const f = (n) => f(n + 1) + 1; f(0);");
    assert_verdict(&response, Verdict::RTE);
}
