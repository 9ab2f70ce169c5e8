//! What submissions must score: `accepted/` the maximum and `partially_accepted/` less on a
//! scoring problem, and the rules of `submissions/submissions.yaml` (2023-07), checked on a
//! real executor; a package that breaks any is refused with each mismatch.

use joust_problems::{Report, parse, verify};

use crate::{executor, fixture_package, fixture_with};

/// Verifies the `points` fixture with `change` applied; its refusal when it is refused.
async fn verify_points(
    change: &[(&str, Option<&str>)],
) -> Result<joust_problems::Verified, Report> {
    let package = parse(&fixture_with("points", change)).expect("the package parses");
    verify(&package, &executor()).await
}

fn refusal_of(change: &[(&str, Option<&str>)]) -> Report {
    parse(&fixture_with("points", change)).expect_err("refused")
}

#[tokio::test]
async fn the_scores_of_a_scoring_package_are_what_its_submissions_expect() {
    let verified = verify(&fixture_package("points"), &executor())
        .await
        .expect("points verifies");
    let scores: Vec<(&str, Option<f64>)> = verified
        .runs
        .iter()
        .map(|r| (r.path.as_str(), r.score))
        .collect();
    assert!(
        scores.contains(&("submissions/accepted/full.py", Some(100.0))),
        "{scores:?}"
    );
    assert!(
        scores.contains(&("submissions/partially_accepted/sixty.py", Some(60.0))),
        "{scores:?}"
    );
    assert!(
        scores.contains(&("submissions/wrong_answer/words.py", Some(0.0))),
        "{scores:?}"
    );
}

#[tokio::test]
async fn an_accepted_submission_below_the_maximum_is_refused() {
    let report = verify_points(&[("submissions/accepted/seventy.py", Some("print(70)\n"))])
        .await
        .expect_err("refused");
    assert!(
        report.mentions(
            "submissions/accepted/seventy.py: scored 70 of 100: an accepted submission must get the maximum"
        ),
        "{report}"
    );
    assert_eq!(report.problems.len(), 1, "{report}");
}

#[tokio::test]
async fn a_partially_accepted_submission_with_the_maximum_is_refused() {
    let report = verify_points(&[(
        "submissions/partially_accepted/hundred.py",
        Some("print(100)\n"),
    )])
    .await
    .expect_err("refused");
    assert!(
        report.mentions("submissions/partially_accepted/hundred.py: scored the maximum, 100"),
        "{report}"
    );
}

#[tokio::test]
async fn every_broken_rule_of_submissions_yaml_is_reported() {
    let yaml = "partially_accepted/sixty.py:\n  score: [70, 80]\n  message: scored 61\n\
                wrong_answer/words.py:\n  required: [TLE]\n  secret:\n    permitted: [AC]\n";
    let report = verify_points(&[("submissions/submissions.yaml", Some(yaml))])
        .await
        .expect_err("refused");
    for expected in [
        "submissions/partially_accepted/sixty.py: submissions/submissions.yaml: \
         partially_accepted/sixty.py: the submission scored 60, expected 70 to 80",
        "sixty.py: no judge message contains \"scored 61\"",
        "submissions/wrong_answer/words.py: submissions/submissions.yaml: wrong_answer/words.py: \
         no test got one of [TLE]",
        "wrong_answer/words.py > secret: data/secret/1.in got WA, permitted [AC]",
    ] {
        assert!(report.mentions(expected), "{expected}\n{report}");
    }
}

#[test]
fn a_submissions_yaml_the_format_does_not_allow_is_refused_at_once() {
    let report = refusal_of(&[(
        "submissions/submissions.yaml",
        Some(
            "nothing/*.py:\n  score: 1\n\
             accepted/**:\n  score: 1\n\
             accepted:\n  permitted: [AC, WA]\n\
             accepted/full.py:\n  secret/nowhere:\n    required: [AC]\n  \
             permitted: [OK]\n  score: [3, 1]\n",
        ),
    )]);
    for expected in [
        "nothing/*.py: matches no submission",
        "accepted/**: `**` and `[...]` are not supported",
        "accepted: replacing the requirements of a default folder is not supported",
        "accepted/full.py > secret/nowhere: not a key of submissions/submissions.yaml, nor a glob",
        "accepted/full.py: permitted must be a list of AC, WA, TLE and RTE",
        "accepted/full.py: score must be a number or a list of two, low then high",
    ] {
        assert!(report.mentions(expected), "{expected}\n{report}");
    }
}

#[test]
fn scores_are_only_expected_of_scoring_problems() {
    let files = crate::fixture_with(
        "different",
        &[
            (
                "submissions/submissions.yaml",
                Some("accepted/diff.py:\n  score: 100\n"),
            ),
            ("submissions/partially_accepted/diff.py", Some("print(0)\n")),
        ],
    );
    let report = parse(&files).expect_err("refused");
    assert!(
        report.mentions("accepted/diff.py: score is only for scoring problems"),
        "{report}"
    );
    assert!(
        report.mentions("partially_accepted/ is for scoring problems only"),
        "{report}"
    );
}

#[test]
fn a_legacy_package_keeps_its_folders_and_ignores_submissions_yaml() {
    let files = crate::fixture_with(
        "hello",
        &[(
            "submissions/submissions.yaml",
            Some("accepted:\n  score: 5\n"),
        )],
    );
    let package = parse(&files).expect("parses");
    assert!(
        package
            .warnings
            .iter()
            .any(|w| w.contains("submissions.yaml: ignored")),
        "{:?}",
        package.warnings
    );
}

#[tokio::test]
async fn the_2023_07_folders_without_one_verdict_are_held_to_their_definitions() {
    let signed = std::fs::read_to_string(
        crate::fixture("different").join("submissions/wrong_answer/signed.py"),
    )
    .unwrap();
    let fine = crate::fixture_with(
        "different",
        &[("submissions/rejected/signed.py", Some(&signed))],
    );
    let verified = verify(&parse(&fine).expect("parses"), &executor())
        .await
        .expect("a rejected submission that is rejected verifies");
    assert!(
        verified
            .runs
            .iter()
            .any(|r| r.path == "submissions/rejected/signed.py" && r.expected.is_none())
    );
    let wrong = crate::fixture_with(
        "different",
        &[
            ("submissions/brute_force/signed.py", Some(&signed)),
            (
                "submissions/rejected/diff.py",
                Some(
                    "import sys\nfor line in sys.stdin:\n    a, b = map(int, line.split())\n    print(abs(a - b))\n",
                ),
            ),
        ],
    );
    let report = verify(&parse(&wrong).expect("parses"), &executor())
        .await
        .expect_err("refused");
    assert!(
        report.mentions(
            "submissions/brute_force/signed.py: brute_force/ (the format's definition): data/"
        ),
        "{report}"
    );
    assert!(
        report.mentions(
            "submissions/rejected/diff.py: rejected/ (the format's definition): no test got one of [RTE, TLE, WA]"
        ),
        "{report}"
    );
}
