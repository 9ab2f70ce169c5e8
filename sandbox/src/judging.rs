//! Judging: a program against a list of tests, each run classified into a verdict with its
//! reason (exit code or trap, the end of stderr, the own output of sample tests), the output
//! decided by the checker or the problem's validator, and what a request whose deadline passed
//! answers (the tests judged so far, the rest `TLE`).
//!
//! Running a program is in `sandbox` and `run`; comparing outputs is in `checker`; running a
//! validator is in `validator`.

use joust_common::execution::{
    Checker, ExecutionRequest, ExecutionResponse, TestCase, TestResult, Verdict, output_head,
    stderr_tail,
};

use crate::{
    checker::outputs_match,
    compile::CompileError,
    run::{OUT_OF_MEMORY, RunLimits, RunOutcome, Termination},
    sandbox::Sandbox,
    stop::Stop,
    validator::{Judgement, PreparedValidator},
};

/// The message of a test interrupted or never run because its request's deadline passed.
pub const DEADLINE_MESSAGE: &str = "the request's deadline passed";

/// Stdout beyond this is OLE (the expected answers of real problems are far smaller).
pub const OUTPUT_LIMIT_BYTES: usize = 8 << 20;

/// The verdict of one run against its expected output, with a short reason for failures.
///
/// Under [`Checker::Validator`] no answer matches: runs judged by a validator go through
/// `Sandbox::execute`, which runs it.
pub fn verdict_of(
    outcome: &RunOutcome,
    expected: &[u8],
    checker: &Checker,
) -> (Verdict, Option<String>) {
    let (verdict, message, _) = verdict_with(outcome, |actual| {
        Ok(Judgement {
            accepted: outputs_match(checker, expected, actual),
            ..Judgement::default()
        })
    });
    (verdict, message)
}

/// The verdict of one run, where `judge` decides a clean exit's output (`Err` is an internal
/// error of the judge, with its reason). Limits and crashes are decided before the output is
/// looked at, so nothing the program printed can turn them into an accepted answer.
fn verdict_with(
    outcome: &RunOutcome,
    judge: impl FnOnce(&[u8]) -> Result<Judgement, String>,
) -> (Verdict, Option<String>, Judgement) {
    let none = Judgement::default();
    match &outcome.termination {
        Termination::OutputLimitExceeded => (Verdict::OLE, None, none),
        _ if outcome.stdout_overflowed => (Verdict::OLE, None, none),
        Termination::OutOfFuel | Termination::WallTimeout => (Verdict::TLE, None, none),
        Termination::Exited(0) => match judge(&outcome.stdout) {
            Ok(judgement) if judgement.accepted => (Verdict::AC, None, judgement),
            Ok(judgement) => (Verdict::WA, None, judgement),
            Err(reason) => (Verdict::IE, Some(reason), none),
        },
        Termination::Exited(_) | Termination::Trapped(_) if outcome.memory_denied => {
            (Verdict::MLE, Some(OUT_OF_MEMORY.to_owned()), none)
        }
        Termination::Exited(code) => (Verdict::RTE, Some(format!("exit code {code}")), none),
        Termination::Trapped(trap) => (Verdict::RTE, Some(trap.clone()), none),
    }
}

/// A test interrupted, or never reached, by the request's deadline.
fn deadline_result(index: usize, test: &TestCase) -> TestResult {
    TestResult {
        sample: test.sample,
        message: Some(DEADLINE_MESSAGE.to_owned()),
        ..TestResult::new(index, Verdict::TLE)
    }
}

/// The answer when the request ends before its program could be prepared: every test `TLE`.
fn stopped_before_running(request: &ExecutionRequest) -> ExecutionResponse {
    ExecutionResponse {
        verdict: Verdict::TLE,
        compile_output: None,
        validator_error: None,
        tests: (request.tests.iter().enumerate())
            .map(|(i, t)| deadline_result(i, t))
            .collect(),
    }
}

fn internal_error(validator_error: Option<String>) -> ExecutionResponse {
    ExecutionResponse {
        verdict: Verdict::IE,
        compile_output: None,
        validator_error,
        tests: vec![],
    }
}

/// The result of one test from its run's outcome.
fn test_result(
    index: usize,
    test: &TestCase,
    (verdict, message, judgement): (Verdict, Option<String>, Judgement),
    outcome: Option<&RunOutcome>,
) -> TestResult {
    let mut result = TestResult {
        sample: test.sample,
        message,
        judge_message: judgement.judge_message,
        score: judgement.score,
        ..TestResult::new(index, verdict)
    };
    if let Some(o) = outcome {
        result.time_ms = o.time_ms;
        result.fuel = o.fuel_used;
        result.wall_ms = o.wall.as_millis() as u64;
        result.memory_bytes = o.peak_memory_bytes;
        result.exit_code = match o.termination {
            Termination::Exited(code) => Some(code),
            _ => None,
        };
        result.stderr = stderr_tail(&o.stderr);
        if test.sample {
            result.output = Some(output_head(&o.stdout));
        }
    }
    result
}

impl Sandbox {
    /// Compiles the program and runs it against the tests of `request`, stopping at the first
    /// failure unless `run_all` is set. Blocking: call from a blocking context.
    pub fn execute(&self, request: &ExecutionRequest) -> ExecutionResponse {
        self.execute_until(request, &Stop::never())
    }

    /// [`Sandbox::execute`], ending at `stop`: the compile is killed and the run going on is
    /// interrupted. The answer then holds the tests judged so far, and the interrupted test
    /// and every test not yet run as `TLE` with [`DEADLINE_MESSAGE`]; the overall verdict is
    /// the first failure's, so `TLE` unless an earlier test failed (`run_all`).
    pub fn execute_until(&self, request: &ExecutionRequest, stop: &Stop) -> ExecutionResponse {
        let program = match self.prepare_until(request.language, &request.source, stop) {
            Ok(program) => program,
            Err(CompileError::Stopped) => return stopped_before_running(request),
            Err(CompileError::Rejected(message)) => {
                return ExecutionResponse {
                    verdict: Verdict::CE,
                    compile_output: Some(message),
                    validator_error: None,
                    tests: vec![],
                };
            }
            Err(CompileError::Internal(message)) => {
                tracing::error!(error = %message, "compiler failure");
                return internal_error(None);
            }
        };
        // A validator that does not compile is the problem setter's mistake: IE, never CE, with
        // the compiler's message for the organizers.
        let validator = match &request.checker {
            Checker::Validator(validator) | Checker::Interactive(validator) => {
                match self.prepare_validator_for(validator, stop) {
                    Ok(prepared) => Some(prepared),
                    Err(CompileError::Stopped) => return stopped_before_running(request),
                    Err(e) => {
                        tracing::error!(error = ?e, "the validator cannot be prepared");
                        let reason = match e {
                            CompileError::Rejected(message) => {
                                format!("the validator does not compile:\n{message}")
                            }
                            other => format!("the validator cannot be prepared: {other:?}"),
                        };
                        return internal_error(Some(reason));
                    }
                }
            }
            _ => None,
        };
        let limits = RunLimits {
            time_limit_ms: request.time_limit_ms,
            memory_limit_bytes: (request.memory_limit_mb as usize) << 20,
            output_limit_bytes: OUTPUT_LIMIT_BYTES,
        };
        let mut tests = Vec::with_capacity(request.tests.len());
        let mut overall = Verdict::AC;
        let mut validator_error = None;
        for (index, test) in request.tests.iter().enumerate() {
            if stop.is_stopped() {
                tests.extend(
                    (request.tests.iter().enumerate())
                        .skip(index)
                        .map(|(i, t)| deadline_result(i, t)),
                );
                if overall == Verdict::AC {
                    overall = Verdict::TLE;
                }
                break;
            }
            let interactive = match (&request.checker, &validator) {
                (Checker::Interactive(_), Some(validator)) => Some(validator),
                _ => None,
            };
            let run = match interactive {
                Some(validator) => self
                    .run_interactive(&program, validator, test, limits, stop)
                    .map(Err),
                None => self
                    .run_until(&program, test.input.as_bytes(), limits, stop)
                    .map(Ok),
            };
            let (judged, outcome) = match run {
                Ok(Err(interaction)) => {
                    if let Some(failure) = interaction.failure {
                        tracing::error!(reason = %failure.reason, "the validator failed");
                        validator_error.get_or_insert(failure.detail);
                    }
                    let judged = (
                        interaction.verdict,
                        interaction.message,
                        interaction.judgement,
                    );
                    (judged, Some(interaction.submission))
                }
                Ok(Ok(outcome)) => {
                    let judged = verdict_with(&outcome, |actual| {
                        self.judge_answer(request, validator.as_ref(), test, actual, stop)
                            .map_err(|(reason, detail)| {
                                validator_error.get_or_insert(detail);
                                reason
                            })
                    });
                    (judged, Some(outcome))
                }
                Err(e) => {
                    tracing::error!(error = %e, "sandbox failure");
                    let failed = (Verdict::IE, Some("internal error".to_owned()));
                    ((failed.0, failed.1, Judgement::default()), None)
                }
            };
            // The stop interrupts a run as a wall-clock timeout and a validator as a failure.
            let judged = match judged.0 {
                Verdict::TLE | Verdict::IE if stop.is_stopped() => (
                    Verdict::TLE,
                    Some(DEADLINE_MESSAGE.to_owned()),
                    Judgement::default(),
                ),
                _ => judged,
            };
            let result = test_result(index, test, judged, outcome.as_ref());
            let verdict = result.verdict;
            tests.push(result);
            if verdict != Verdict::AC {
                if overall == Verdict::AC {
                    overall = verdict;
                }
                if !request.run_all && !stop.is_stopped() {
                    break;
                }
            }
        }
        ExecutionResponse {
            verdict: overall,
            compile_output: None,
            validator_error,
            tests,
        }
    }

    /// Decides a clean run's `actual` output: by the validator when there is one, otherwise by
    /// the request's checker (a rejection by the default validator keeps its reason as the
    /// judge message). `Err` holds the short reason and the organizers' detail.
    fn judge_answer(
        &self,
        request: &ExecutionRequest,
        validator: Option<&PreparedValidator>,
        test: &TestCase,
        actual: &[u8],
        stop: &Stop,
    ) -> Result<Judgement, (String, String)> {
        let expected = test.expected_output.as_bytes();
        if let Some(validator) = validator {
            return self
                .judge_output(validator, test.input.as_bytes(), expected, actual, stop)
                .map_err(|failure| {
                    tracing::error!(reason = %failure.reason, "the validator failed");
                    (failure.reason, failure.detail)
                });
        }
        Ok(match request.checker.token_rule() {
            Some(rule) => {
                let judged = rule.judge(expected, actual);
                Judgement {
                    accepted: judged.is_ok(),
                    judge_message: judged.err(),
                    score: None,
                }
            }
            None => Judgement {
                accepted: outputs_match(&request.checker, expected, actual),
                ..Judgement::default()
            },
        })
    }
}
