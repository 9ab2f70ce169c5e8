//! The executor's HTTP API (`POST /v1/executions`): request and response bodies, shared by the
//! executor that serves it and the judge that calls it.
//!
//! The contract between them:
//! - Every call but `/healthz`, `/readyz` and `/metrics` carries `Authorization: Bearer
//!   <JOUST_EXECUTOR_TOKEN>`; anything else is `401 UNAUTHORIZED`.
//! - A request asking for more than the executor's maxima ([`ExecutionMaxima`], its own
//!   settings) is refused with `422 LIMIT_EXCEEDED`, never clamped; a body above its
//!   `JOUST_EXECUTOR_MAX_BODY_BYTES` is `413 BODY_TOO_LARGE`.
//! - Every request has a hard deadline inside the executor (`JOUST_EXECUTOR_REQUEST_DEADLINE_MS`,
//!   30 s by default, counted from its arrival). At the deadline the compile is killed and the
//!   run going on interrupted, and the answer is still `200`: the tests judged so far, the
//!   interrupted test and every test not yet run as `TLE` (message "the request's deadline
//!   passed"), overall `TLE` (unless an earlier test already failed under `run_all`). So a slow
//!   program is a verdict, never a timeout: the judge's call timeout must exceed the deadline
//!   (plus the queue timeout).
//! - A caller that disconnects abandons its request: its compile and runs stop and its run slot
//!   is freed.

mod checker;
mod default_validator;
mod player_view;

pub use checker::{
    Checker, MAX_TOLERANCE, MAX_VALIDATOR_BYTES, MAX_VALIDATOR_FILES, MAX_VALIDATOR_FLAGS,
    SourceFile, Validator,
};
pub use default_validator::{DefaultValidator, parse_number};
pub use player_view::{
    OUTPUT_SHOWN_BYTES, STDERR_TAIL_BYTES, STDERR_TAIL_LINES, output_head, stderr_tail,
};
use serde::{Deserialize, Serialize};

pub use crate::domain::Verdict;

use crate::Language;

/// The bearer token the judge sends and the executor accepts when both run in development
/// mode (`JOUST_DEV_MODE`); anywhere else `JOUST_EXECUTOR_TOKEN` must be set on both.
pub const DEVELOPMENT_EXECUTOR_TOKEN: &str = "joust-local-development-executor-token";

/// The bearer token's header scheme: `Authorization: Bearer <token>`.
pub const BEARER_PREFIX: &str = "Bearer ";

/// Largest accepted source file.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;
/// Most test cases in one request, by default ([`ExecutionMaxima`]).
pub const MAX_TESTS: usize = 100;
/// Largest input or expected output of one test case, by default.
pub const MAX_TEST_DATA_BYTES: usize = 4 * 1024 * 1024;
/// Upper bound on the time limit a request may ask for, by default.
pub const MAX_TIME_LIMIT_MS: u64 = 10_000;
/// Upper bound on the memory limit a request may ask for, by default: the Kattis format's
/// default memory limit (2048 MiB).
pub const MAX_MEMORY_LIMIT_MB: u64 = 2048;
/// The most memory a wasm32 program can address (2³² bytes): no executor may offer more.
pub const WASM32_MEMORY_CEILING_MB: u64 = 4096;
/// Time limit of a request that names none.
pub const DEFAULT_TIME_LIMIT_MS: u64 = 2_000;
/// Memory limit of a request that names none.
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 256;

/// What one executor accepts at most; a request above any of them is refused, not clamped.
/// The executor reads them from its settings; the defaults are the constants above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionMaxima {
    pub time_limit_ms: u64,
    pub memory_limit_mb: u64,
    pub tests: usize,
    /// Largest input or expected output of one test case.
    pub test_data_bytes: usize,
}

impl Default for ExecutionMaxima {
    fn default() -> Self {
        Self {
            time_limit_ms: MAX_TIME_LIMIT_MS,
            memory_limit_mb: MAX_MEMORY_LIMIT_MB,
            tests: MAX_TESTS,
            test_data_bytes: MAX_TEST_DATA_BYTES,
        }
    }
}

/// Why a well-formed request is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestRefusal {
    /// The request asks for more than this executor's maxima allow.
    #[error("{field} is {requested}, above this executor's maximum of {maximum}")]
    AboveMaximum {
        field: String,
        requested: u64,
        maximum: u64,
    },
    /// Anything else wrong with it (empty source, no tests, a zero limit, a bad checker).
    #[error("{0}")]
    Invalid(String),
}

impl RequestRefusal {
    /// The stable error code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            RequestRefusal::AboveMaximum { .. } => "LIMIT_EXCEEDED",
            RequestRefusal::Invalid(_) => "INVALID_REQUEST",
        }
    }
}

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

/// One test: the program's stdin and the answer its output is judged against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub input: String,
    pub expected_output: String,
    /// A sample test, shown to players: its result carries the program's own output and
    /// stderr, and [`ExecutionResponse::for_players`] keeps them. A secret test (the default)
    /// shows players only its verdict, time and memory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sample: bool,
}

impl ExecutionRequest {
    /// Checks sizes and limits against `maxima`; the refusal names the offending field.
    pub fn validate(&self, maxima: &ExecutionMaxima) -> Result<(), RequestRefusal> {
        let above = |field: &str, requested: usize, maximum: usize| RequestRefusal::AboveMaximum {
            field: field.to_owned(),
            requested: requested as u64,
            maximum: maximum as u64,
        };
        if self.source.len() > MAX_SOURCE_BYTES {
            return Err(above("source", self.source.len(), MAX_SOURCE_BYTES));
        }
        if self.source.trim().is_empty() {
            return Err(RequestRefusal::Invalid("source is empty".into()));
        }
        if self.tests.is_empty() {
            return Err(RequestRefusal::Invalid("tests is empty".into()));
        }
        if self.tests.len() > maxima.tests {
            return Err(above("tests", self.tests.len(), maxima.tests));
        }
        for (i, test) in self.tests.iter().enumerate() {
            let size = test.input.len().max(test.expected_output.len());
            if size > maxima.test_data_bytes {
                return Err(above(&format!("tests[{i}]"), size, maxima.test_data_bytes));
            }
        }
        if self.time_limit_ms == 0 || self.memory_limit_mb == 0 {
            return Err(RequestRefusal::Invalid(
                "time_limit_ms and memory_limit_mb must be positive".into(),
            ));
        }
        if self.time_limit_ms > maxima.time_limit_ms {
            return Err(RequestRefusal::AboveMaximum {
                field: "time_limit_ms".into(),
                requested: self.time_limit_ms,
                maximum: maxima.time_limit_ms,
            });
        }
        if self.memory_limit_mb > maxima.memory_limit_mb {
            return Err(RequestRefusal::AboveMaximum {
                field: "memory_limit_mb".into(),
                requested: self.memory_limit_mb,
                maximum: maxima.memory_limit_mb,
            });
        }
        self.checker.validate().map_err(RequestRefusal::Invalid)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecutionResponse {
    pub verdict: Verdict,
    /// The compiler's diagnostics, trimmed, when compilation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_output: Option<String>,
    /// Why the problem's validator failed (its compile error, exit status or trap, and the end
    /// of its stderr), when the verdict is `IE` because of it. For the problem's organizers,
    /// never for players.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator_error: Option<String>,
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

/// The result of one test. Everything a player may not see is optional and cleared by
/// [`ExecutionResponse::for_players`] for secret tests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    pub index: usize,
    /// Copied from the test ([`TestCase::sample`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sample: bool,
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
    /// A short reason for RTE, MLE and IE: `exit code 3`, or the trap (`stack overflow`,
    /// `out of memory`, `out of bounds memory access`, `integer divide by zero`, `abort`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The last lines of the program's stderr (at most [`STDERR_TAIL_LINES`] lines and
    /// [`STDERR_TAIL_BYTES`] bytes, lossy UTF-8), when it wrote any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
    /// The program's own output (its first [`OUTPUT_SHOWN_BYTES`] bytes), for sample tests only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// What the validator said about the answer: the default validator's reason for a `WA`,
    /// or a custom validator's `judgemessage.txt` (bounded). For organizers: it may quote the
    /// secret answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge_message: Option<String>,
    /// A custom validator's `score.txt`, when it wrote a number there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl TestResult {
    /// A result with `verdict` and nothing measured yet.
    pub fn new(index: usize, verdict: Verdict) -> Self {
        Self {
            index,
            sample: false,
            verdict,
            time_ms: 0,
            fuel: 0,
            wall_ms: 0,
            memory_bytes: 0,
            exit_code: None,
            message: None,
            stderr: None,
            output: None,
            judge_message: None,
            score: None,
        }
    }
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

/// Headers the judge sends with an execution request so that the executor's logs name the
/// submission, battle and player being judged; the executor ignores malformed values.
pub mod trace_headers {
    pub const SUBMISSION_ID: &str = "x-joust-submission-id";
    pub const BATTLE_ID: &str = "x-joust-battle-id";
    pub const USER_ID: &str = "x-joust-user-id";
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid request judged with `checker`.
    pub(crate) fn request_with(checker: Checker) -> ExecutionRequest {
        ExecutionRequest {
            language: Language::C,
            source: "int main(void) { return 0; }".into(),
            tests: vec![TestCase {
                input: String::new(),
                expected_output: String::new(),
                sample: false,
            }],
            time_limit_ms: DEFAULT_TIME_LIMIT_MS,
            memory_limit_mb: DEFAULT_MEMORY_LIMIT_MB,
            checker,
            run_all: false,
        }
    }

    #[test]
    fn requests_above_the_maxima_are_refused_with_their_field() {
        let maxima = ExecutionMaxima {
            time_limit_ms: 1_000,
            memory_limit_mb: 64,
            tests: 2,
            test_data_bytes: 10,
        };
        let mut request = request_with(Checker::Tokens);
        request.time_limit_ms = 1_000;
        request.memory_limit_mb = 64;
        assert_eq!(request.validate(&maxima), Ok(()));
        let refused = |request: &ExecutionRequest| match request.validate(&maxima) {
            Err(refusal @ RequestRefusal::AboveMaximum { .. }) => {
                assert_eq!(refusal.code(), "LIMIT_EXCEEDED");
                refusal.to_string()
            }
            other => panic!("{other:?}"),
        };
        let mut slow = request.clone();
        slow.time_limit_ms = 1_001;
        assert!(refused(&slow).starts_with("time_limit_ms is 1001"));
        let mut big = request.clone();
        big.memory_limit_mb = 65;
        assert!(refused(&big).starts_with("memory_limit_mb is 65"));
        let mut many = request.clone();
        many.tests = vec![request.tests[0].clone(); 3];
        assert!(refused(&many).starts_with("tests is 3"));
        let mut long = request.clone();
        long.tests[0].input = "x".repeat(11);
        assert!(refused(&long).starts_with("tests[0] is 11"));
        let mut empty = request.clone();
        empty.tests.clear();
        assert_eq!(
            empty.validate(&maxima).unwrap_err().code(),
            "INVALID_REQUEST"
        );
    }
}
