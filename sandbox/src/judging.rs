//! Judging: a program against a list of tests, each run classified into a verdict.

use joust_common::execution::{Checker, ExecutionRequest, ExecutionResponse, TestResult, Verdict};

use crate::{
    Sandbox,
    checker::outputs_match,
    compile::CompileError,
    run::{RunLimits, RunOutcome, Termination},
};

/// Stdout beyond this is OLE (the expected answers of real problems are far smaller).
pub const OUTPUT_LIMIT_BYTES: usize = 8 << 20;

/// The verdict of one run against its expected output, with a short reason for failures.
pub fn verdict_of(
    outcome: &RunOutcome,
    expected: &[u8],
    checker: Checker,
) -> (Verdict, Option<String>) {
    match &outcome.termination {
        Termination::OutputLimitExceeded => (Verdict::OLE, None),
        _ if outcome.stdout_overflowed => (Verdict::OLE, None),
        Termination::OutOfFuel | Termination::WallTimeout => (Verdict::TLE, None),
        Termination::Exited(0) if outputs_match(checker, expected, &outcome.stdout) => {
            (Verdict::AC, None)
        }
        Termination::Exited(0) => (Verdict::WA, None),
        Termination::Exited(_) | Termination::Trapped(_) if outcome.memory_denied => {
            (Verdict::MLE, None)
        }
        Termination::Exited(code) => (Verdict::RTE, Some(format!("exit code {code}"))),
        Termination::Trapped(trap) => (Verdict::RTE, Some(trap.clone())),
    }
}

impl Sandbox {
    /// Compiles the program and runs it against the tests of `request`, stopping at the first
    /// failure unless `run_all` is set. Blocking: call from a blocking context.
    pub fn execute(&self, request: &ExecutionRequest) -> ExecutionResponse {
        let program = match self.prepare(request.language, &request.source) {
            Ok(program) => program,
            Err(CompileError::Rejected(message)) => {
                return ExecutionResponse {
                    verdict: Verdict::CE,
                    compile_output: Some(message),
                    tests: vec![],
                };
            }
            Err(CompileError::Internal(message)) => {
                tracing::error!(error = %message, "compiler failure");
                return ExecutionResponse {
                    verdict: Verdict::IE,
                    compile_output: None,
                    tests: vec![],
                };
            }
        };
        let limits = RunLimits {
            time_limit_ms: request.time_limit_ms,
            memory_limit_bytes: (request.memory_limit_mb as usize) << 20,
            output_limit_bytes: OUTPUT_LIMIT_BYTES,
        };
        let mut tests = Vec::with_capacity(request.tests.len());
        let mut overall = Verdict::AC;
        for (index, test) in request.tests.iter().enumerate() {
            let (verdict, message, outcome) =
                match self.run(&program, test.input.as_bytes(), limits) {
                    Ok(outcome) => {
                        let (verdict, message) =
                            verdict_of(&outcome, test.expected_output.as_bytes(), request.checker);
                        (verdict, message, Some(outcome))
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "sandbox failure");
                        (Verdict::IE, Some("internal error".to_owned()), None)
                    }
                };
            tests.push(TestResult {
                index,
                verdict,
                time_ms: outcome.as_ref().map_or(0, |o| o.time_ms),
                fuel: outcome.as_ref().map_or(0, |o| o.fuel_used),
                wall_ms: outcome.as_ref().map_or(0, |o| o.wall.as_millis() as u64),
                memory_bytes: outcome.as_ref().map_or(0, |o| o.peak_memory_bytes),
                exit_code: outcome.as_ref().and_then(|o| match o.termination {
                    Termination::Exited(code) => Some(code),
                    _ => None,
                }),
                message,
            });
            if verdict != Verdict::AC {
                if overall == Verdict::AC {
                    overall = verdict;
                }
                if !request.run_all {
                    break;
                }
            }
        }
        ExecutionResponse {
            verdict: overall,
            compile_output: None,
            tests,
        }
    }
}
