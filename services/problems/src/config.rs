//! `problem.yaml` in the legacy format and the 2023-07 format: name (one or per language),
//! type, limits, validation and our difficulty `rating`. Unknown keys are refused (all of them
//! are reported), as are values of the wrong shape.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use crate::report::Report;

/// Which edition of the format a package is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Legacy,
    V2023_07,
}

/// How answers are judged, from the legacy `validation` or the 2023-07 `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemType {
    PassFail,
    Scoring,
    Interactive,
}

/// The package's limits, with the format's defaults filled in. Times are in seconds and sizes
/// in MiB, as in the file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Limits {
    /// The time limit fixed by the package (2023-07 `time_limit`, legacy `.timelimit`); when
    /// absent it is derived from the accepted submissions at verification.
    pub time_limit: Option<f64>,
    /// Slowest accepted run × this = the time limit (legacy `time_multiplier`).
    pub ac_to_time_limit: f64,
    /// Time limit × this = how long a time-limit-exceeded submission must at least run
    /// (legacy `time_safety_margin`).
    pub time_limit_to_tle: f64,
    /// The derived time limit is rounded up to a multiple of this.
    pub time_resolution: f64,
    pub memory: u64,
    pub output: u64,
    pub code: u64,
    pub compilation_time: f64,
    pub compilation_memory: u64,
    pub validation_time: f64,
    pub validation_memory: u64,
    pub validation_output: u64,
}

/// What `problem.yaml` says.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProblemConfig {
    pub format: Format,
    /// The name by language code (`en`, ...); a single name is filed under `en`.
    pub names: BTreeMap<String, String>,
    pub problem_type: ProblemType,
    /// A custom output validator judges the answers (legacy `validation: custom`, or 2023-07
    /// any package with `output_validator/`).
    pub custom_validation: bool,
    /// Flags for the output validator (legacy `validator_flags`).
    pub validator_flags: Vec<String>,
    pub limits: Limits,
    /// Difficulty on the players' rating scale (our key, `rating`; 1500 when absent).
    pub rating: i32,
    pub uuid: Option<String>,
}

/// Difficulty of a package that states none: the middle of the players' scale.
pub const DEFAULT_RATING: i32 = 1500;

const COMMON_KEYS: &[&str] = &[
    "problem_format_version",
    "name",
    "uuid",
    "source",
    "source_url",
    "license",
    "rights_owner",
    "limits",
    "keywords",
    "rating",
    "languages",
];
const LEGACY_KEYS: &[&str] = &[
    "author",
    "validation",
    "validator_flags",
    "grading",
    "type",
    "typical_solution_time",
];
const V2023_KEYS: &[&str] = &[
    "type",
    "version",
    "credits",
    "embargo_until",
    "allow_file_writing",
    "constants",
];
const LEGACY_LIMITS: &[&str] = &[
    "time_multiplier",
    "time_safety_margin",
    "memory",
    "output",
    "code",
    "compilation_time",
    "compilation_memory",
    "validation_time",
    "validation_memory",
    "validation_output",
];
const V2023_LIMITS: &[&str] = &[
    "time_multipliers",
    "time_limit",
    "time_resolution",
    "memory",
    "output",
    "code",
    "compilation_time",
    "compilation_memory",
    "validation_time",
    "validation_memory",
    "validation_output",
    "validation_passes",
];

/// Parses `problem.yaml`; `time_limit_file` is the legacy `.timelimit` file's content.
pub fn parse(text: &str, time_limit_file: Option<&str>) -> Result<ProblemConfig, Report> {
    let mut report = Report::default();
    let value: Value = match serde_yaml::from_str(text) {
        Ok(Value::Null) => Value::Mapping(Mapping::new()),
        Ok(value) => value,
        Err(e) => return Err(Report::single(format!("problem.yaml: bad YAML: {e}"))),
    };
    let Value::Mapping(map) = value else {
        return Err(Report::single("problem.yaml: not a mapping of keys"));
    };
    let format = match map.get("problem_format_version").map(scalar) {
        None => Format::Legacy,
        Some(Some(v)) if v == "legacy" || v == "legacy-icpc" => Format::Legacy,
        Some(Some(v)) if v == "2023-07" || v == "2023-07-draft" => Format::V2023_07,
        Some(other) => {
            report.add(format!(
                "problem.yaml: problem_format_version {other:?} is not one we read (legacy, 2023-07)"
            ));
            Format::Legacy
        }
    };
    let extra = if format == Format::Legacy {
        LEGACY_KEYS
    } else {
        V2023_KEYS
    };
    unknown_keys(&map, &[COMMON_KEYS, extra], "problem.yaml", &mut report);

    let mut names = BTreeMap::new();
    match map.get("name") {
        None => {}
        Some(Value::Mapping(by_lang)) => {
            for (lang, name) in by_lang {
                match (scalar(lang), scalar(name)) {
                    (Some(lang), Some(name)) => {
                        names.insert(lang, name);
                    }
                    _ => report.add("problem.yaml: name: each language needs a text name"),
                }
            }
        }
        Some(value) => match scalar(value) {
            Some(name) => {
                names.insert("en".to_owned(), name);
            }
            None => report.add("problem.yaml: name must be text or a map by language"),
        },
    }

    let types: Vec<String> = match map.get("type") {
        None => vec![],
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar).collect(),
        Some(value) => scalar(value)
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    };
    let validation: Vec<String> = match map.get("validation") {
        None => vec!["default".to_owned()],
        Some(value) => scalar(value)
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    };
    let mut problem_type = ProblemType::PassFail;
    let mut custom_validation = false;
    let mut words: Vec<&str> = types.iter().map(String::as_str).collect();
    if format == Format::Legacy {
        words.extend(validation.iter().map(String::as_str));
    }
    for word in words {
        match word {
            "pass-fail" | "default" => {}
            "scoring" | "score" => problem_type = ProblemType::Scoring,
            "interactive" => {
                problem_type = ProblemType::Interactive;
                custom_validation = true;
            }
            "custom" => custom_validation = true,
            "multi-pass" => report.add("problem.yaml: multi-pass problems are not supported"),
            other => report.add(format!(
                "problem.yaml: unknown type or validation {other:?}"
            )),
        }
    }
    if format == Format::Legacy && validation.first().is_some_and(|v| v == "default") {
        if validation.len() > 1 {
            report.add("problem.yaml: validation default takes no modifiers");
        }
        custom_validation = problem_type == ProblemType::Interactive;
    }

    let validator_flags = match map.get("validator_flags") {
        None => vec![],
        Some(value) => match scalar(value) {
            Some(flags) => flags.split_whitespace().map(str::to_owned).collect(),
            None => {
                report.add("problem.yaml: validator_flags must be text");
                vec![]
            }
        },
    };

    let limits = parse_limits(format, map.get("limits"), time_limit_file, &mut report);
    let rating = match map.get("rating") {
        None => DEFAULT_RATING,
        Some(value) => match value.as_i64() {
            Some(r) if (0..=5000).contains(&r) => r as i32,
            _ => {
                report.add("problem.yaml: rating must be an integer from 0 to 5000");
                DEFAULT_RATING
            }
        },
    };
    let uuid = map.get("uuid").and_then(scalar);
    report.into_result(ProblemConfig {
        format,
        names,
        problem_type,
        custom_validation,
        validator_flags,
        limits,
        rating,
        uuid,
    })
}

fn parse_limits(
    format: Format,
    value: Option<&Value>,
    time_limit_file: Option<&str>,
    report: &mut Report,
) -> Limits {
    let legacy = format == Format::Legacy;
    let mut limits = Limits {
        time_limit: None,
        ac_to_time_limit: if legacy { 5.0 } else { 2.0 },
        time_limit_to_tle: if legacy { 2.0 } else { 1.5 },
        time_resolution: 1.0,
        memory: 2048,
        output: 8,
        code: 128,
        compilation_time: 60.0,
        compilation_memory: 2048,
        validation_time: 60.0,
        validation_memory: 2048,
        validation_output: 8,
    };
    if let Some(text) = time_limit_file {
        match text.trim().parse::<f64>() {
            Ok(t) if t > 0.0 && t.is_finite() => limits.time_limit = Some(t),
            _ => report.add(".timelimit: not a positive number of seconds"),
        }
    }
    let map = match value {
        None => return limits,
        Some(Value::Mapping(map)) => map,
        Some(_) => {
            report.add("problem.yaml: limits must be a mapping");
            return limits;
        }
    };
    let keys = if legacy { LEGACY_LIMITS } else { V2023_LIMITS };
    unknown_keys(map, &[keys], "problem.yaml: limits", report);
    let number = |key: &str, report: &mut Report| -> Option<f64> {
        let value = map.get(key)?;
        match value.as_f64().or_else(|| value.as_i64().map(|i| i as f64)) {
            Some(n) if n > 0.0 && n.is_finite() => Some(n),
            _ => {
                report.add(format!(
                    "problem.yaml: limits.{key} must be a positive number"
                ));
                None
            }
        }
    };
    let set = |slot: &mut f64, n: Option<f64>| {
        if let Some(n) = n {
            *slot = n;
        }
    };
    let set_int = |slot: &mut u64, n: Option<f64>| {
        if let Some(n) = n {
            *slot = n.ceil() as u64;
        }
    };
    set(
        &mut limits.ac_to_time_limit,
        number("time_multiplier", report),
    );
    set(
        &mut limits.time_limit_to_tle,
        number("time_safety_margin", report),
    );
    set(
        &mut limits.time_resolution,
        number("time_resolution", report),
    );
    if let Some(t) = number("time_limit", report) {
        limits.time_limit = Some(t);
    }
    match map.get("time_multipliers") {
        None => {}
        Some(Value::Mapping(m)) => {
            unknown_keys(
                m,
                &[&["ac_to_time_limit", "time_limit_to_tle"]],
                "problem.yaml: limits.time_multipliers",
                report,
            );
            for (key, slot) in [
                ("ac_to_time_limit", &mut limits.ac_to_time_limit),
                ("time_limit_to_tle", &mut limits.time_limit_to_tle),
            ] {
                if let Some(v) = m.get(key) {
                    match v.as_f64().or_else(|| v.as_i64().map(|i| i as f64)) {
                        Some(n) if n >= 1.0 && n.is_finite() => *slot = n,
                        _ => report.add(format!(
                            "problem.yaml: limits.time_multipliers.{key} must be a number of at least 1"
                        )),
                    }
                }
            }
        }
        Some(_) => report.add("problem.yaml: limits.time_multipliers must be a mapping"),
    }
    set_int(&mut limits.memory, number("memory", report));
    set_int(&mut limits.output, number("output", report));
    set_int(&mut limits.code, number("code", report));
    set(
        &mut limits.compilation_time,
        number("compilation_time", report),
    );
    set_int(
        &mut limits.compilation_memory,
        number("compilation_memory", report),
    );
    set(
        &mut limits.validation_time,
        number("validation_time", report),
    );
    set_int(
        &mut limits.validation_memory,
        number("validation_memory", report),
    );
    set_int(
        &mut limits.validation_output,
        number("validation_output", report),
    );
    let _ = number("validation_passes", report);
    limits
}

/// Reports every key of `map` that none of `allowed` lists.
pub(crate) fn unknown_keys(map: &Mapping, allowed: &[&[&str]], at: &str, report: &mut Report) {
    for key in map.keys() {
        let name = scalar(key).unwrap_or_else(|| format!("{key:?}"));
        if !allowed.iter().any(|list| list.contains(&name.as_str())) {
            report.add(format!("{at}: unknown key {name:?}"));
        }
    }
}

/// The text of a scalar (strings, numbers, booleans), `None` for mappings and lists.
pub(crate) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
