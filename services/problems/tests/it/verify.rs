//! Verification on a real executor: submissions get their folders' verdicts, or the package
//! is refused with every mismatch; input validators check every test.

use joust_common::{domain::Verdict, execution::Checker};
use joust_problems::{parse, verify};

use crate::{executor, fixture_package, fixture_with};

#[tokio::test]
async fn hello_verifies_and_derives_its_time_limit() {
    let hello = fixture_package("hello");
    let verified = verify(&hello, &executor()).await.expect("hello verifies");
    assert!(verified.time_limit_derived);
    // Legacy: slowest accepted × 5, rounded up to whole seconds.
    assert_eq!(
        verified.time_limit_ms,
        joust_problems::verify::derive_time_limit(
            verified.slowest_accepted_ms,
            &hello.config.limits
        )
    );
    assert_eq!(verified.time_limit_ms % 1000, 0);
    let verdicts: Vec<(&str, Verdict)> = verified
        .runs
        .iter()
        .map(|r| (r.path.as_str(), r.verdict))
        .collect();
    assert!(verdicts.contains(&("submissions/time_limit_exceeded/spin.py", Verdict::TLE)));
    assert!(verdicts.contains(&("submissions/run_time_error/exits.py", Verdict::RTE)));
    assert!(verdicts.contains(&("submissions/wrong_answer/goodbye.py", Verdict::WA)));
    assert!(verdicts.contains(&("submissions/accepted/hello.c", Verdict::AC)));
    assert_eq!(verified.runs.len(), 5);
    // The executor caps memory below the format's 2048 MiB default.
    assert_eq!(
        verified.memory_limit_mb,
        joust_problems::runner::MAX_MEMORY_MB
    );
}

#[tokio::test]
async fn a_fixed_time_limit_and_nested_groups_verify() {
    let verified = verify(&fixture_package("different"), &executor())
        .await
        .expect("different verifies");
    assert_eq!(verified.time_limit_ms, 2000);
    assert!(!verified.time_limit_derived);
    assert_eq!(
        verified.checker,
        Checker::Default(joust_common::execution::DefaultValidator::default())
    );
}

#[tokio::test]
async fn a_custom_output_validator_judges_the_answers() {
    let verified = verify(&fixture_package("oddecho"), &executor())
        .await
        .expect("oddecho verifies");
    assert!(matches!(verified.checker, Checker::Validator(_)));
    // The accepted submission shouts: only the validator's case-blind comparison accepts it.
    assert!(
        verified
            .runs
            .iter()
            .any(|r| r.path == "submissions/accepted/shout.py" && r.verdict == Verdict::AC)
    );
}

#[tokio::test]
async fn every_submission_with_the_wrong_verdict_is_reported() {
    let files = fixture_with(
        "hello",
        &[
            // Accepted in the wrong-answer folder, and wrong in the accepted folder.
            (
                "submissions/wrong_answer/right.py",
                Some("print('Hello World!')\n"),
            ),
            (
                "submissions/accepted/wrong.py",
                Some("print('hello world')\n"),
            ),
            // A run-time error that does not crash.
            (
                "submissions/run_time_error/fine.py",
                Some("print('Hello World!')\n"),
            ),
        ],
    );
    let report = verify(&parse(&files).unwrap(), &executor())
        .await
        .expect_err("the package is refused");
    assert!(
        report.mentions("submissions/wrong_answer/right.py: got AC, expected WA"),
        "{report}"
    );
    assert!(
        report.mentions("submissions/accepted/wrong.py: got WA, expected AC"),
        "{report}"
    );
    assert!(
        report.mentions("submissions/run_time_error/fine.py: got AC, expected RTE"),
        "{report}"
    );
    assert_eq!(report.problems.len(), 3, "{report}");
}

#[tokio::test]
async fn input_validators_check_every_test() {
    let files = fixture_with(
        "different",
        &[
            ("data/secret/small/negative.in", Some("-1 5\n")),
            ("data/secret/small/negative.ans", Some("6\n")),
            ("data/secret/large/huge.in", Some("10000000000000000 1\n")),
            ("data/secret/large/huge.ans", Some("9999999999999999\n")),
        ],
    );
    let report = verify(&parse(&files).unwrap(), &executor())
        .await
        .expect_err("the package is refused");
    assert!(
        report.mentions("data/secret/small/negative.in: rejected by input_validators/validate.py"),
        "{report}"
    );
    assert!(
        report.mentions("data/secret/large/huge.in: rejected by"),
        "{report}"
    );
}

#[tokio::test]
async fn a_validator_that_does_not_run_is_reported() {
    let files = fixture_with(
        "hello",
        &[(
            "input_format_validators/validate.py",
            Some("this is not python\n"),
        )],
    );
    let report = verify(&parse(&files).unwrap(), &executor())
        .await
        .expect_err("the package is refused");
    assert!(
        report.mentions("input_format_validators/validate.py"),
        "{report}"
    );
    assert!(
        !report.mentions("rejected"),
        "a broken validator is not a rejection: {report}"
    );
}

#[tokio::test]
async fn an_interactive_problem_is_verified_with_its_validator_talking_to_each_submission() {
    // Always guessing 1 never finds 999: the validator rejects after ten guesses.
    let stubborn = "for _ in range(10):\n    print(1, flush=True)\n    input()\n";
    let files = fixture_with(
        "guess",
        &[("submissions/wrong_answer/stubborn.py", Some(stubborn))],
    );
    let verified = verify(&parse(&files).unwrap(), &executor())
        .await
        .expect("the interactive package verifies");
    assert!(matches!(verified.checker, Checker::Interactive(_)));
    let verdicts: Vec<_> = verified
        .runs
        .iter()
        .map(|r| (r.path.as_str(), r.verdict))
        .collect();
    assert!(
        verdicts.contains(&("submissions/accepted/bisect.py", Verdict::AC)),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("submissions/wrong_answer/stubborn.py", Verdict::WA)),
        "{verdicts:?}"
    );
}
