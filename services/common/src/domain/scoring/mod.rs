//! Scoring problems: the tree of test groups with each group's aggregation rules, and
//! [`ScoringModel::score`], which turns the results of a submission's tests into its verdict and
//! score. Pure: building the tree from `testdata.yaml` settings lives in `build`, storing it
//! with a problem version in the problems crate, and applying a score to a battle in the judge.
//!
//! Both formats of the Kattis package are modelled with one tree:
//! - legacy: the root is `data/` (with `sample` and `secret` under it); every group has a
//!   grader (verdict mode, score mode, `accept_if_any_accepted`, `ignore_sample`), an
//!   `on_reject` policy and default scores of accepted and rejected tests;
//! - 2023-07: the root is `secret`; a group aggregates by `pass-fail`, `sum` or `min` under a
//!   maximum score, and samples never count.

mod build;
mod format;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use build::{BuildError, build};
pub use format::ScoringFormat;

use super::battle::Verdict;

/// How a group's score comes from its items' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    /// 2023-07: the group's maximum when every test in it is accepted, else 0.
    PassFail,
    Sum,
    Min,
    /// Legacy `avg`.
    Avg,
    /// Legacy `max`.
    Max,
}

/// How a group's verdict comes from its items' verdicts (legacy grader flags; 2023-07 groups
/// always use the first error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictMode {
    /// The most severe rejection among the items (IE, RTE, MLE, TLE, OLE, WA, in that order).
    WorstError,
    /// The first rejection in order.
    FirstError,
    AlwaysAccept,
}

/// One group of the tree: its rules and its items in order (tests and subgroups by base name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group's path under `data/` (`""` for the legacy root, `secret`, `secret/group1`).
    pub path: String,
    pub aggregation: Aggregation,
    pub verdict_mode: VerdictMode,
    /// Legacy: accepted when any item is accepted.
    pub accept_if_any_accepted: bool,
    /// Legacy, root only: the result is the `secret` item's alone.
    pub ignore_sample: bool,
    /// Legacy `on_reject: break`: items after the first rejected one are not counted.
    pub stop_at_rejection: bool,
    /// The most this group can score; `None` when unbounded (a validator's `score.txt` decides).
    pub max_score: Option<f64>,
    pub items: Vec<Item>,
}

/// A test (by its index in the version's ordered tests) or a subgroup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Test(TestRule),
    Group(Group),
}

/// How one test scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TestRule {
    /// The test's position in the version's ordered tests (0-based).
    pub index: usize,
    /// The score of an accepted test without `score.txt`; `None` when it must write one.
    pub accept_score: Option<f64>,
    /// The score of a rejected test.
    pub reject_score: f64,
    /// Whether a validator's `score.txt` counts for this test (not in 2023-07 pass-fail groups).
    pub validator_score: bool,
}

/// The scoring of one problem version, stored with it as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringModel {
    pub format: ScoringFormat,
    pub root: Group,
}

/// What one test gave: its verdict and a validator's `score.txt`, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestOutcome {
    pub verdict: Verdict,
    pub score: Option<f64>,
}

/// A submission's verdict and score on a scoring problem.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub verdict: Verdict,
    pub score: f64,
    /// The problem's maximum score; `None` when unbounded.
    pub max_score: Option<f64>,
}

impl Scored {
    /// Whether the score is the problem's maximum: such a submission wins a battle at once.
    pub fn is_full(&self) -> bool {
        self.max_score
            .is_some_and(|max| self.verdict == Verdict::AC && self.score >= max - SCORE_EPSILON)
    }
}

/// Scores closer than this are equal (they are sums of floats from `score.txt`).
pub const SCORE_EPSILON: f64 = 1e-9;

/// A group's or test's result while aggregating.
#[derive(Debug, Clone, Copy)]
struct Result {
    verdict: Verdict,
    score: f64,
}

impl ScoringModel {
    /// The problem's maximum score; `None` when unbounded.
    pub fn max_score(&self) -> Option<f64> {
        self.root.max_score
    }

    /// The verdict and score of a submission whose tests gave `outcomes` (by test index). A
    /// test without an outcome (not run) counts as rejected with the verdict of the first
    /// rejected test, or `IE` when none was.
    pub fn score(&self, outcomes: &[TestOutcome]) -> Scored {
        let missing = outcomes
            .iter()
            .find(|o| o.verdict != Verdict::AC)
            .map_or(Verdict::IE, |o| o.verdict);
        let result = self.root.result(outcomes, missing, &mut Vec::new());
        let score = match self.format {
            // Legacy: "for non-Accepted verdicts on scoring problems, the score provided by
            // the grader will always be ignored".
            ScoringFormat::Legacy if result.verdict != Verdict::AC => 0.0,
            _ => result.score,
        };
        Scored {
            verdict: result.verdict,
            score,
            max_score: self.max_score(),
        }
    }

    /// The score of every group of the tree for `outcomes` (as [`ScoringModel::score`] takes
    /// them), by path, in the order they were aggregated: what a package's expectations of a
    /// group's score (`submissions.yaml`) are checked against. A group left out (after a
    /// rejection under `on_reject: break`, or the ignored samples) has no entry.
    pub fn group_scores(&self, outcomes: &[TestOutcome]) -> Vec<(String, f64)> {
        let missing = outcomes
            .iter()
            .find(|o| o.verdict != Verdict::AC)
            .map_or(Verdict::IE, |o| o.verdict);
        let mut scores = Vec::new();
        self.root.result(outcomes, missing, &mut scores);
        scores
    }
}

impl Group {
    /// This group's result; `scores` gets the score of it and of every group below it.
    fn result(
        &self,
        outcomes: &[TestOutcome],
        missing: Verdict,
        scores: &mut Vec<(String, f64)>,
    ) -> Result {
        let mut results = Vec::with_capacity(self.items.len());
        for item in &self.items {
            let result = match item {
                Item::Test(rule) => rule.result(outcomes.get(rule.index), missing),
                // `ignore_sample`: the sample result is ignored entirely (it neither counts
                // nor stops judging), and the result is secret's.
                Item::Group(group) if self.ignore_sample && group.path == "sample" => continue,
                Item::Group(group) if self.ignore_sample && group.path == "secret" => {
                    return group.result(outcomes, missing, scores);
                }
                Item::Group(group) => group.result(outcomes, missing, scores),
            };
            results.push(result);
            if self.stop_at_rejection && result.verdict != Verdict::AC {
                break;
            }
        }
        let verdict = self.verdict(&results);
        let score = match self.aggregation {
            Aggregation::PassFail if verdict == Verdict::AC => self.max_score.unwrap_or(0.0),
            Aggregation::PassFail => 0.0,
            Aggregation::Sum => results.iter().map(|r| r.score).sum(),
            Aggregation::Min => results
                .iter()
                .map(|r| r.score)
                .reduce(f64::min)
                .unwrap_or(0.0),
            Aggregation::Max => results
                .iter()
                .map(|r| r.score)
                .reduce(f64::max)
                .unwrap_or(0.0),
            Aggregation::Avg if results.is_empty() => 0.0,
            Aggregation::Avg => results.iter().map(|r| r.score).sum::<f64>() / results.len() as f64,
        };
        // A group never scores above its maximum (the format calls that a judge error; a
        // validator's `score.txt` is clamped rather than failing the submission).
        let score = self.max_score.map_or(score, |max| score.min(max)).max(0.0);
        scores.push((self.path.clone(), score));
        Result { verdict, score }
    }

    fn verdict(&self, results: &[Result]) -> Verdict {
        let rejected = || results.iter().filter(|r| r.verdict != Verdict::AC);
        if self.verdict_mode == VerdictMode::AlwaysAccept
            || (self.accept_if_any_accepted && results.iter().any(|r| r.verdict == Verdict::AC))
        {
            return Verdict::AC;
        }
        match self.verdict_mode {
            VerdictMode::FirstError => rejected().next().map(|r| r.verdict),
            _ => rejected().map(|r| r.verdict).min_by_key(|v| severity(*v)),
        }
        .unwrap_or(Verdict::AC)
    }
}

impl TestRule {
    fn result(&self, outcome: Option<&TestOutcome>, missing: Verdict) -> Result {
        match outcome {
            Some(o) if o.verdict == Verdict::AC => {
                let given = o.score.filter(|s| self.validator_score && s.is_finite());
                Result {
                    verdict: Verdict::AC,
                    score: given.or(self.accept_score).unwrap_or(0.0).max(0.0),
                }
            }
            Some(o) => Result {
                verdict: o.verdict,
                score: self.reject_score,
            },
            None => Result {
                verdict: missing,
                score: self.reject_score,
            },
        }
    }
}

/// The legacy default grader's order of rejections, most severe first.
fn severity(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::IE => 0,
        Verdict::CE => 1,
        Verdict::RTE => 2,
        Verdict::MLE => 3,
        Verdict::TLE => 4,
        Verdict::OLE => 5,
        Verdict::WA => 6,
        Verdict::AC => 7,
    }
}
