//! `data/`: the sample and secret test cases, in nested groups, each group's `testdata.yaml`
//! settings (scoring, validator flags) kept as given after their keys are checked.

use std::collections::BTreeMap;

use joust_common::domain::scoring::{self, ScoringFormat, ScoringModel};
use serde_yaml::Value;

use crate::{
    config::{Format, ProblemConfig, ProblemType, scalar, unknown_keys},
    report::Report,
    source::PackageFiles,
};

/// One test: `data/<group>/<name>.in` with its `.ans`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TestCase {
    /// The group's path under `data/` (`sample`, `secret`, `secret/group1`).
    pub group: String,
    pub name: String,
    pub input: String,
    pub answer: String,
    pub is_sample: bool,
}

/// A folder of `data/` that has a `testdata.yaml`, and its settings as JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TestGroup {
    pub path: String,
    pub settings: serde_json::Value,
}

const TESTDATA_KEYS: &[&str] = &[
    // legacy
    "on_reject",
    "grading",
    "grader_flags",
    "input_validator_flags",
    "output_validator_flags",
    "accept_score",
    "reject_score",
    "range",
    // 2023-07
    "scoring",
    "input_validator_args",
    "output_validator_args",
    "static_validation",
    "full_feedback",
];

/// Extensions of `data/` files that belong to a test beside `.in` and `.ans`.
const TEST_EXTRAS: &[&str] = &[
    "desc",
    "hint",
    "png",
    "jpg",
    "jpeg",
    "svg",
    "interaction",
    "args",
    "files",
    "md",
    "txt",
    "out",
];

/// Collects the groups and tests, samples first, each in path order.
pub fn collect(files: &PackageFiles, report: &mut Report) -> (Vec<TestGroup>, Vec<TestCase>) {
    let mut groups = Vec::new();
    let mut tests = Vec::new();
    let data: BTreeMap<&str, &Vec<u8>> = files
        .files
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix("data/")?, bytes)))
        .collect();
    if data.is_empty() {
        report.add("data/: missing");
        return (groups, tests);
    }
    for (&path, &bytes) in &data {
        let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
        if file == "testdata.yaml" {
            groups.push(TestGroup {
                path: folder.to_owned(),
                settings: group_settings(&format!("data/{path}"), bytes, report),
            });
            continue;
        }
        let top = path.split('/').next().unwrap_or_default();
        if !folder.is_empty() && top != "sample" && top != "secret" {
            report.add(format!(
                "data/{path}: test data lives in data/sample or data/secret"
            ));
            continue;
        }
        let Some((stem, ext)) = file.rsplit_once('.') else {
            report.add(format!("data/{path}: a file of data/ without extension"));
            continue;
        };
        match ext {
            "in" => {
                let answer_path = format!("{folder}/{stem}.ans");
                let Some(answer) = data.get(answer_path.as_str()) else {
                    report.add(format!(
                        "data/{answer_path}: missing (the answer to data/{path})"
                    ));
                    continue;
                };
                let (Some(input), Some(answer)) = (
                    utf8(&format!("data/{path}"), bytes, report),
                    utf8(&format!("data/{answer_path}"), answer, report),
                ) else {
                    continue;
                };
                tests.push(TestCase {
                    group: folder.to_owned(),
                    name: stem.to_owned(),
                    input,
                    answer,
                    is_sample: top == "sample",
                });
            }
            "ans" => {
                if !data.contains_key(format!("{folder}/{stem}.in").as_str()) {
                    report.add(format!("data/{path}: an answer without its .in"));
                }
            }
            ext if TEST_EXTRAS.contains(&ext) => {}
            _ => report.add(format!("data/{path}: unknown kind of test file")),
        }
    }
    if !tests.iter().any(|t| !t.is_sample) {
        report.add("data/secret/: no secret test");
    }
    tests.sort_by(|a, b| (!a.is_sample, &a.group, &a.name).cmp(&(!b.is_sample, &b.group, &b.name)));
    (groups, tests)
}

/// The scoring model of a scoring problem (`None` for other types), from its tests in
/// order and its groups' settings; what the model cannot judge is added to `report`.
pub fn scoring(
    config: &ProblemConfig,
    groups: &[TestGroup],
    tests: &[TestCase],
    report: &mut Report,
) -> Option<ScoringModel> {
    if config.problem_type != ProblemType::Scoring {
        return None;
    }
    let settings: Vec<(String, serde_json::Value)> = groups
        .iter()
        .map(|g| (g.path.clone(), g.settings.clone()))
        .collect();
    let declared = match config.format {
        Format::Legacy => ScoringFormat::Legacy,
        Format::V2023_07 => ScoringFormat::V2023_07,
    };
    let format = ScoringFormat::for_package(declared, &settings);
    let tests: Vec<(String, String)> = tests
        .iter()
        .map(|t| (t.group.clone(), t.name.clone()))
        .collect();
    match scoring::build(format, &settings, &tests, config.custom_validation) {
        Ok(model) => Some(model),
        Err(errors) => {
            for error in errors {
                report.add(error.to_string());
            }
            None
        }
    }
}

fn utf8(path: &str, bytes: &[u8], report: &mut Report) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_owned()),
        Err(_) => {
            report.add(format!("{path}: not UTF-8 text"));
            None
        }
    }
}

fn group_settings(path: &str, bytes: &[u8], report: &mut Report) -> serde_json::Value {
    let value: Value = match serde_yaml::from_slice(bytes) {
        Ok(Value::Null) => return serde_json::json!({}),
        Ok(value) => value,
        Err(e) => {
            report.add(format!("{path}: bad YAML: {e}"));
            return serde_json::Value::Null;
        }
    };
    let Value::Mapping(map) = &value else {
        report.add(format!("{path}: not a mapping of keys"));
        return serde_json::Value::Null;
    };
    unknown_keys(map, &[TESTDATA_KEYS], path, report);
    if let Some(on_reject) = map.get("on_reject").and_then(scalar)
        && on_reject != "break"
        && on_reject != "continue"
    {
        report.add(format!("{path}: on_reject must be break or continue"));
    }
    serde_json::to_value(&value).unwrap_or(serde_json::Value::Null)
}
