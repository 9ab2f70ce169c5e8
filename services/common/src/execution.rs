//! The executor's HTTP API (`POST /v1/executions`): request and response bodies, shared by the
//! executor that serves it and the judge that calls it.

pub use crate::domain::Verdict;
use serde::{Deserialize, Serialize};

use crate::Language;

/// Largest accepted source file.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;
/// Most test cases in one request.
pub const MAX_TESTS: usize = 100;
/// Largest input or expected output of one test case.
pub const MAX_TEST_DATA_BYTES: usize = 4 * 1024 * 1024;
/// Upper bound on the time limit a request may ask for.
pub const MAX_TIME_LIMIT_MS: u64 = 20_000;
/// Upper bound on the memory limit a request may ask for.
pub const MAX_MEMORY_LIMIT_MB: u64 = 512;
/// Time limit of a request that names none.
pub const DEFAULT_TIME_LIMIT_MS: u64 = 2_000;
/// Memory limit of a request that names none.
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 256;

/// A program and the tests it must pass.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionRequest {
    pub language: Language,
    pub source: String,
    pub tests: Vec<TestCase>,
    /// CPU limit per test, converted to fuel (see `docs/sandbox.md`).
    #[serde(default = "default_time_limit_ms")]
    pub time_limit_ms: u64,
    #[serde(default = "default_memory_limit_mb")]
    pub memory_limit_mb: u64,
    #[serde(default)]
    pub checker: Checker,
    /// Run every test even after one fails (default: stop at the first failure).
    #[serde(default)]
    pub run_all: bool,
}

fn default_time_limit_ms() -> u64 {
    DEFAULT_TIME_LIMIT_MS
}

fn default_memory_limit_mb() -> u64 {
    DEFAULT_MEMORY_LIMIT_MB
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub input: String,
    pub expected_output: String,
}

/// How a program's output is compared with the expected answer.
///
/// On the wire: `"exact"`, `"tokens"`,
/// `{"float": {"abs_tolerance": 1e-6, "rel_tolerance": 1e-6}}`, or
/// `{"validator": {"language": "python", "source": "..."}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checker {
    /// Byte-exact after trimming trailing whitespace of each line and trailing blank lines.
    Exact,
    /// Whitespace-separated tokens compared one by one.
    #[default]
    Tokens,
    /// Tokens compared one by one; where the expected token is a finite number, the actual
    /// token must be a number within `abs_tolerance` of it or within `rel_tolerance` times its
    /// magnitude (either suffices). Other tokens must be equal.
    Float {
        #[serde(default)]
        abs_tolerance: f64,
        #[serde(default)]
        rel_tolerance: f64,
    },
    /// A problem-specific program decides (Kattis convention): it runs in the sandbox with the
    /// contestant's output on stdin and the test input and expected answer as read-only files,
    /// and exits 42 to accept, 43 to reject; anything else is an internal error of the judge.
    /// See `docs/sandbox.md`.
    Validator(Validator),
}

/// The program behind [`Checker::Validator`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validator {
    pub language: Language,
    pub source: String,
}

/// Largest tolerance a request may ask for: beyond it nearly any answer would pass.
pub const MAX_TOLERANCE: f64 = 1.0;

impl Checker {
    /// Whether `actual` is an accepted answer for `expected` under the `Float` rule; `false`
    /// for the other checkers' variants (they compare bytes, see the sandbox).
    pub fn float_tokens_match(&self, expected: &[u8], actual: &[u8]) -> bool {
        let Checker::Float {
            abs_tolerance,
            rel_tolerance,
        } = *self
        else {
            return false;
        };
        let tokens = |text: &'_ [u8]| -> Vec<Vec<u8>> {
            text.split(|b| b.is_ascii_whitespace())
                .filter(|t| !t.is_empty())
                .map(<[u8]>::to_vec)
                .collect()
        };
        let (expected, actual) = (tokens(expected), tokens(actual));
        expected.len() == actual.len()
            && expected.iter().zip(&actual).all(|(e, a)| {
                match (finite_number(e), finite_number(a)) {
                    (Some(e), Some(a)) => {
                        let diff = (a - e).abs();
                        diff <= abs_tolerance || diff <= rel_tolerance * e.abs()
                    }
                    (Some(_), None) => false,
                    _ => e == a,
                }
            })
    }

    fn validate(&self) -> Result<(), String> {
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
            Checker::Validator(validator) => {
                if validator.source.len() > MAX_SOURCE_BYTES {
                    return Err(format!(
                        "checker validator source is larger than {MAX_SOURCE_BYTES} bytes"
                    ));
                }
                if validator.source.trim().is_empty() {
                    return Err("checker validator source is empty".into());
                }
            }
            Checker::Exact | Checker::Tokens => {}
        }
        Ok(())
    }
}

/// A token that is a finite decimal number (`3`, `-0.5`, `1e-9`); `nan` and `inf` are words.
fn finite_number(token: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(token).ok()?;
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl ExecutionRequest {
    /// Checks sizes and limits; the error names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        if self.source.len() > MAX_SOURCE_BYTES {
            return Err(format!("source is larger than {MAX_SOURCE_BYTES} bytes"));
        }
        if self.source.trim().is_empty() {
            return Err("source is empty".into());
        }
        if self.tests.is_empty() || self.tests.len() > MAX_TESTS {
            return Err(format!("tests must hold between 1 and {MAX_TESTS} cases"));
        }
        if let Some(i) = self.tests.iter().position(|t| {
            t.input.len() > MAX_TEST_DATA_BYTES || t.expected_output.len() > MAX_TEST_DATA_BYTES
        }) {
            return Err(format!(
                "tests[{i}] is larger than {MAX_TEST_DATA_BYTES} bytes"
            ));
        }
        if self.time_limit_ms == 0 || self.time_limit_ms > MAX_TIME_LIMIT_MS {
            return Err(format!(
                "time_limit_ms must be between 1 and {MAX_TIME_LIMIT_MS}"
            ));
        }
        if self.memory_limit_mb == 0 || self.memory_limit_mb > MAX_MEMORY_LIMIT_MB {
            return Err(format!(
                "memory_limit_mb must be between 1 and {MAX_MEMORY_LIMIT_MB}"
            ));
        }
        self.checker.validate()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecutionResponse {
    pub verdict: Verdict,
    /// The compiler's diagnostics, trimmed, when compilation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_output: Option<String>,
    pub tests: Vec<TestResult>,
}

impl ExecutionResponse {
    pub fn passed(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.verdict == Verdict::AC)
            .count()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    pub index: usize,
    pub verdict: Verdict,
    /// CPU time derived from the fuel consumed: the same on every machine.
    pub time_ms: u64,
    pub fuel: u64,
    /// Wall-clock time of the run on this machine.
    pub wall_ms: u64,
    /// Peak linear memory of the program.
    pub memory_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// A short reason for RTE and IE (the trap, or the exit code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An error body of the executor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid request judged with `checker`.
    fn request_with(checker: Checker) -> ExecutionRequest {
        ExecutionRequest {
            language: Language::C,
            source: "int main(void) { return 0; }".into(),
            tests: vec![TestCase {
                input: String::new(),
                expected_output: String::new(),
            }],
            time_limit_ms: DEFAULT_TIME_LIMIT_MS,
            memory_limit_mb: DEFAULT_MEMORY_LIMIT_MB,
            checker,
            run_all: false,
        }
    }

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
        assert_eq!(request.validate(), Ok(()));
        for (abs, rel) in [
            (-1.0, 0.0),
            (0.0, f64::NAN),
            (2.0, 0.0),
            (0.0, f64::INFINITY),
        ] {
            request.checker = float(abs, rel);
            assert!(request.validate().is_err(), "{abs} {rel}");
        }
    }

    #[test]
    fn validator_checker_round_trips_through_json_and_is_validated() {
        let checker: Checker = serde_json::from_str(
            r#"{"validator": {"language": "python", "source": "raise SystemExit(42)"}}"#,
        )
        .unwrap();
        assert_eq!(
            checker,
            Checker::Validator(Validator {
                language: Language::Python,
                source: "raise SystemExit(42)".into(),
            })
        );
        let mut request = request_with(checker);
        assert_eq!(request.validate(), Ok(()));
        for source in [" \n".to_owned(), "#".repeat(MAX_SOURCE_BYTES + 1)] {
            request.checker = Checker::Validator(Validator {
                language: Language::Python,
                source,
            });
            assert!(request.validate().is_err());
        }
    }
}

/// Headers the judge sends with an execution request so that the executor's logs name the
/// submission, battle and player being judged; the executor ignores malformed values.
pub mod trace_headers {
    pub const SUBMISSION_ID: &str = "x-joust-submission-id";
    pub const BATTLE_ID: &str = "x-joust-battle-id";
    pub const USER_ID: &str = "x-joust-user-id";
}
