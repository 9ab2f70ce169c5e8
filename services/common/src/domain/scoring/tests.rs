//! The scoring rules of both formats on small packages, and properties over any results.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::domain::Verdict::{self, *};

fn tests(spec: &[(&str, usize)]) -> Vec<(String, String)> {
    spec.iter()
        .flat_map(|(group, n)| (0..*n).map(move |i| (group.to_string(), format!("{i:02}"))))
        .collect()
}

fn settings(spec: &[(&str, Value)]) -> Vec<(String, Value)> {
    spec.iter()
        .map(|(p, v)| (p.to_string(), v.clone()))
        .collect()
}

fn outcomes(verdicts: &[Verdict]) -> Vec<TestOutcome> {
    verdicts
        .iter()
        .map(|&verdict| TestOutcome {
            verdict,
            score: None,
        })
        .collect()
}

/// The bank's shape: `secret` sums three pass-fail groups of 20, 30 and 50 points.
fn subtasks() -> ScoringModel {
    let groups = settings(&[
        (
            "secret",
            json!({"scoring": {"score": 100, "aggregation": "sum"}}),
        ),
        ("secret/group1", json!({"scoring": {"score": 20}})),
        ("secret/group2", json!({"scoring": {"score": 30}})),
        ("secret/group3", json!({"scoring": {"score": 50}})),
    ]);
    let tests = tests(&[
        ("sample", 2),
        ("secret/group1", 2),
        ("secret/group2", 2),
        ("secret/group3", 2),
    ]);
    build(ScoringFormat::V2023_07, &groups, &tests, false).unwrap()
}

#[test]
fn every_subtask_passed_is_the_full_score() {
    let scored = subtasks().score(&outcomes(&[WA, WA, AC, AC, AC, AC, AC, AC]));
    assert_eq!(scored.verdict, AC, "samples never count in 2023-07");
    assert_eq!(scored.score, 100.0);
    assert!(scored.is_full());
}

#[test]
fn a_failed_subtask_scores_nothing_and_gives_its_verdict() {
    let scored = subtasks().score(&outcomes(&[AC, AC, AC, AC, AC, TLE, AC, AC]));
    assert_eq!((scored.verdict, scored.score), (TLE, 70.0));
    assert!(!scored.is_full());
    assert_eq!(scored.max_score, Some(100.0));
}

#[test]
fn every_group_has_its_score() {
    let scores = subtasks().group_scores(&outcomes(&[AC, AC, AC, AC, AC, TLE, AC, AC]));
    assert_eq!(
        scores,
        [
            ("secret/group1".to_owned(), 20.0),
            ("secret/group2".to_owned(), 0.0),
            ("secret/group3".to_owned(), 50.0),
            ("secret".to_owned(), 70.0),
        ]
    );
}

#[test]
fn tests_not_run_count_as_rejected() {
    let scored = subtasks().score(&outcomes(&[AC, AC, AC, AC, WA]));
    assert_eq!((scored.verdict, scored.score), (WA, 20.0));
}

#[test]
fn secret_tests_alone_share_its_score() {
    let tests = tests(&[("secret", 4)]);
    let model = build(ScoringFormat::V2023_07, &[], &tests, false).unwrap();
    let scored = model.score(&outcomes(&[AC, WA, AC, AC]));
    assert_eq!((scored.verdict, scored.score), (WA, 75.0));
}

#[test]
fn a_min_group_takes_the_lowest_validator_score() {
    let groups = settings(&[
        (
            "secret",
            json!({"scoring": {"score": 10, "aggregation": "sum"}}),
        ),
        (
            "secret/a",
            json!({"scoring": {"score": 10, "aggregation": "min"}}),
        ),
    ]);
    let model = build(
        ScoringFormat::V2023_07,
        &groups,
        &tests(&[("secret/a", 3)]),
        true,
    )
    .unwrap();
    let results = [Some(7.0), None, Some(3.5)].map(|score| TestOutcome { verdict: AC, score });
    let scored = model.score(&results);
    assert_eq!((scored.verdict, scored.score), (AC, 3.5));
    let over = [Some(70.0); 3].map(|score| TestOutcome { verdict: AC, score });
    assert_eq!(
        model.score(&over).score,
        10.0,
        "a group never scores above its maximum"
    );
}

#[test]
fn legacy_defaults_sum_accepted_tests_and_ignore_a_rejected_score() {
    let tests = tests(&[("sample", 2), ("secret", 3)]);
    let model = build(ScoringFormat::Legacy, &[], &tests, false).unwrap();
    assert_eq!(model.max_score(), Some(5.0));
    let all = model.score(&outcomes(&[AC; 5]));
    assert_eq!((all.verdict, all.score), (AC, 5.0));
    let one_wrong = model.score(&outcomes(&[AC, AC, AC, WA, AC]));
    assert_eq!((one_wrong.verdict, one_wrong.score), (WA, 0.0));
}

/// The legacy idiom for subtasks: the root ignores samples, `secret` accepts when any group
/// does and sums them, each group is worth its `accept_score` by `min`.
fn legacy_subtasks() -> ScoringModel {
    let groups = settings(&[
        ("", json!({"grader_flags": "ignore_sample"})),
        (
            "secret",
            json!({"grader_flags": "accept_if_any_accepted sum", "on_reject": "continue"}),
        ),
        (
            "secret/g1",
            json!({"grader_flags": "min", "accept_score": 40, "on_reject": "break"}),
        ),
        (
            "secret/g2",
            json!({"grader_flags": "min", "accept_score": "60", "on_reject": "break"}),
        ),
    ]);
    let tests = tests(&[("sample", 1), ("secret/g1", 2), ("secret/g2", 2)]);
    build(ScoringFormat::Legacy, &groups, &tests, false).unwrap()
}

#[test]
fn legacy_subtasks_accept_a_partial_solution_with_its_score() {
    let model = legacy_subtasks();
    assert_eq!(model.max_score(), Some(100.0));
    let partial = model.score(&outcomes(&[WA, AC, AC, AC, RTE]));
    assert_eq!((partial.verdict, partial.score), (AC, 40.0));
    let none = model.score(&outcomes(&[AC, WA, AC, TLE, AC]));
    assert_eq!((none.verdict, none.score), (TLE, 0.0));
    assert!(model.score(&outcomes(&[WA, AC, AC, AC, AC])).is_full());
}

#[test]
fn worst_error_and_first_error_pick_different_verdicts() {
    let model = |flags: &str| {
        let groups = settings(&[("", json!({"grader_flags": flags, "on_reject": "continue"}))]);
        build(
            ScoringFormat::Legacy,
            &groups,
            &tests(&[("secret", 3)]),
            false,
        )
        .unwrap()
    };
    let results = outcomes(&[WA, AC, RTE]);
    assert_eq!(model("worst_error").score(&results).verdict, RTE);
    assert_eq!(model("first_error").score(&results).verdict, WA);
    assert_eq!(model("always_accept").score(&results).verdict, AC);
}

#[test]
fn on_reject_break_stops_counting_at_the_first_rejection() {
    let model = |on_reject: &str| {
        let groups = settings(&[(
            "",
            json!({"grader_flags": "accept_if_any_accepted", "on_reject": on_reject}),
        )]);
        build(
            ScoringFormat::Legacy,
            &groups,
            &tests(&[("secret", 3)]),
            false,
        )
        .unwrap()
    };
    let results = outcomes(&[AC, WA, AC]);
    assert_eq!(model("break").score(&results).score, 1.0);
    assert_eq!(model("continue").score(&results).score, 2.0);
}

#[test]
fn a_custom_validator_without_range_is_unbounded() {
    let unbounded = build(ScoringFormat::Legacy, &[], &tests(&[("secret", 2)]), true).unwrap();
    assert_eq!(unbounded.max_score(), None);
    let scored = unbounded.score(&[AC, AC].map(|verdict| TestOutcome {
        verdict,
        score: Some(2.5),
    }));
    assert_eq!(scored.score, 5.0);
    assert!(!scored.is_full(), "an unbounded problem is never won early");
    let groups = settings(&[("", json!({"range": "0 100"}))]);
    let capped = build(
        ScoringFormat::Legacy,
        &groups,
        &tests(&[("secret", 2)]),
        true,
    )
    .unwrap();
    assert_eq!(capped.max_score(), Some(100.0));
}

#[test]
fn unsupported_or_inconsistent_settings_are_refused() {
    let refused = |format, groups: &[(&str, Value)], tests: &[(&str, usize)]| {
        build(format, &settings(groups), &self::tests(tests), false).unwrap_err()
    };
    let custom = refused(
        ScoringFormat::Legacy,
        &[("", json!({"grading": "custom"}))],
        &[("secret", 1)],
    );
    assert!(
        custom[0].to_string().contains("not supported"),
        "{custom:?}"
    );
    let flag = refused(
        ScoringFormat::Legacy,
        &[("secret", json!({"grader_flags": "median"}))],
        &[("secret", 1)],
    );
    assert_eq!(flag[0].path, "secret/");
    let unbounded = refused(ScoringFormat::V2023_07, &[], &[("secret/g", 1)]);
    assert!(
        unbounded[0].message.contains("scoring.score"),
        "{unbounded:?}"
    );
    let require = refused(
        ScoringFormat::V2023_07,
        &[(
            "secret/g",
            json!({"scoring": {"score": 100, "require_pass": "sample"}}),
        )],
        &[("secret/g", 1)],
    );
    assert!(require[0].message.contains("require_pass"), "{require:?}");
    let mixed = refused(
        ScoringFormat::V2023_07,
        &[("secret/g", json!({"scoring": {"score": 50}}))],
        &[("secret", 1), ("secret/g", 1)],
    );
    assert!(mixed[0].message.contains("not both"), "{mixed:?}");
}

#[test]
fn the_model_round_trips_through_json() {
    let model = legacy_subtasks();
    let stored = serde_json::to_value(&model).unwrap();
    assert_eq!(
        serde_json::from_value::<ScoringModel>(stored).unwrap(),
        model
    );
}

fn verdict() -> impl Strategy<Value = Verdict> {
    prop::sample::select(vec![AC, AC, AC, WA, TLE, RTE, MLE])
}

proptest! {
    #[test]
    fn a_score_lies_between_zero_and_the_maximum(
        verdicts in prop::collection::vec(verdict(), 0..10),
        scores in prop::collection::vec(prop::option::of(-10.0f64..200.0), 10),
    ) {
        let groups = settings(&[
            ("secret", json!({"scoring": {"score": 100, "aggregation": "sum"}})),
            ("secret/a", json!({"scoring": {"score": 40, "aggregation": "min"}})),
            ("secret/b", json!({"scoring": {"score": 60, "aggregation": "sum"}})),
        ]);
        let model = build(
            ScoringFormat::V2023_07, &groups, &tests(&[("sample", 1), ("secret/a", 4), ("secret/b", 4)]), true,
        ).unwrap();
        let results: Vec<TestOutcome> = verdicts.iter().zip(&scores)
            .map(|(&verdict, &score)| TestOutcome { verdict, score }).collect();
        let scored = model.score(&results);
        prop_assert!((0.0..=100.0).contains(&scored.score));
        let secret_all_accepted = results.len() == 9 && results[1..].iter().all(|r| r.verdict == AC);
        prop_assert_eq!(scored.verdict == AC, secret_all_accepted);
        if scored.is_full() {
            prop_assert!(secret_all_accepted);
        }
    }

    #[test]
    fn accepting_more_subtasks_never_lowers_the_score(mask in prop::collection::vec(any::<bool>(), 6)) {
        let model = subtasks();
        let base: Vec<Verdict> = std::iter::once(AC).chain(std::iter::once(AC))
            .chain(mask.iter().map(|&ok| if ok { AC } else { WA })).collect();
        let better: Vec<Verdict> = base.iter().map(|_| AC).collect();
        prop_assert!(model.score(&outcomes(&base)).score <= model.score(&outcomes(&better)).score);
    }
}
