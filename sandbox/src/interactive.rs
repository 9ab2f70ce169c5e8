//! Interactive problems: the problem's validator and the submission run at the same time, both
//! in the sandbox, joined by pipes in both directions (the validator's stdout is the
//! submission's stdin and the other way round). The submission runs under the request's
//! limits and the validator under its own; the verdict comes from the validator's exit code,
//! as the Kattis format's reference (`interactive.cc` and `verifyproblem`) decides it:
//!
//! - a validator that ends with anything but 42 or 43 (a crash, its limits) is `IE`;
//! - a validator that rejects (43) before the submission has ended decides `WA`, whatever the
//!   submission does afterwards;
//! - otherwise the submission's own failure comes first (`TLE`, `MLE`, `RTE`), then the
//!   validator's decision (42 `AC`, 43 `WA`).
//!
//! When the validator ends, the submission's stdin ends and its writes end it as an exit 0
//! (as `SIGPIPE` would: the validator decides); when the submission ends, the validator's stdin
//! ends, and what the validator still writes is buffered and dropped. A submission that stops
//! reading while the validator waits for it, or the reverse, waits until its wall-clock
//! deadline: `TLE`.
//!
//! The pipes are `pipe`; a plain run and its limits are `run`; the judge's files and the
//! feedback directory are `judge_files`.

use std::sync::{
    Arc,
    atomic::{AtomicU8, Ordering},
};

use joust_common::execution::{TestCase, Verdict, stderr_tail};

use crate::{
    judge_files::JudgeFiles,
    pipe::Pipe,
    program::{Program, ValidatorMounts},
    run::{OUT_OF_MEMORY, RunLimits, RunOutcome, Stdio, Termination, spawn_run},
    sandbox::Sandbox,
    stop::Stop,
    validator::{Judgement, PreparedValidator, ValidatorFailure, validator_decision},
};

const NOBODY: u8 = 0;
const VALIDATOR: u8 = 1;
const SUBMISSION: u8 = 2;

/// One interactive test, judged.
pub(crate) struct Interaction {
    /// The submission's run (its stdout is empty: it went to the validator).
    pub(crate) submission: RunOutcome,
    pub(crate) verdict: Verdict,
    /// The submission's failure (`exit code 3`, the trap, `out of memory`), or the validator's.
    pub(crate) message: Option<String>,
    pub(crate) judgement: Judgement,
    /// Set when the validator decided nothing.
    pub(crate) failure: Option<ValidatorFailure>,
}

impl Sandbox {
    /// Runs `program` against the interactive `validator` on `test`.
    pub(crate) fn run_interactive(
        &self,
        program: &Program,
        validator: &PreparedValidator,
        test: &TestCase,
        limits: RunLimits,
        stop: &Stop,
    ) -> anyhow::Result<Interaction> {
        let files = JudgeFiles::create(test.input.as_bytes(), test.expected_output.as_bytes())?;
        let mounts = ValidatorMounts {
            judge_dir: files.judge_dir(),
            feedback_dir: files.feedback_dir(),
            flags: validator.flags(),
        };
        let to_submission = Pipe::default();
        let to_validator = Pipe::default();
        let first = Arc::new(AtomicU8::new(NOBODY));
        let base = self.config().fuel_per_ms;
        let validator_run = {
            let (first, to_submission, to_validator) =
                (first.clone(), to_submission.clone(), to_validator.clone());
            spawn_run(
                self.engine(),
                base,
                validator.program(),
                Stdio::Pipes {
                    stdin: to_validator.clone(),
                    stdout: to_submission.clone(),
                },
                self.validator_limits(),
                Some(&mounts),
                stop,
                move || {
                    let _ = first.compare_exchange(
                        NOBODY,
                        VALIDATOR,
                        Ordering::SeqCst,
                        Ordering::SeqCst,
                    );
                    to_submission.close_writer();
                    to_validator.close_reader();
                },
            )?
        };
        let submission_run = {
            let (first, to_validator, to_submission) =
                (first.clone(), to_validator.clone(), to_submission.clone());
            spawn_run(
                self.engine(),
                base,
                program,
                Stdio::Pipes {
                    stdin: to_submission.clone(),
                    stdout: to_validator.clone(),
                },
                limits,
                None,
                stop,
                move || {
                    let _ = first.compare_exchange(
                        NOBODY,
                        SUBMISSION,
                        Ordering::SeqCst,
                        Ordering::SeqCst,
                    );
                    to_validator.close_writer();
                    to_submission.discard();
                },
            )
        };
        let submission_run = match submission_run {
            Ok(handle) => handle,
            Err(e) => {
                // The validator must not wait for a submission that never started.
                to_validator.close_writer();
                let _ = validator_run.join();
                return Err(e);
            }
        };
        let joined = |handle: std::thread::JoinHandle<anyhow::Result<RunOutcome>>| {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("the run thread panicked"))?
        };
        let submission = joined(submission_run)?;
        let validator_outcome = joined(validator_run)?;
        let validator_first = first.load(Ordering::SeqCst) == VALIDATOR;
        let judgement = Judgement {
            accepted: false,
            judge_message: files.judge_message(),
            score: files.score(),
        };
        Ok(decide(
            submission,
            &validator_outcome,
            validator_first,
            judgement,
        ))
    }
}

/// The verdict of an interactive test from both runs, as the format's reference decides it.
fn decide(
    submission: RunOutcome,
    validator: &RunOutcome,
    validator_first: bool,
    mut judgement: Judgement,
) -> Interaction {
    let decision = validator_decision(validator);
    let own_failure = match &submission.termination {
        Termination::OutOfFuel | Termination::WallTimeout => Some((Verdict::TLE, None)),
        Termination::Exited(_) | Termination::Trapped(_) if submission.memory_denied => {
            Some((Verdict::MLE, Some(OUT_OF_MEMORY.to_owned())))
        }
        Termination::Exited(0) | Termination::OutputLimitExceeded => None,
        Termination::Exited(code) => Some((Verdict::RTE, Some(format!("exit code {code}")))),
        Termination::Trapped(trap) => Some((Verdict::RTE, Some(trap.clone()))),
    };
    let (verdict, message, failure) = match decision {
        Err(reason) => {
            let detail = match stderr_tail(&validator.stderr) {
                Some(stderr) => format!("{reason}; its stderr ends with:\n{stderr}"),
                None => reason.clone(),
            };
            let failure = ValidatorFailure {
                reason: reason.clone(),
                detail,
            };
            (Verdict::IE, Some(reason), Some(failure))
        }
        Ok(false) if validator_first => (Verdict::WA, None, None),
        Ok(accepted) => match own_failure {
            Some((verdict, message)) => (verdict, message, None),
            None => {
                judgement.accepted = accepted;
                let verdict = if accepted { Verdict::AC } else { Verdict::WA };
                (verdict, None, None)
            }
        },
    };
    Interaction {
        submission,
        verdict,
        message,
        judgement,
        failure,
    }
}
