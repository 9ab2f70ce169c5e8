//! How a program's output is judged against the expected answer: the [`Checker`] a request
//! names, the token rules (all of them the format's default validator, `default_validator`,
//! with some flags), and the checks on a checker's own parameters.
//!
//! Comparing whole lines is the sandbox's (`checker.rs` there); the request that carries a
//! checker is in the parent module.

use serde::{Deserialize, Serialize};

use super::default_validator::DefaultValidator;
use crate::Language;

/// How a program's output is compared with the expected answer.
///
/// On the wire: `{"default": {...}}` (the format's default validator with its flags, see
/// [`DefaultValidator`]; `{"default": {}}` is what a request naming no checker gets), `"exact"`,
/// `"tokens"`, `{"float": {"abs_tolerance": 1e-6, "rel_tolerance": 1e-6}}`, or
/// `{"validator": {"language": "cpp", "source": "...", ...}}` (see [`Validator`]), or
/// `{"interactive": {...}}` (the same fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checker {
    /// The Kattis format's default output validator: case-insensitive tokens, white space
    /// ignored, no float tolerance, unless its flags say otherwise.
    Default(DefaultValidator),
    /// Byte-exact after trimming trailing whitespace of each line and trailing blank lines.
    Exact,
    /// Whitespace-separated tokens compared one by one, case-sensitively (the default
    /// validator with `case_sensitive`).
    Tokens,
    /// Tokens compared one by one; where the expected token is a finite number, the actual
    /// token must be a number within `abs_tolerance` of it or within `rel_tolerance` times its
    /// magnitude (either suffices). Other tokens must be equal, case included (the default
    /// validator with `case_sensitive` and both tolerances).
    Float {
        #[serde(default)]
        abs_tolerance: f64,
        #[serde(default)]
        rel_tolerance: f64,
    },
    /// An interactive problem (Kattis convention): the validator and the program run at the
    /// same time, each one's stdout the other's stdin; the validator gets `input answer
    /// feedback_dir flags...` as for [`Checker::Validator`], the time and memory limits apply
    /// to the program, and the verdict comes from the validator's exit code (42 accepts, 43
    /// rejects; a rejection before the program has ended is `WA` whatever the program does
    /// afterwards). See `docs/sandbox.md`.
    Interactive(Validator),
    /// A problem-specific program decides (Kattis convention): it runs in the sandbox with the
    /// contestant's output on stdin and the test input and expected answer as read-only files,
    /// and exits 42 to accept, 43 to reject; anything else is an internal error of the judge.
    /// See `docs/sandbox.md`.
    Validator(Validator),
}

/// The program behind [`Checker::Validator`]: a Kattis output validator, run unchanged.
///
/// On the wire: `{"language": "cpp", "source": "<main file>", "files": [{"path":
/// "validate.h", "content": "..."}], "flags": ["float_tolerance", "1e-6"]}`; `files` and `flags`
/// may be left out.
///
/// - `source` is the file with `main` (Python and JavaScript: the script).
/// - `files` are the other files of the validator's directory, by path relative to it (C and
///   C++ only): headers are found by `#include "..."`, and every `.c` (C) or `.cc`, `.cpp`,
///   `.cxx` (C++) file is compiled and linked with `source`. The validator is compiled once per
///   distinct content and cached. C++ validators get libc++ with file streams (`<fstream>`).
/// - `flags` are the problem's `validator_flags`, passed after the three standard arguments:
///   `argv` is `input answer feedback_dir flags...`, and the program's output is on stdin.
/// - The validator exits 42 to accept and 43 to reject; it may write `judgemessage.txt` and
///   `score.txt` into `feedback_dir`, which come back in the test's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validator {
    pub language: Language,
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<SourceFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// One more file of a validator's directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    /// Relative to the validator's directory: `/`-separated names of letters, digits, `.`,
    /// `_`, `-`, none of them `.` or `..`.
    pub path: String,
    pub content: String,
}

/// Largest validator: its source and files together (single-header libraries like
/// `testlib.h` are a few hundred KiB).
pub const MAX_VALIDATOR_BYTES: usize = 2 << 20;
/// Most files of one validator besides its source.
pub const MAX_VALIDATOR_FILES: usize = 64;
/// Most validator flags.
pub const MAX_VALIDATOR_FLAGS: usize = 64;

impl Validator {
    /// A one-file validator without flags.
    pub fn single(language: Language, source: impl Into<String>) -> Self {
        Self {
            language,
            source: source.into(),
            files: Vec::new(),
            flags: Vec::new(),
        }
    }

    fn validate(&self, what: &str) -> Result<(), String> {
        let size = self.source.len() + self.files.iter().map(|f| f.content.len()).sum::<usize>();
        if size > MAX_VALIDATOR_BYTES {
            return Err(format!("{what} is larger than {MAX_VALIDATOR_BYTES} bytes"));
        }
        if self.source.trim().is_empty() {
            return Err(format!("{what} source is empty"));
        }
        if self.files.len() > MAX_VALIDATOR_FILES || self.flags.len() > MAX_VALIDATOR_FLAGS {
            return Err(format!(
                "{what} has more than {MAX_VALIDATOR_FILES} files or {MAX_VALIDATOR_FLAGS} flags"
            ));
        }
        if !self.files.is_empty() && !matches!(self.language, Language::C | Language::Cpp) {
            return Err(format!("{what} files are supported for C and C++ only"));
        }
        if self.flags.iter().any(|f| f.len() > 256 || f.contains('\0')) {
            return Err(format!("{what} flags must be short and without NUL"));
        }
        let mut seen = std::collections::HashSet::new();
        for file in &self.files {
            if !is_relative_source_path(&file.path) {
                return Err(format!("{what} file path {:?} is not allowed", file.path));
            }
            if !seen.insert(file.path.as_str()) {
                return Err(format!("{what} file {:?} is named twice", file.path));
            }
        }
        Ok(())
    }
}

/// A path made only of plain names, so it stays inside the directory it is written to.
fn is_relative_source_path(path: &str) -> bool {
    path.len() <= 200
        && path.split('/').all(|name| {
            !name.is_empty()
                && name != "."
                && name != ".."
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

/// Largest tolerance a request may ask for: beyond it nearly any answer would pass.
pub const MAX_TOLERANCE: f64 = 1.0;

impl Default for Checker {
    /// The format's default validator without flags.
    fn default() -> Self {
        Checker::Default(DefaultValidator::default())
    }
}

impl Checker {
    /// The token rule of this checker, for every checker that is one: `Default`, `Tokens` and
    /// `Float`. `None` for `Exact` (lines, compared in the sandbox) and `Validator` (a program).
    pub fn token_rule(&self) -> Option<DefaultValidator> {
        match *self {
            Checker::Default(rule) => Some(rule),
            Checker::Tokens => Some(DefaultValidator {
                case_sensitive: true,
                ..DefaultValidator::default()
            }),
            Checker::Float {
                abs_tolerance,
                rel_tolerance,
            } => Some(DefaultValidator {
                case_sensitive: true,
                space_change_sensitive: false,
                float_absolute_tolerance: Some(abs_tolerance),
                float_relative_tolerance: Some(rel_tolerance),
            }),
            Checker::Exact | Checker::Validator(_) | Checker::Interactive(_) => None,
        }
    }

    /// Whether `actual` is an accepted answer for `expected` under the `Float` rule; `false`
    /// for the other checkers' variants.
    pub fn float_tokens_match(&self, expected: &[u8], actual: &[u8]) -> bool {
        matches!(self, Checker::Float { .. })
            && self
                .token_rule()
                .is_some_and(|rule| rule.judge(expected, actual).is_ok())
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        match self {
            Checker::Float {
                abs_tolerance,
                rel_tolerance,
            } => {
                let valid = |t: f64| (0.0..=MAX_TOLERANCE).contains(&t);
                if !valid(*abs_tolerance) || !valid(*rel_tolerance) {
                    return Err(format!(
                        "checker tolerances must be between 0 and {MAX_TOLERANCE}"
                    ));
                }
            }
            Checker::Validator(validator) => validator.validate("checker validator")?,
            Checker::Interactive(validator) => validator.validate("interactive validator")?,
            Checker::Default(rule) => rule.validate()?,
            Checker::Exact | Checker::Tokens => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution::{ExecutionMaxima, tests::request_with};

    fn float(abs_tolerance: f64, rel_tolerance: f64) -> Checker {
        Checker::Float {
            abs_tolerance,
            rel_tolerance,
        }
    }

    #[test]
    fn float_checker_accepts_within_absolute_tolerance() {
        let checker = float(1e-6, 0.0);
        assert!(checker.float_tokens_match(b"0.333333333\n", b"0.3333334"));
        assert!(checker.float_tokens_match(b"1 2.5\n", b"1.0000000\n2.5000001\n"));
        assert!(!checker.float_tokens_match(b"0.333333", b"0.3334"));
        assert!(checker.float_tokens_match(b"-0", b"0.0000001"));
    }

    #[test]
    fn float_checker_accepts_within_relative_tolerance() {
        let checker = float(0.0, 1e-9);
        assert!(checker.float_tokens_match(b"1e12", b"1000000000000.5"));
        assert!(!checker.float_tokens_match(b"1e12", b"1000000002000"));
        // Either tolerance suffices.
        assert!(float(1e-6, 1e-9).float_tokens_match(b"0.0000001", b"0.0000009"));
    }

    #[test]
    fn float_checker_compares_words_exactly_and_counts_tokens() {
        let checker = float(1e-6, 1e-6);
        assert!(checker.float_tokens_match(b"YES 3.0", b"YES 3"));
        assert!(!checker.float_tokens_match(b"YES 3.0", b"yes 3"));
        assert!(!checker.float_tokens_match(b"1.0 2.0", b"1.0"));
        assert!(!checker.float_tokens_match(b"1.0", b"1.0 2.0"));
        // A number is never matched by a word, and non-finite spellings are words.
        assert!(!checker.float_tokens_match(b"1.0", b"nan"));
        assert!(!checker.float_tokens_match(b"1.0", b"inf"));
        assert!(checker.float_tokens_match(b"nan", b"nan"));
        assert!(!Checker::Tokens.float_tokens_match(b"1", b"1"));
    }

    #[test]
    fn float_checker_round_trips_through_json_and_is_validated() {
        let checker: Checker =
            serde_json::from_str(r#"{"float": {"abs_tolerance": 1e-6, "rel_tolerance": 1e-9}}"#)
                .unwrap();
        assert_eq!(checker, float(1e-6, 1e-9));
        let only_abs: Checker =
            serde_json::from_str(r#"{"float": {"abs_tolerance": 0.01}}"#).unwrap();
        assert_eq!(only_abs, float(0.01, 0.0));
        assert_eq!(
            serde_json::to_string(&Checker::Tokens).unwrap(),
            r#""tokens""#
        );

        let mut request = request_with(checker);
        assert_eq!(request.validate(&ExecutionMaxima::default()), Ok(()));
        for (abs, rel) in [
            (-1.0, 0.0),
            (0.0, f64::NAN),
            (2.0, 0.0),
            (0.0, f64::INFINITY),
        ] {
            request.checker = float(abs, rel);
            assert!(
                request.validate(&ExecutionMaxima::default()).is_err(),
                "{abs} {rel}"
            );
        }
    }

    #[test]
    fn a_request_naming_no_checker_gets_the_formats_default_validator() {
        let request: crate::execution::ExecutionRequest = serde_json::from_str(
            r#"{"language": "c", "source": "x", "tests": [{"input": "", "expected_output": ""}]}"#,
        )
        .unwrap();
        assert_eq!(
            request.checker,
            Checker::Default(DefaultValidator::default())
        );
        let rule = request.checker.token_rule().unwrap();
        assert!(rule.judge(b"YES\n", b"yes").is_ok());
        let checker: Checker =
            serde_json::from_str(r#"{"default": {"case_sensitive": true, "float_tolerance": 1}}"#)
                .unwrap_or(Checker::Exact);
        assert_eq!(checker, Checker::Exact, "unknown flags are refused");
        let checker: Checker =
            serde_json::from_str(r#"{"default": {"float_absolute_tolerance": -1}}"#).unwrap();
        let mut request = request_with(checker);
        assert!(request.validate(&ExecutionMaxima::default()).is_err());
        request.checker =
            Checker::Default(DefaultValidator::parse_flags("case_sensitive").unwrap());
        assert_eq!(request.validate(&ExecutionMaxima::default()), Ok(()));
        assert!(
            request
                .checker
                .token_rule()
                .unwrap()
                .judge(b"YES", b"yes")
                .is_err()
        );
        assert!(
            Checker::Tokens
                .token_rule()
                .unwrap()
                .judge(b"YES", b"yes")
                .is_err()
        );
    }

    #[test]
    fn validator_checker_round_trips_through_json_and_is_validated() {
        let checker: Checker = serde_json::from_str(
            r#"{"validator": {"language": "python", "source": "raise SystemExit(42)"}}"#,
        )
        .unwrap();
        assert_eq!(
            checker,
            Checker::Validator(Validator::single(Language::Python, "raise SystemExit(42)"))
        );
        let mut request = request_with(checker);
        assert_eq!(request.validate(&ExecutionMaxima::default()), Ok(()));
        for source in [" \n".to_owned(), "#".repeat(MAX_VALIDATOR_BYTES + 1)] {
            request.checker = Checker::Validator(Validator::single(Language::Python, source));
            assert!(request.validate(&ExecutionMaxima::default()).is_err());
        }
    }

    #[test]
    fn validator_files_stay_inside_their_directory() {
        let with_file = |language, path: &str| {
            let mut validator = Validator::single(language, "int main() {}");
            validator.files.push(SourceFile {
                path: path.into(),
                content: "#pragma once".into(),
            });
            request_with(Checker::Validator(validator)).validate(&ExecutionMaxima::default())
        };
        assert_eq!(with_file(Language::Cpp, "validate.h"), Ok(()));
        assert_eq!(with_file(Language::Cpp, "lib/geometry-2.hpp"), Ok(()));
        for bad in [
            "../x.h",
            "/etc/passwd",
            "a//b.h",
            "./a.h",
            "a b.h",
            "",
            "a/../../b",
        ] {
            assert!(with_file(Language::Cpp, bad).is_err(), "{bad:?}");
        }
        assert!(with_file(Language::Python, "helper.py").is_err());
        let json: Checker = serde_json::from_str(
            r#"{"validator": {"language": "cpp", "source": "int main() {}",
                "files": [{"path": "v.h", "content": ""}], "flags": ["case_sensitive"]}}"#,
        )
        .unwrap();
        let Checker::Validator(validator) = json else {
            panic!("{json:?}")
        };
        assert_eq!(validator.flags, ["case_sensitive"]);
        assert_eq!(validator.files[0].path, "v.h");
    }
}
