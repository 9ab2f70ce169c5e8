//! The executor's HTTP API (`POST /v1/executions`): request and response bodies, shared by the
//! executor that serves it and the judge that calls it.

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checker {
    /// Byte-exact after trimming trailing whitespace of each line and trailing blank lines.
    Exact,
    /// Whitespace-separated tokens compared one by one.
    #[default]
    Tokens,
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
        Ok(())
    }
}

/// The outcome of a whole execution or of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// Accepted.
    AC,
    /// Wrong answer.
    WA,
    /// Time limit exceeded (fuel ran out, or the wall-clock backstop fired).
    TLE,
    /// Memory limit exceeded.
    MLE,
    /// Output limit exceeded.
    OLE,
    /// Runtime error: non-zero exit or a trap.
    RTE,
    /// Compilation error.
    CE,
    /// Internal error of the judge itself.
    IE,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::AC => "AC",
            Verdict::WA => "WA",
            Verdict::TLE => "TLE",
            Verdict::MLE => "MLE",
            Verdict::OLE => "OLE",
            Verdict::RTE => "RTE",
            Verdict::CE => "CE",
            Verdict::IE => "IE",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
