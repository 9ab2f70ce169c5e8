//! A problem's output validator (Kattis convention) at work: prepared once per request (and
//! cached by content across requests), run after each test the program passed cleanly with the
//! test's input and answer as read-only files, a writable feedback directory and the problem's
//! flags, and its exit code turned into a decision: 42 accepts, 43 rejects, anything else is
//! the judge's failure, with the reason for the problem's organizers.
//!
//! Judging a whole request is in `judging`; mounting the files and passing the arguments is in
//! `program` and `judge_files`.

use std::sync::Arc;

use joust_common::execution::{Validator, stderr_tail};

use crate::{
    compile::CompileError,
    judge_files::JudgeFiles,
    program::Program,
    run::{RunLimits, RunOutcome, Termination},
    sandbox::Sandbox,
    stop::Stop,
};

/// Limits of one validator run: a validator is untrusted code too, and a broken one must stop.
const VALIDATOR_TIME_LIMIT_MS: u64 = 10_000;
const VALIDATOR_MEMORY_LIMIT_BYTES: usize = 1 << 30;
/// A validator's stdout is not judged; this only bounds what a chatty one costs.
const VALIDATOR_OUTPUT_LIMIT_BYTES: usize = 64 << 10;
/// Kattis's exit codes for a validator's decision.
pub(crate) const VALIDATOR_ACCEPT: i32 = 42;
pub(crate) const VALIDATOR_REJECT: i32 = 43;

/// What judged an answer, besides accepting or rejecting it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Judgement {
    pub(crate) accepted: bool,
    /// The validator's `judgemessage.txt`, or the default validator's reason for rejecting.
    pub(crate) judge_message: Option<String>,
    /// The validator's `score.txt`.
    pub(crate) score: Option<f64>,
}

/// Why a validator decided nothing: `reason` is short (the test's message), `detail` adds the
/// end of the validator's stderr (for the organizers).
#[derive(Debug, Clone)]
pub(crate) struct ValidatorFailure {
    pub(crate) reason: String,
    pub(crate) detail: String,
}

/// A validator ready to judge many answers.
pub(crate) struct PreparedValidator {
    program: Program,
    flags: Arc<[String]>,
}

impl PreparedValidator {
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    pub(crate) fn flags(&self) -> Arc<[String]> {
        self.flags.clone()
    }
}

impl Sandbox {
    /// Compiles (or finds) the validator of a request. A compile error is the validator's
    /// author's, for the organizers: the caller makes it `IE`, never `CE`.
    pub(crate) fn prepare_validator_for(
        &self,
        validator: &Validator,
        stop: &Stop,
    ) -> Result<PreparedValidator, CompileError> {
        Ok(PreparedValidator {
            program: self.prepare_validator(validator, stop)?,
            flags: validator.flags.clone().into(),
        })
    }

    /// The limits a validator runs under, within this sandbox's largest memory.
    pub(crate) fn validator_limits(&self) -> RunLimits {
        RunLimits {
            time_limit_ms: VALIDATOR_TIME_LIMIT_MS,
            memory_limit_bytes: VALIDATOR_MEMORY_LIMIT_BYTES.min(self.config().max_memory_bytes),
            output_limit_bytes: VALIDATOR_OUTPUT_LIMIT_BYTES,
        }
    }

    /// Runs `validator` on a program's `output` for the test (`input`, `answer`).
    pub(crate) fn judge_output(
        &self,
        validator: &PreparedValidator,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
        stop: &Stop,
    ) -> Result<Judgement, ValidatorFailure> {
        let failure = |reason: String| ValidatorFailure {
            detail: reason.clone(),
            reason,
        };
        let files = JudgeFiles::create(input, answer).map_err(|e| {
            tracing::error!(error = %e, "creating the judge's files failed");
            failure("internal error".to_owned())
        })?;
        let run = self
            .run_validator(
                &validator.program,
                &files,
                validator.flags.clone(),
                output,
                self.validator_limits(),
                stop,
            )
            .map_err(|e| {
                tracing::error!(error = %e, "sandbox failure");
                failure("internal error".to_owned())
            })?;
        let accepted = validator_decision(&run).map_err(|reason| ValidatorFailure {
            detail: match stderr_tail(&run.stderr) {
                Some(stderr) => format!("{reason}; its stderr ends with:\n{stderr}"),
                None => reason.clone(),
            },
            reason,
        })?;
        Ok(Judgement {
            accepted,
            judge_message: files.judge_message(),
            score: files.score(),
        })
    }
}

/// What a validator's run decided, or why it decided nothing.
pub(crate) fn validator_decision(outcome: &RunOutcome) -> Result<bool, String> {
    match &outcome.termination {
        _ if outcome.memory_denied => Err("validator exceeded its memory limit".to_owned()),
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
