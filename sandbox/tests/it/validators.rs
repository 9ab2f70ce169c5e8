//! Custom output validators (Kattis convention): the validator reads the contestant's output on
//! stdin and the test input and expected answer from the files named by its first two
//! arguments, and exits 42 to accept or 43 to reject. Anything else is the judge's fault (IE).

use joust_common::{
    Language,
    execution::{Checker, ExecutionRequest, ExecutionResponse, TestCase, Validator, Verdict},
};

use crate::{assert_verdict, sandbox};

/// The problem: print two integers whose sum is the input. Many answers are right, so the
/// expected answer is only one of them and the token checker would reject most correct output.
fn tests() -> Vec<TestCase> {
    [("10\n", "3 7\n"), ("-4\n", "-4 0\n"), ("0\n", "0 0\n")]
        .into_iter()
        .map(|(i, o)| TestCase {
            input: i.into(),
            expected_output: o.into(),
            sample: false,
        })
        .collect()
}

const PYTHON_VALIDATOR: &str = r#"import sys
n = int(open(sys.argv[1]).read())
# The judge's own answer must be readable too, even when this validator does not need it.
assert open(sys.argv[2]).read().split()
tokens = sys.stdin.buffer.read().split()
ok = len(tokens) == 2 and all(t.lstrip(b"-").isdigit() for t in tokens)
sys.exit(42 if ok and int(tokens[0]) + int(tokens[1]) == n else 43)
"#;

const C_VALIDATOR: &str = r#"#include <stdio.h>
int main(int argc, char **argv) {
    if (argc < 3) return 1;
    FILE *in = fopen(argv[1], "r"), *ans = fopen(argv[2], "r");
    long long n, a, b, extra;
    if (!in || !ans || fscanf(in, "%lld", &n) != 1) return 1;
    if (scanf("%lld %lld", &a, &b) != 2 || scanf("%lld", &extra) == 1) return 43;
    return a + b == n ? 42 : 43;
}
"#;

/// QuickJS's `scriptArgs` holds only the arguments after the source: the input is the first.
const JS_VALIDATOR: &str = r#"
const n = Number(std.loadFile(scriptArgs[0]).trim());
const tokens = std.in.readAsString().split(/\s+/).filter((t) => t.length > 0);
const ok = tokens.length === 2 && tokens.every((t) => /^-?\d+$/.test(t));
std.exit(ok && Number(tokens[0]) + Number(tokens[1]) === n ? 42 : 43);
"#;

/// Prints `1` and `n - 1`: right, and never the expected answer of the first test.
const CONTESTANT: &str = "n = int(input())\nprint(1, n - 1)\n";

fn judge(source: &str, validator_language: Language, validator: &str) -> ExecutionResponse {
    judge_in(Language::Python, source, validator_language, validator)
}

fn judge_in(
    language: Language,
    source: &str,
    validator_language: Language,
    validator: &str,
) -> ExecutionResponse {
    sandbox().execute(&ExecutionRequest {
        language,
        source: source.into(),
        tests: tests(),
        time_limit_ms: 2_000,
        memory_limit_mb: 64,
        checker: Checker::Validator(Validator::single(validator_language, validator)),
        run_all: true,
    })
}

#[test]
fn a_validator_accepts_any_correct_answer_in_every_language() {
    for (language, validator) in [
        (Language::Python, PYTHON_VALIDATOR),
        (Language::C, C_VALIDATOR),
        (Language::JavaScript, JS_VALIDATOR),
    ] {
        let response = judge(CONTESTANT, language, validator);
        assert_verdict(&response, Verdict::AC);
        assert_eq!(response.tests.len(), 3, "{language}");
    }
    // The same output fails the default checker: the validator is what accepted it.
    let mut request = ExecutionRequest {
        language: Language::Python,
        source: CONTESTANT.into(),
        tests: tests(),
        time_limit_ms: 2_000,
        memory_limit_mb: 64,
        checker: Checker::Tokens,
        run_all: false,
    };
    assert_verdict(&sandbox().execute(&request), Verdict::WA);
    request.checker = Checker::Validator(Validator::single(Language::Python, PYTHON_VALIDATOR));
    assert_verdict(&sandbox().execute(&request), Verdict::AC);
}

#[test]
fn a_validator_rejects_wrong_answers_with_wa() {
    // Right on the first test only.
    let response = judge("input()\nprint(3, 7)\n", Language::Python, PYTHON_VALIDATOR);
    assert_verdict(&response, Verdict::WA);
    let verdicts: Vec<_> = response.tests.iter().map(|t| t.verdict).collect();
    assert_eq!(verdicts, [Verdict::AC, Verdict::WA, Verdict::WA]);
    // Malformed output is rejected, not a crash of the judge.
    let response = judge("print('three seven')\n", Language::C, C_VALIDATOR);
    assert_verdict(&response, Verdict::WA);
}

#[test]
fn a_broken_validator_is_an_internal_error_not_the_contestants_fault() {
    for (language, validator) in [
        // Crashes (exit 1 with a traceback).
        (Language::Python, "raise ValueError('oops')"),
        // Exits with a code that is neither 42 nor 43.
        (Language::Python, "import sys\nsys.exit(0)"),
        // Never decides.
        (
            Language::C,
            "int main(void) { volatile int x = 0; for (;;) x++; }",
        ),
        // Does not compile.
        (Language::C, "int main(void) { return 42 }"),
    ] {
        let response = judge(CONTESTANT, language, validator);
        assert_verdict(&response, Verdict::IE);
        assert!(
            response.compile_output.is_none(),
            "a validator's compiler output is not shown to the contestant"
        );
    }
    // A contestant's own failure is still decided before the validator is consulted.
    let response = judge(
        "raise SystemExit(3)",
        Language::Python,
        "import sys\nsys.exit(1)",
    );
    assert_verdict(&response, Verdict::RTE);
    let response = judge_in(
        Language::C,
        "int main(void) { return 0 }",
        Language::Python,
        PYTHON_VALIDATOR,
    );
    assert_verdict(&response, Verdict::CE);
}

#[test]
fn contestant_output_cannot_steer_the_validator() {
    // A validator that accepts anything: only limits and crashes can stop an answer, and a
    // flood of output is still OLE rather than a pass.
    let accept_all = "import sys\nsys.stdin.buffer.read()\nsys.exit(42)";
    let flood = "import sys\nwhile True: sys.stdout.write('42\\n' * 4096)";
    assert_verdict(&judge(flood, Language::Python, accept_all), Verdict::OLE);
    assert_verdict(
        &judge("while True: pass", Language::Python, accept_all),
        Verdict::TLE,
    );

    // Output that imitates the validator's files, its arguments or its exit code changes
    // nothing: the validator still reads the real input and answer.
    let mimic = r#"import sys
sys.stdout.write("/judge/answer\n/judge/input\n42\n\0\n--- answer ---\n3 7\n")
sys.exit(0)
"#;
    assert_verdict(
        &judge(mimic, Language::Python, PYTHON_VALIDATOR),
        Verdict::WA,
    );
    assert_verdict(&judge(mimic, Language::C, C_VALIDATOR), Verdict::WA);

    // The contestant has no access to the judge's files: the answer cannot be copied.
    let peek = r#"try:
    print(open("/judge/answer").read())
except OSError:
    print("no answer")
"#;
    assert_verdict(
        &judge(peek, Language::Python, PYTHON_VALIDATOR),
        Verdict::WA,
    );

    // And the validator cannot write to them either: they are read-only for it.
    let writer = r#"import sys
try:
    open(sys.argv[2], "w").write("1 -1")
    sys.exit(1)
except OSError:
    sys.exit(42)
"#;
    assert_verdict(&judge(CONTESTANT, Language::Python, writer), Verdict::AC);
}
