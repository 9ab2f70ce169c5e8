//! A run checked against what its submission must get: the folder's score expectation on a
//! scoring problem, and the rules of `submissions.yaml`.

use joust_common::domain::scoring::{SCORE_EPSILON, Scored, ScoringModel, TestOutcome};

use super::{FolderScore, Outcome, Rule, test_path};
use crate::testdata::TestCase;

/// The submission's verdict and score under `model` (on a scoring problem), and everything
/// `outcomes` (by test index; `None` for tests not run) break of `rules` and of the folder's
/// score expectation.
pub fn check(
    folder: FolderScore,
    rules: &[Rule],
    tests: &[TestCase],
    outcomes: &[Option<Outcome>],
    model: Option<&ScoringModel>,
) -> (Option<Scored>, Vec<String>) {
    let mut problems = Vec::new();
    let scores = model.map(|model| {
        let given: Vec<TestOutcome> = outcomes
            .iter()
            .map_while(|o| o.as_ref())
            .map(|o| TestOutcome {
                verdict: o.verdict,
                score: o.score,
            })
            .collect();
        (model.score(&given), model.group_scores(&given))
    });
    if let Some((scored, _)) = &scores {
        let max = scored
            .max_score
            .map_or("unbounded".into(), |m| m.to_string());
        match folder {
            FolderScore::Full if scored.max_score.is_some() && !scored.is_full() => {
                problems.push(format!(
                    "scored {} of {max}: an accepted submission must get the maximum",
                    scored.score
                ));
            }
            FolderScore::Partial if scored.is_full() => problems.push(format!(
                "scored the maximum, {max}: a partially accepted submission must score less"
            )),
            _ => {}
        }
    }
    for rule in rules {
        let covered: Vec<(&TestCase, Option<&Outcome>)> = tests
            .iter()
            .zip(
                outcomes
                    .iter()
                    .map(Option::as_ref)
                    .chain(std::iter::repeat(None)),
            )
            .filter(|(test, _)| {
                rule.tests
                    .as_ref()
                    .is_none_or(|g| g.matches(&test_path(test)))
            })
            .collect();
        let verdict_of = |o: Option<&Outcome>| o.map(|o| o.verdict);
        if let Some(permitted) = &rule.permitted
            && let Some((test, outcome)) = covered
                .iter()
                .find(|(_, o)| verdict_of(*o).is_none_or(|v| !permitted.contains(&v)))
        {
            problems.push(format!(
                "{}: data/{}.in got {}, permitted {permitted:?}",
                rule.origin,
                test_path(test),
                verdict_of(*outcome).map_or("no verdict".into(), |v| v.to_string())
            ));
        }
        if let Some(required) = &rule.required
            && !covered
                .iter()
                .any(|(_, o)| verdict_of(*o).is_some_and(|v| required.contains(&v)))
        {
            problems.push(format!("{}: no test got one of {required:?}", rule.origin));
        }
        if let Some(message) = &rule.message
            && !covered.iter().any(|(_, o)| {
                o.and_then(|o| o.judge_message.as_deref())
                    .is_some_and(|m| m.contains(message.as_str()))
            })
        {
            problems.push(format!(
                "{}: no judge message contains {message:?}",
                rule.origin
            ));
        }
        if let (Some((low, high)), Some((scored, groups))) = (rule.score, &scores) {
            let given: Vec<(&str, f64)> = match &rule.tests {
                None => vec![("the submission", scored.score)],
                Some(glob) => groups
                    .iter()
                    .filter(|(path, _)| glob.matches_exactly(path))
                    .map(|(path, score)| (path.as_str(), *score))
                    .collect(),
            };
            for (what, score) in given {
                if score < low - SCORE_EPSILON || score > high + SCORE_EPSILON {
                    problems.push(format!(
                        "{}: {what} scored {score}, expected {}",
                        rule.origin,
                        if low == high {
                            low.to_string()
                        } else {
                            format!("{low} to {high}")
                        }
                    ));
                }
            }
        }
    }
    (scores.map(|(scored, _)| scored), problems)
}
