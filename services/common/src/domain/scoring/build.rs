//! Building a [`ScoringModel`] from a package's tests and its groups' `testdata.yaml` settings
//! (as JSON), with the format's defaults and inheritance. Refuses what the model cannot
//! judge faithfully: custom graders, `require_pass`, unknown grader flags, groups without a
//! maximum under a bounded `secret`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Aggregation, Group, Item, ScoringFormat, ScoringModel, TestRule, VerdictMode};

/// Why a package's scoring cannot be modelled: the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/{path}testdata.yaml: {message}")]
pub struct BuildError {
    /// The group's path with a trailing `/` (empty for `data/` itself).
    pub path: String,
    pub message: String,
}

/// Builds the model of a scoring problem. `settings` are the groups' `testdata.yaml` by group
/// path; `tests` are `(group path, name)` in the version's test order (their indexes are the
/// model's); `custom_validator` says whether a validator may write `score.txt`.
pub fn build(
    format: ScoringFormat,
    settings: &[(String, Value)],
    tests: &[(String, String)],
    custom_validator: bool,
) -> Result<ScoringModel, Vec<BuildError>> {
    let builder = Builder {
        settings,
        tests,
        custom_validator,
        errors: Vec::new(),
    };
    builder.run(format)
}

struct Builder<'a> {
    settings: &'a [(String, Value)],
    tests: &'a [(String, String)],
    custom_validator: bool,
    errors: Vec<BuildError>,
}

impl Builder<'_> {
    fn run(mut self, format: ScoringFormat) -> Result<ScoringModel, Vec<BuildError>> {
        let root = match format {
            ScoringFormat::Legacy => self.legacy_group(""),
            ScoringFormat::V2023_07 => {
                let root = self.v2023_group("secret", None);
                if root.items.is_empty() {
                    self.error("secret", "a scoring problem needs secret tests");
                }
                root
            }
        };
        if self.errors.is_empty() {
            Ok(ScoringModel { format, root })
        } else {
            Err(self.errors)
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let path = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        self.errors.push(BuildError {
            path,
            message: message.into(),
        });
    }

    /// The group's own settings, if it has a `testdata.yaml`.
    fn own(&self, path: &str) -> Option<&Value> {
        self.settings
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, settings)| settings)
    }

    /// Legacy inheritance: the value of `key` in the nearest `testdata.yaml` from `path` up.
    fn inherited(&self, path: &str, key: &str) -> Option<&Value> {
        let mut current = path;
        loop {
            if let Some(value) = self.own(current).and_then(|s| s.get(key)) {
                return Some(value);
            }
            if current.is_empty() {
                return None;
            }
            current = current.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }

    /// The tests and subgroups directly in `path`, ordered by base name.
    fn items_of(&self, path: &str) -> Vec<(String, Child)> {
        let mut subgroups = BTreeSet::new();
        let mut items = Vec::new();
        for (index, (group, name)) in self.tests.iter().enumerate() {
            if group == path {
                items.push((name.clone(), Child::Test(index)));
            } else if let Some(rest) = child_path(path, group) {
                let first = rest.split('/').next().unwrap_or(rest);
                if subgroups.insert(first.to_owned()) {
                    let full = if path.is_empty() {
                        first.to_owned()
                    } else {
                        format!("{path}/{first}")
                    };
                    items.push((first.to_owned(), Child::Group(full)));
                }
            }
        }
        items.sort_by(|a, b| a.0.cmp(&b.0));
        items
    }

    fn legacy_group(&mut self, path: &str) -> Group {
        if let Some(grading) = self.inherited(path, "grading").and_then(text)
            && grading != "default"
        {
            self.error(
                path,
                format!("grading {grading:?} is not supported (only default)"),
            );
        }
        let mut aggregation = Aggregation::Sum;
        let mut verdict_mode = VerdictMode::WorstError;
        let (mut any, mut ignore_sample) = (false, false);
        let flags = self
            .inherited(path, "grader_flags")
            .and_then(text)
            .unwrap_or_default();
        for flag in flags.split_whitespace() {
            match flag {
                "worst_error" => verdict_mode = VerdictMode::WorstError,
                "first_error" => verdict_mode = VerdictMode::FirstError,
                "always_accept" => verdict_mode = VerdictMode::AlwaysAccept,
                "sum" => aggregation = Aggregation::Sum,
                "avg" => aggregation = Aggregation::Avg,
                "min" => aggregation = Aggregation::Min,
                "max" => aggregation = Aggregation::Max,
                "ignore_sample" => ignore_sample = true,
                "accept_if_any_accepted" => any = true,
                other => self.error(path, format!("unknown grader flag {other:?}")),
            }
        }
        let stop_at_rejection = match self.inherited(path, "on_reject").and_then(text) {
            None => true,
            Some(policy) => policy != "continue",
        };
        let accept_score = self.number(path, "accept_score").unwrap_or(1.0);
        let reject_score = self.number(path, "reject_score").unwrap_or(0.0);
        let range_max = self.range_max(path);
        let mut items = Vec::new();
        let mut maxima = Vec::new();
        for (_, child) in self.items_of(path) {
            match child {
                Child::Test(index) => {
                    let max = (!self.custom_validator).then_some(accept_score);
                    maxima.push(max);
                    items.push(Item::Test(TestRule {
                        index,
                        accept_score: Some(accept_score),
                        reject_score,
                        validator_score: self.custom_validator,
                    }));
                }
                Child::Group(sub) => {
                    let group = self.legacy_group(&sub);
                    if !(ignore_sample && sub == "sample") {
                        maxima.push(group.max_score);
                    }
                    items.push(Item::Group(group));
                }
            }
        }
        let max_score = combine(aggregation, &maxima).map_or(range_max, |max| {
            Some(range_max.map_or(max, |cap| max.min(cap)))
        });
        Group {
            path: path.to_owned(),
            aggregation,
            verdict_mode,
            accept_if_any_accepted: any,
            ignore_sample,
            stop_at_rejection,
            max_score,
            items,
        }
    }

    fn number(&mut self, path: &str, key: &str) -> Option<f64> {
        let value = self.inherited(path, key)?;
        let number = value
            .as_f64()
            .or_else(|| text(value).and_then(|t| t.parse().ok()));
        if number.is_none_or(|n| !n.is_finite()) {
            self.error(path, format!("{key} must be a number"));
        }
        number.filter(|n| n.is_finite())
    }

    /// The upper end of `range` when it is finite.
    fn range_max(&mut self, path: &str) -> Option<f64> {
        let range = self.inherited(path, "range").and_then(text)?;
        let ends: Vec<Option<f64>> = range.split_whitespace().map(|e| e.parse().ok()).collect();
        match ends.as_slice() {
            [Some(low), Some(high)] if low <= high => high.is_finite().then_some(*high),
            _ => {
                self.error(path, "range must be two numbers, low then high");
                None
            }
        }
    }

    /// A 2023-07 group: `secret` (no parent) or one of its groups.
    fn v2023_group(&mut self, path: &str, parent_max: Option<Option<f64>>) -> Group {
        let is_secret = parent_max.is_none();
        let (mut aggregation, mut max_score) = if is_secret {
            (Aggregation::Sum, Some(100.0))
        } else {
            (Aggregation::PassFail, None)
        };
        let scoring = self.own(path).and_then(|s| s.get("scoring")).cloned();
        if let Some(scoring) = scoring {
            let Value::Object(map) = scoring else {
                self.error(path, "scoring must be a map");
                return empty(path);
            };
            for (key, value) in &map {
                match (key.as_str(), value) {
                    ("score", Value::String(s)) if s == "unbounded" => max_score = None,
                    ("score", v) if v.as_f64().is_some_and(|n| n >= 0.0 && n.is_finite()) => {
                        max_score = v.as_f64();
                    }
                    ("score", _) => self.error(
                        path,
                        "scoring.score must be a non-negative integer or unbounded",
                    ),
                    ("aggregation", v) => match text(v).as_deref() {
                        Some("pass-fail") => aggregation = Aggregation::PassFail,
                        Some("sum") => aggregation = Aggregation::Sum,
                        Some("min") => aggregation = Aggregation::Min,
                        _ => self.error(path, "scoring.aggregation must be pass-fail, sum or min"),
                    },
                    ("require_pass", _) => {
                        self.error(path, "scoring.require_pass is not supported")
                    }
                    (other, _) => self.error(path, format!("unknown key scoring.{other}")),
                }
            }
        }
        if let Some(Some(_)) = parent_max
            && max_score.is_none()
        {
            self.error(
                path,
                "a group needs scoring.score when secret's score is bounded",
            );
        }
        if aggregation == Aggregation::PassFail && max_score.is_none() {
            self.error(path, "a pass-fail group needs a bounded scoring.score");
        }
        let children = self.items_of(path);
        let tests = children
            .iter()
            .filter(|(_, c)| matches!(c, Child::Test(_)))
            .count();
        if is_secret && tests > 0 && tests < children.len() {
            self.error(path, "secret holds either tests or groups, not both");
        }
        let (accept_score, validator_score) = match aggregation {
            Aggregation::Sum => (max_score.map(|max| max / tests.max(1) as f64), true),
            Aggregation::PassFail => (Some(0.0), false),
            _ => (max_score, true),
        };
        let mut items = Vec::new();
        for (_, child) in children {
            items.push(match child {
                Child::Test(index) => Item::Test(TestRule {
                    index,
                    accept_score,
                    reject_score: 0.0,
                    validator_score,
                }),
                Child::Group(sub) => {
                    let group = self.v2023_group(&sub, Some(max_score));
                    if aggregation == Aggregation::PassFail
                        && group.aggregation != Aggregation::PassFail
                    {
                        self.error(
                            &sub,
                            "a group under pass-fail aggregation must be pass-fail",
                        );
                    }
                    Item::Group(group)
                }
            });
        }
        Group {
            path: path.to_owned(),
            aggregation,
            verdict_mode: VerdictMode::FirstError,
            accept_if_any_accepted: false,
            ignore_sample: false,
            stop_at_rejection: false,
            max_score,
            items,
        }
    }
}

enum Child {
    Test(usize),
    Group(String),
}

/// `group` relative to `path` when it lies strictly below it.
fn child_path<'g>(path: &str, group: &'g str) -> Option<&'g str> {
    if path.is_empty() {
        return (!group.is_empty()).then_some(group);
    }
    group.strip_prefix(path)?.strip_prefix('/')
}

/// The maximum of a legacy group from its items' maxima; `None` when any is unbounded.
fn combine(aggregation: Aggregation, maxima: &[Option<f64>]) -> Option<f64> {
    let maxima: Option<Vec<f64>> = maxima.iter().copied().collect();
    let maxima = maxima?;
    Some(match aggregation {
        Aggregation::Sum | Aggregation::PassFail => maxima.iter().sum(),
        Aggregation::Avg if maxima.is_empty() => 0.0,
        Aggregation::Avg => maxima.iter().sum::<f64>() / maxima.len() as f64,
        Aggregation::Min => maxima.iter().copied().reduce(f64::min).unwrap_or(0.0),
        Aggregation::Max => maxima.iter().copied().reduce(f64::max).unwrap_or(0.0),
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn empty(path: &str) -> Group {
    Group {
        path: path.to_owned(),
        aggregation: Aggregation::Sum,
        verdict_mode: VerdictMode::FirstError,
        accept_if_any_accepted: false,
        ignore_sample: false,
        stop_at_rejection: false,
        max_score: None,
        items: Vec::new(),
    }
}
