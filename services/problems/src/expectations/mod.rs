//! What a submission must get beyond its folder's verdict, and the check of a run against it.
//!
//! - Scoring problems: `accepted/` must get the problem's maximum score (when it is bounded),
//!   and `partially_accepted/` an accepted verdict with less than the maximum.
//! - 2023-07: `submissions/submissions.yaml` maps glob patterns of submissions to rules:
//!   `permitted` and `required` verdicts, `score` (a number or an inclusive range) and
//!   `message` (a substring of some `judgemessage.txt`), for every test or, under a key naming
//!   test groups or tests by a glob, for those only (a group's `score` is its aggregated
//!   score). `authors` and `model_solution` are descriptive; `language`, `entrypoint` and
//!   `use_for_time_limit` are not used here (a warning says so).

mod check;

use joust_common::domain::{
    Verdict,
    scoring::{ScoringModel, TestOutcome},
};
use serde_yaml::Value;

use crate::{
    Report,
    config::{Format, scalar},
    glob::Glob,
    testdata::TestCase,
};

/// What the folder of a submission says of its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderScore {
    /// Nothing (pass-fail problems, and the folders of rejected submissions).
    Any,
    /// `accepted/` on a scoring problem: the maximum.
    Full,
    /// `partially_accepted/`: accepted, below the maximum.
    Partial,
}

/// One rule of `submissions.yaml` that applies to a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Where it was written, for the report: `submissions.yaml: accepted/*` (then ` > secret/g1`).
    pub origin: String,
    /// The tests and groups it covers; `None` for all of them.
    pub tests: Option<Glob>,
    pub permitted: Option<Vec<Verdict>>,
    pub required: Option<Vec<Verdict>>,
    /// Inclusive bounds of the submission's score, or of each covered group's.
    pub score: Option<(f64, f64)>,
    pub message: Option<String>,
}

impl Rule {
    /// Whether checking it needs every test run, not only up to the first failure.
    pub fn needs_every_test(&self) -> bool {
        self.permitted.is_some()
            || self.required.is_some()
            || self.score.is_some()
            || self.message.is_some()
    }
}

/// What one test of a run gave, as the format counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub judge_message: Option<String>,
}

const PATH: &str = "submissions/submissions.yaml";
/// The folders whose verdicts the format defines; naming one alone with `permitted` or
/// `required` would replace its definition.
const DEFAULT_FOLDERS: [&str; 6] = [
    "accepted",
    "rejected",
    "wrong_answer",
    "time_limit_exceeded",
    "run_time_error",
    "brute_force",
];
const DESCRIPTIVE_KEYS: [&str; 2] = ["authors", "model_solution"];
const UNUSED_KEYS: [&str; 3] = ["language", "entrypoint", "use_for_time_limit"];

/// The rule that defines a 2023-07 folder without a single verdict: `rejected/` (some test is
/// not accepted) and `brute_force/` (never a wrong answer, but some test too slow or crashed).
pub fn folder_rule(folder: &str) -> Option<Rule> {
    use Verdict::{AC, RTE, TLE, WA};
    let (permitted, required) = match folder {
        "rejected" => (None, vec![RTE, TLE, WA]),
        "brute_force" => (Some(vec![AC, RTE, TLE]), vec![RTE, TLE]),
        _ => return None,
    };
    Some(Rule {
        origin: format!("{folder}/ (the format's definition)"),
        tests: None,
        permitted,
        required: Some(required),
        score: None,
        message: None,
    })
}

/// The rules of `submissions.yaml`, by the submission paths they match (`paths` are every
/// submission's path under `submissions/`, run or not). Problems go to `report`, keys that are
/// read but not used to `warnings`.
pub fn parse(
    yaml: Option<&str>,
    format: Format,
    model: Option<&ScoringModel>,
    tests: &[TestCase],
    paths: &[String],
    report: &mut Report,
    warnings: &mut Vec<String>,
) -> Vec<(String, Rule)> {
    let Some(yaml) = yaml else {
        return Vec::new();
    };
    if format == Format::Legacy {
        warnings.push(format!(
            "{PATH}: ignored (a 2023-07 file in a legacy package)"
        ));
        return Vec::new();
    }
    let map = match serde_yaml::from_str::<Value>(yaml) {
        Ok(Value::Mapping(map)) => map,
        Ok(Value::Null) => return Vec::new(),
        Ok(_) => {
            report.add(format!("{PATH}: not a mapping of glob patterns"));
            return Vec::new();
        }
        Err(e) => {
            report.add(format!("{PATH}: bad YAML: {e}"));
            return Vec::new();
        }
    };
    let mut parser = Parser {
        model,
        tests,
        report,
        warnings,
        rules: Vec::new(),
    };
    for (key, value) in &map {
        let Some(pattern) = scalar(key) else {
            parser
                .report
                .add(format!("{PATH}: a key is not a glob pattern"));
            continue;
        };
        let glob = match Glob::parse(&pattern) {
            Ok(glob) => glob,
            Err(e) => {
                parser.report.add(format!("{PATH}: {pattern}: {e}"));
                continue;
            }
        };
        let matched: Vec<&String> = paths.iter().filter(|p| glob.matches(p)).collect();
        if matched.is_empty() {
            parser
                .report
                .add(format!("{PATH}: {pattern}: matches no submission"));
            continue;
        }
        let Value::Mapping(keys) = value else {
            parser
                .report
                .add(format!("{PATH}: {pattern}: not a mapping of keys"));
            continue;
        };
        let is_folder = DEFAULT_FOLDERS.contains(&pattern.trim_matches('/'));
        for rule in parser.submission_keys(&pattern, is_folder, keys) {
            for path in &matched {
                parser.rules.push(((*path).clone(), rule.clone()));
            }
        }
    }
    parser.rules
}

struct Parser<'a> {
    model: Option<&'a ScoringModel>,
    tests: &'a [TestCase],
    report: &'a mut Report,
    warnings: &'a mut Vec<String>,
    rules: Vec<(String, Rule)>,
}

impl Parser<'_> {
    /// The rules of one submission pattern: its own, and one per test pattern under it.
    fn submission_keys(
        &mut self,
        pattern: &str,
        is_folder: bool,
        keys: &serde_yaml::Mapping,
    ) -> Vec<Rule> {
        let origin = format!("{PATH}: {pattern}");
        let mut own = Rule {
            origin: origin.clone(),
            tests: None,
            permitted: None,
            required: None,
            score: None,
            message: None,
        };
        let mut rules = Vec::new();
        for (key, value) in keys {
            let key = scalar(key).unwrap_or_default();
            match key.as_str() {
                k if DESCRIPTIVE_KEYS.contains(&k) => {}
                k if UNUSED_KEYS.contains(&k) => self
                    .warnings
                    .push(format!("{origin}: {k} is not used by Joust")),
                _ if self.rule_key(&origin, &key, value, &mut own) => {
                    if is_folder && (key == "permitted" || key == "required") {
                        self.report.add(format!(
                            "{origin}: replacing the requirements of a default folder is not \
                             supported (write `{pattern}/*` to add some)"
                        ));
                    }
                }
                _ => rules.extend(self.test_rule(&origin, &key, value)),
            }
        }
        rules.insert(0, own);
        rules.retain(Rule::needs_every_test);
        rules
    }

    /// The rule of a test pattern under a submission pattern.
    fn test_rule(&mut self, origin: &str, pattern: &str, value: &Value) -> Option<Rule> {
        let origin = format!("{origin} > {pattern}");
        let glob = Glob::parse(pattern)
            .map_err(|e| self.report.add(format!("{origin}: {e}")))
            .ok()?;
        let covers = |path: &str| glob.matches(path);
        let groups = self.groups();
        if !self
            .tests
            .iter()
            .any(|t| covers(&test_path(t)) || covers(&t.group))
            && !groups.iter().any(|g| glob.matches_exactly(g))
        {
            self.report.add(format!(
                "{origin}: not a key of {PATH}, nor a glob of any test or group"
            ));
            return None;
        }
        let Value::Mapping(keys) = value else {
            self.report.add(format!("{origin}: not a mapping of keys"));
            return None;
        };
        let mut rule = Rule {
            origin: origin.clone(),
            tests: Some(glob.clone()),
            permitted: None,
            required: None,
            score: None,
            message: None,
        };
        for (key, value) in keys {
            let key = scalar(key).unwrap_or_default();
            if key == "use_for_time_limit" {
                self.warnings
                    .push(format!("{origin}: {key} is not used by Joust"));
            } else if !self.rule_key(&origin, &key, value, &mut rule) {
                self.report.add(format!("{origin}: unknown key {key}"));
            }
        }
        if rule.score.is_some() && !groups.iter().any(|g| glob.matches_exactly(g)) {
            self.report
                .add(format!("{origin}: score: matches no scored test group"));
        }
        Some(rule)
    }

    /// The paths of the groups the scoring model scores.
    fn groups(&self) -> Vec<String> {
        self.model
            .map(|m| {
                let every_test: Vec<TestOutcome> = self
                    .tests
                    .iter()
                    .map(|_| TestOutcome {
                        verdict: Verdict::AC,
                        score: None,
                    })
                    .collect();
                m.group_scores(&every_test)
                    .into_iter()
                    .map(|(path, _)| path)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Reads `key` into `rule` when it is one of the rule keys; false for other keys.
    fn rule_key(&mut self, origin: &str, key: &str, value: &Value, rule: &mut Rule) -> bool {
        match key {
            "permitted" => rule.permitted = self.verdicts(origin, key, value),
            "required" => rule.required = self.verdicts(origin, key, value),
            "score" => rule.score = self.score(origin, value),
            "message" => match value {
                Value::String(text) => rule.message = Some(text.clone()),
                _ => self.report.add(format!("{origin}: message must be text")),
            },
            _ => return false,
        }
        true
    }

    fn verdicts(&mut self, origin: &str, key: &str, value: &Value) -> Option<Vec<Verdict>> {
        let items = match value {
            Value::Sequence(items) => items.clone(),
            other => vec![other.clone()],
        };
        let verdicts: Option<Vec<Verdict>> = items
            .iter()
            .map(|item| match scalar(item)?.as_str() {
                "AC" => Some(Verdict::AC),
                "WA" => Some(Verdict::WA),
                "TLE" => Some(Verdict::TLE),
                "RTE" => Some(Verdict::RTE),
                _ => None,
            })
            .collect();
        if verdicts.is_none() {
            self.report.add(format!(
                "{origin}: {key} must be a list of AC, WA, TLE and RTE"
            ));
        }
        verdicts
    }

    fn score(&mut self, origin: &str, value: &Value) -> Option<(f64, f64)> {
        let number = |v: &Value| v.as_f64().filter(|n| n.is_finite());
        let bounds = match value {
            Value::Sequence(ends) => match &ends[..] {
                [low, high] => number(low).zip(number(high)),
                _ => None,
            },
            single => number(single).map(|n| (n, n)),
        };
        match bounds {
            _ if self.model.is_none() => {
                self.report
                    .add(format!("{origin}: score is only for scoring problems"));
                None
            }
            Some((low, high)) if low <= high => Some((low, high)),
            _ => {
                self.report.add(format!(
                    "{origin}: score must be a number or a list of two, low then high"
                ));
                None
            }
        }
    }
}

pub use check::check;

/// A test's path under `data/` without its `.in`, as test patterns match it.
fn test_path(test: &TestCase) -> String {
    format!("{}/{}", test.group, test.name)
}
