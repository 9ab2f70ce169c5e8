//! Judging: a program against a list of tests, each run classified into a verdict, a custom
//! validator deciding the output when the problem has one.
//!
//! Running a program is in `sandbox` and `run`; comparing outputs token by token is in
//! `checker`.

use joust_common::execution::{Checker, ExecutionRequest, ExecutionResponse, TestResult, Verdict};

use crate::{
    checker::outputs_match,
    compile::CompileError,
    run::{RunLimits, RunOutcome, Termination},
    sandbox::Sandbox,
};

/// Stdout beyond this is OLE (the expected answers of real problems are far smaller).
pub const OUTPUT_LIMIT_BYTES: usize = 8 << 20;

/// Limits of one validator run: a validator is trusted code, but a broken one must still stop.
const VALIDATOR_TIME_LIMIT_MS: u64 = 10_000;
const VALIDATOR_MEMORY_LIMIT_BYTES: usize = 256 << 20;
/// A validator's stdout is not judged; this only bounds what a chatty one costs.
const VALIDATOR_OUTPUT_LIMIT_BYTES: usize = 64 << 10;
/// Kattis's exit codes for a validator's decision.
const VALIDATOR_ACCEPT: i32 = 42;
const VALIDATOR_REJECT: i32 = 43;

/// The verdict of one run against its expected output, with a short reason for failures.
///
/// Under [`Checker::Validator`] no answer matches: runs judged by a validator go through
/// `Sandbox::execute`, which runs it.
pub fn verdict_of(
    outcome: &RunOutcome,
    expected: &[u8],
    checker: &Checker,
) -> (Verdict, Option<String>) {
    verdict_with(outcome, |actual| {
        Ok(outputs_match(checker, expected, actual))
    })
}

/// The verdict of one run, where `accepts` decides a clean exit's output (`Err` is an internal
/// error of the judge, with its reason). Limits and crashes are decided before the output is
/// looked at, so nothing the program printed can turn them into an accepted answer.
fn verdict_with(
    outcome: &RunOutcome,
    accepts: impl FnOnce(&[u8]) -> Result<bool, String>,
) -> (Verdict, Option<String>) {
    match &outcome.termination {
        Termination::OutputLimitExceeded => (Verdict::OLE, None),
        _ if outcome.stdout_overflowed => (Verdict::OLE, None),
        Termination::OutOfFuel | Termination::WallTimeout => (Verdict::TLE, None),
        Termination::Exited(0) => match accepts(&outcome.stdout) {
            Ok(true) => (Verdict::AC, None),
            Ok(false) => (Verdict::WA, None),
            Err(reason) => (Verdict::IE, Some(reason)),
        },
        Termination::Exited(_) | Termination::Trapped(_) if outcome.memory_denied => {
            (Verdict::MLE, None)
        }
        Termination::Exited(code) => (Verdict::RTE, Some(format!("exit code {code}"))),
        Termination::Trapped(trap) => (Verdict::RTE, Some(trap.clone())),
    }
}

/// What a validator's run decided, or why it decided nothing.
fn validator_decision(outcome: &RunOutcome) -> Result<bool, String> {
    match &outcome.termination {
        Termination::Exited(VALIDATOR_ACCEPT) => Ok(true),
        Termination::Exited(VALIDATOR_REJECT) => Ok(false),
        Termination::Exited(code) => Err(format!("validator exited with code {code}")),
        Termination::OutOfFuel | Termination::WallTimeout => {
            Err("validator exceeded its time limit".to_owned())
        }
        Termination::OutputLimitExceeded => Err("validator exceeded its output limit".to_owned()),
        Termination::Trapped(trap) => Err(format!("validator crashed: {trap}")),
    }
}

fn internal_error() -> ExecutionResponse {
    ExecutionResponse {
        verdict: Verdict::IE,
        compile_output: None,
        tests: vec![],
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
                return internal_error();
            }
        };
        // A validator that does not compile is the problem setter's mistake: IE, never CE.
        let validator = match &request.checker {
            Checker::Validator(validator) => {
                match self.prepare(validator.language, &validator.source) {
                    Ok(program) => Some(program),
                    Err(e) => {
                        tracing::error!(error = ?e, "the validator cannot be prepared");
                        return internal_error();
                    }
                }
            }
            _ => None,
        };
        let validator_limits = RunLimits {
            time_limit_ms: VALIDATOR_TIME_LIMIT_MS,
            memory_limit_bytes: VALIDATOR_MEMORY_LIMIT_BYTES.min(self.config().max_memory_bytes),
            output_limit_bytes: VALIDATOR_OUTPUT_LIMIT_BYTES,
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
                        let input = test.input.as_bytes();
                        let expected = test.expected_output.as_bytes();
                        let (verdict, message) = verdict_with(&outcome, |actual| {
                            let Some(validator) = &validator else {
                                return Ok(outputs_match(&request.checker, expected, actual));
                            };
                            let run = self
                                .run_validator(validator, input, expected, actual, validator_limits)
                                .map_err(|e| {
                                    tracing::error!(error = %e, "sandbox failure");
                                    "internal error".to_owned()
                                })?;
                            validator_decision(&run).inspect_err(|reason| {
                                tracing::error!(%reason, "the validator failed");
                            })
                        });
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
