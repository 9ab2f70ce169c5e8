//! Interactive problems: the validator and the submission run at the same time, joined by
//! pipes both ways; the submission's limits apply to it alone and the validator's exit code
//! decides, as the Kattis format specifies (a rejection before the submission has ended is
//! `WA` whatever the submission does next; a submission's own crash or timeout comes before
//! an acceptance).

use joust_common::{
    Language,
    execution::{Checker, ExecutionRequest, ExecutionResponse, TestCase, Validator, Verdict},
};

use crate::{assert_verdict, sandbox};

/// Guess the number in 1..=1000 (the test input) in at most 12 guesses; the validator answers
/// `higher`, `lower` or `correct`.
pub const GUESS_VALIDATOR: &str = r#"#include <fstream>
#include <iostream>
#include <string>
int main(int argc, char **argv) {
    std::ifstream input(argv[1]);
    std::ofstream message(std::string(argv[3]) + "/judgemessage.txt");
    long long secret;
    input >> secret;
    for (int guesses = 1; guesses <= 12; guesses++) {
        long long guess;
        if (!(std::cin >> guess)) {
            message << "no guess " << guesses << "\n";
            return 43;
        }
        if (guess == secret) {
            std::cout << "correct" << std::endl;
            message << "found in " << guesses << "\n";
            return 42;
        }
        std::cout << (guess < secret ? "higher" : "lower") << std::endl;
    }
    message << "too many guesses\n";
    return 43;
}
"#;

const CPP_SEARCH: &str = r#"#include <iostream>
#include <string>
int main() {
    int lo = 1, hi = 1000;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        std::cout << mid << std::endl;
        std::string reply;
        if (!(std::cin >> reply) || reply == "correct") return 0;
        if (reply == "higher") lo = mid + 1; else hi = mid - 1;
    }
}
"#;

pub const PYTHON_SEARCH: &str = r#"lo, hi = 1, 1000
while lo <= hi:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    reply = input()
    if reply == "correct":
        break
    if reply == "higher":
        lo = mid + 1
    else:
        hi = mid - 1
"#;

fn play(
    language: Language,
    source: &str,
    validator: Validator,
    time_limit_ms: u64,
) -> ExecutionResponse {
    sandbox().execute(&ExecutionRequest {
        language,
        source: source.into(),
        tests: ["1\n", "777\n", "1000\n"]
            .into_iter()
            .map(|secret| TestCase {
                input: secret.into(),
                expected_output: String::new(),
                sample: false,
            })
            .collect(),
        time_limit_ms,
        memory_limit_mb: 64,
        checker: Checker::Interactive(validator),
        run_all: false,
    })
}

fn guessing() -> Validator {
    Validator::single(Language::Cpp, GUESS_VALIDATOR)
}

#[test]
fn a_guessing_game_is_played_in_cpp_and_python() {
    for (language, source) in [
        (Language::Cpp, CPP_SEARCH),
        (Language::Python, PYTHON_SEARCH),
    ] {
        let response = play(language, source, guessing(), 1_000);
        assert_verdict(&response, Verdict::AC);
        assert_eq!(response.tests.len(), 3);
        let message = response.tests[1].judge_message.as_deref().unwrap();
        assert!(message.starts_with("found in "), "{message}");
        // Its output went to the validator, not into the result.
        assert!(response.tests.iter().all(|t| t.output.is_none()));
    }
}

#[test]
fn a_validator_that_rejects_first_decides_wa() {
    // Always guesses 500: the validator gives up after 12 guesses, while the submission still
    // waits for a reply, then reads the end of its input and crashes.
    let stubborn = "while True:\n    print(500, flush=True)\n    if input() == 'correct': break\n";
    let response = play(Language::Python, stubborn, guessing(), 1_000);
    assert_verdict(&response, Verdict::WA);
    assert_eq!(
        response.tests[0].judge_message.as_deref(),
        Some("too many guesses")
    );
}

#[test]
fn the_submissions_own_failure_comes_before_the_validators_rejection() {
    // Crashes after its first guess: the validator then reads the end of its input and
    // rejects, after the submission ended.
    let crash = "print(500, flush=True)\ninput()\nraise SystemExit(3)\n";
    let response = play(Language::Python, crash, guessing(), 1_000);
    assert_verdict(&response, Verdict::RTE);
    assert_eq!(response.tests[0].message.as_deref(), Some("exit code 3"));

    // Stops reading and computes forever: its fuel runs out.
    let spin = "print(500, flush=True)\nwhile True: pass\n";
    assert_verdict(&play(Language::Python, spin, guessing(), 200), Verdict::TLE);
}

#[test]
fn a_submission_that_waits_for_input_that_never_comes_is_tle() {
    // Reads before it writes, as the validator does: both wait, until the submission's wall
    // clock deadline.
    let deadlock = "#include <stdio.h>\nint main(void) { int x; if (scanf(\"%d\", &x) != 1) return 1; printf(\"%d\\n\", x); }";
    let started = std::time::Instant::now();
    let response = play(Language::C, deadlock, guessing(), 100);
    assert_verdict(&response, Verdict::TLE);
    // The backstop of a 100 ms C limit: 3 × 100 ms + 2 s.
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn a_validator_that_exits_early_decides_and_ends_the_submission() {
    // Accepts at once without reading: the submission's writes then end it as exit 0.
    let accept_at_once = Validator::single(Language::C, "int main(void) { return 42; }");
    let chatty =
        "#include <stdio.h>\nint main(void) { for (;;) { printf(\"1\\n\"); fflush(stdout); } }";
    let response = play(Language::C, chatty, accept_at_once, 1_000);
    assert_verdict(&response, Verdict::AC);
    // Rejects at once: WA, whatever the submission does afterwards.
    let reject_at_once = Validator::single(Language::C, "int main(void) { return 43; }");
    assert_verdict(
        &play(Language::Python, PYTHON_SEARCH, reject_at_once, 1_000),
        Verdict::WA,
    );
    // A validator that crashes is the judge's failure, with its reason for the organizers.
    let crashing = Validator::single(
        Language::Python,
        "import sys\nprint('oops', file=sys.stderr)\nsys.exit(1)",
    );
    let response = play(Language::Python, PYTHON_SEARCH, crashing, 1_000);
    assert_verdict(&response, Verdict::IE);
    assert!(response.validator_error.unwrap().ends_with("oops"));
}
