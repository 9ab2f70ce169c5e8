//! A package's files read as a problem: configuration, statements, test data in groups,
//! validators, attachments and submissions, with every missing or malformed part reported at
//! once. Works in memory on [`PackageFiles`]; only LaTeX statements leave it (to pandoc).

use std::collections::BTreeMap;

use joust_common::{Language, domain::scoring::ScoringModel};
use sha2::{Digest, Sha256};

use crate::{
    config::{self, ProblemConfig},
    expectations::{self, FolderScore, Rule},
    report::Report,
    source::PackageFiles,
    statement::{self, Statement},
    testdata::{self, TestCase, TestGroup},
};

/// Most tests a problem may have: the judge sends them all in one executor request.
pub const MAX_TESTS: usize = joust_common::execution::MAX_TESTS;

/// A program shipped with the package (validator or submission): its files by path relative
/// to the program (one file, or a folder's files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Path in the package (`submissions/accepted/sol.py`).
    pub path: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Program {
    /// The language and source of a single-file program, when its extension names one.
    pub fn single_source(&self) -> Option<(Language, String)> {
        let [(name, data)] = self.files.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let language = language_of(name)?;
        let text = String::from_utf8(data.clone()).ok()?;
        if language == Language::Python && is_python2(&text) {
            return None;
        }
        Some((language, text))
    }
}

/// Whether a `.py` file says it is Python 2 (a `#!...python2` first line), which the format's
/// reference tool runs as Python 2 and Joust cannot run.
fn is_python2(text: &str) -> bool {
    text.lines().next().is_some_and(|first| {
        first.starts_with("#!")
            && first
                .match_indices("python2")
                .any(|(at, _)| !first[at + 7..].starts_with(|c: char| c.is_alphanumeric()))
    })
}

/// The language a file's extension names.
pub fn language_of(name: &str) -> Option<Language> {
    Some(match name.rsplit_once('.')?.1 {
        "c" => Language::C,
        "cc" | "cpp" | "cxx" | "c++" => Language::Cpp,
        "py" | "py3" => Language::Python,
        "rs" => Language::Rust,
        "go" => Language::Go,
        "js" => Language::JavaScript,
        _ => return None,
    })
}

/// Folder of `submissions/` and the verdict every program in it must get; `None` for the
/// 2023-07 folders that only their rules define (`expectations::folder_rule`).
pub const SUBMISSION_FOLDERS: &[(&str, Option<joust_common::domain::Verdict>)] = {
    use joust_common::domain::Verdict;
    &[
        ("accepted", Some(Verdict::AC)),
        ("partially_accepted", Some(Verdict::AC)),
        ("wrong_answer", Some(Verdict::WA)),
        ("time_limit_exceeded", Some(Verdict::TLE)),
        ("run_time_error", Some(Verdict::RTE)),
        ("rejected", None),
        ("brute_force", None),
    ]
};

#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub program: Program,
    /// The verdict its folder requires; `None` when only rules define the folder.
    pub expected: Option<joust_common::domain::Verdict>,
    /// What its folder says of its score on a scoring problem.
    pub folder_score: FolderScore,
    /// The rules of `submissions/submissions.yaml` that apply to it.
    pub rules: Vec<Rule>,
}

impl Submission {
    /// Whether it bounds the time limit from below: `accepted/`, not `partially_accepted/`.
    pub fn is_accepted(&self) -> bool {
        self.expected == Some(joust_common::domain::Verdict::AC)
            && self.folder_score != FolderScore::Partial
    }
}

/// A parsed package, ready to verify and store.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub slug: String,
    pub config: ProblemConfig,
    pub statements: Vec<Statement>,
    pub groups: Vec<TestGroup>,
    pub tests: Vec<TestCase>,
    /// How a scoring problem's tests add up to a score; `None` on other problems.
    pub scoring: Option<ScoringModel>,
    pub input_validators: Vec<Program>,
    pub output_validator: Option<Program>,
    pub attachments: BTreeMap<String, Vec<u8>>,
    pub submissions: Vec<Submission>,
    /// Things that do not refuse the package but that an organizer should know.
    pub warnings: Vec<String>,
    /// SHA-256 of every file with its path: the version's identity.
    pub content_hash: String,
}

impl Package {
    /// The name in `lang`, else English, else any, else the slug.
    pub fn title(&self) -> &str {
        let names = &self.config.names;
        names
            .get("en")
            .or_else(|| names.values().next())
            .map_or(&self.slug, |s| s.as_str())
    }
}

/// Reads `files` as a problem package; the refusal lists everything wrong.
pub fn parse(files: &PackageFiles) -> Result<Package, Report> {
    let mut report = Report::default();
    let mut warnings = Vec::new();
    let slug = files.name.to_ascii_lowercase();
    if !valid_slug(&slug) {
        report.add(format!(
            "{:?}: a problem's short name is 1 to 64 of a-z, 0-9, - and _",
            files.name
        ));
    }
    let text = |path: &str, report: &mut Report| -> Option<String> {
        let data = files.files.get(path)?;
        match String::from_utf8(data.clone()) {
            Ok(text) => Some(text),
            Err(_) => {
                report.add(format!("{path}: not UTF-8 text"));
                None
            }
        }
    };
    let config = match text("problem.yaml", &mut report) {
        Some(yaml) => {
            let time_limit = text(".timelimit", &mut report);
            match config::parse(&yaml, time_limit.as_deref()) {
                Ok(config) => Some(config),
                Err(problems) => {
                    report.merge(problems);
                    None
                }
            }
        }
        None => {
            if !files.files.contains_key("problem.yaml") {
                report.add("problem.yaml: missing");
            }
            None
        }
    };

    let statements = statement::collect(files, &mut report);
    let (groups, tests) = testdata::collect(files, &mut report);
    if tests.len() > MAX_TESTS {
        report.add(format!(
            "data: {} tests, above the limit of {MAX_TESTS}",
            tests.len()
        ));
    }

    let scoring = config
        .as_ref()
        .and_then(|config| testdata::scoring(config, &groups, &tests, &mut report));

    // Like submissions, a validator in a language Joust cannot run (a checktestdata `.ctd`
    // or VIVA `.viva` script, say) is skipped with a warning; one must remain.
    let (input_validators, unrunnable): (Vec<Program>, Vec<Program>) =
        programs_in(files, &["input_format_validators", "input_validators"])
            .into_iter()
            .partition(|p| p.files.len() > 1 || p.single_source().is_some());
    for program in &unrunnable {
        warnings.push(format!(
            "{}: not run (not a validator in a language Joust runs)",
            program.path
        ));
    }
    if input_validators.is_empty() {
        report.add(
            "input_validators/ (or input_format_validators/): no input validator in a language Joust runs",
        );
    }
    let output_validators = programs_in(files, &["output_validators", "output_validator"]);
    if output_validators.len() > 1 {
        report.add("output_validators/: more than one output validator");
    }
    let output_validator = output_validators.into_iter().next();
    if let Some(config) = &config {
        match (&output_validator, config.custom_validation) {
            (None, true) => report.add("output_validators/: custom validation needs a validator"),
            (Some(v), false) if config.format == config::Format::Legacy => {
                warnings.push(format!("{}: ignored, validation is default", v.path))
            }
            _ => {}
        }
    }

    let attachments = files
        .files
        .iter()
        .filter_map(|(path, data)| {
            let name = path.strip_prefix("attachments/")?;
            Some((name.to_owned(), data.clone()))
        })
        .collect();

    let programs = submission_programs(files);
    let scoring_problem = config
        .as_ref()
        .is_some_and(|c| c.problem_type == config::ProblemType::Scoring);
    let rules = expectations::parse(
        text("submissions/submissions.yaml", &mut report).as_deref(),
        config.as_ref().map_or(config::Format::Legacy, |c| c.format),
        scoring.as_ref(),
        &tests,
        &programs
            .iter()
            .map(|p| p.path["submissions/".len()..].to_owned())
            .collect::<Vec<_>>(),
        &mut report,
        &mut warnings,
    );
    let mut submissions = Vec::new();
    for program in programs {
        let folder = program.path.split('/').nth(1).unwrap_or_default();
        let format = config.as_ref().map(|c| c.format);
        let Some((_, expected)) = SUBMISSION_FOLDERS
            .iter()
            .find(|(f, _)| *f == folder)
            .filter(|(_, v)| v.is_some() || format == Some(config::Format::V2023_07))
        else {
            warnings.push(format!("{}: not run (folder {folder:?})", program.path));
            continue;
        };
        // As the format's reference tool does: a submission in a language this judge cannot
        // run is skipped with a warning; the package still needs one accepted it can run.
        if program.single_source().is_none() {
            warnings.push(format!(
                "{}: not run (not a single source file in a language Joust runs)",
                program.path
            ));
            continue;
        }
        let folder_score = match folder {
            "accepted" if scoring_problem => FolderScore::Full,
            "partially_accepted" if scoring_problem => FolderScore::Partial,
            "partially_accepted" => {
                report.add(format!(
                    "{}: partially_accepted/ is for scoring problems only",
                    program.path
                ));
                continue;
            }
            _ => FolderScore::Any,
        };
        let own = &program.path["submissions/".len()..];
        let rules = expectations::folder_rule(folder)
            .into_iter()
            .chain(
                rules
                    .iter()
                    .filter(|(path, _)| path == own)
                    .map(|(_, rule)| rule.clone()),
            )
            .collect();
        submissions.push(Submission {
            program,
            expected: *expected,
            folder_score,
            rules,
        });
    }
    if !submissions.iter().any(Submission::is_accepted) {
        report.add("submissions/accepted/: no accepted submission in a language Joust runs");
    }

    let content_hash = content_hash(files);
    match config {
        Some(config) => report.into_result(Package {
            slug,
            config,
            statements,
            groups,
            tests,
            scoring,
            input_validators,
            output_validator,
            attachments,
            submissions,
            warnings,
            content_hash,
        }),
        None => Err(report),
    }
}

fn valid_slug(slug: &str) -> bool {
    (1..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && slug.as_bytes()[0].is_ascii_alphanumeric()
}

/// The programs directly inside any of `folders`: each file, and each sub-folder as one
/// program of its files.
fn programs_in(files: &PackageFiles, folders: &[&str]) -> Vec<Program> {
    let mut programs: BTreeMap<String, Program> = BTreeMap::new();
    for (path, data) in &files.files {
        let Some((folder, rest)) = path.split_once('/') else {
            continue;
        };
        if !folders.contains(&folder) {
            continue;
        }
        let (key, inner) = match rest.split_once('/') {
            Some((dir, inner)) => (format!("{folder}/{dir}"), inner.to_owned()),
            None => (path.clone(), rest.to_owned()),
        };
        let program = programs.entry(key.clone()).or_insert_with(|| Program {
            path: key,
            files: BTreeMap::new(),
        });
        program.files.insert(inner, data.clone());
    }
    programs.into_values().collect()
}

/// The programs of `submissions/<folder>/`: each file, and each sub-folder as one program.
fn submission_programs(files: &PackageFiles) -> Vec<Program> {
    let mut programs: BTreeMap<String, Program> = BTreeMap::new();
    for (path, data) in &files.files {
        let mut parts = path.splitn(4, '/');
        let (Some("submissions"), Some(folder), Some(entry)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let key = format!("submissions/{folder}/{entry}");
        let inner = parts.next().unwrap_or(entry).to_owned();
        programs
            .entry(key.clone())
            .or_insert_with(|| Program {
                path: key,
                files: BTreeMap::new(),
            })
            .files
            .insert(inner, data.clone());
    }
    programs.into_values().collect()
}

/// SHA-256 over every path and file, in path order: equal packages hash equal.
pub fn content_hash(files: &PackageFiles) -> String {
    let mut hasher = Sha256::new();
    for (path, data) in &files.files {
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((data.len() as u64).to_le_bytes());
        hasher.update(data);
    }
    format!("{:x}", hasher.finalize())
}
