//! The host side of one guest: the state its `Store` carries (WASI context, memory limiter,
//! a handle on stdout, the host-work meter, the wall-clock deadline), what the epoch callback
//! decides from it, and the linker every guest module is instantiated with (which counts every
//! WASI call).
//!
//! The WASI world itself (clocks, randomness, sleeping) is in `wasi`; setting up and running a
//! `Store` is in `run`.

use std::{path::PathBuf, sync::Arc, time::Instant};

use wasmtime::{Engine, Linker, Trap, UpdateDeadline};
use wasmtime_wasi::{
    p1::{self, WasiP1Ctx},
    p2::{OutputStream, pipe::MemoryOutputPipe},
};

use crate::{
    host_fuel::HostMeter,
    judge_files::{FEEDBACK_LIMIT_BYTES, bytes_under},
    limiter::RunLimiter,
    wasi::define_instant_poll_oneoff,
};

/// Per-store host state: the WASI context and the memory limiter.
pub(crate) struct GuestState {
    wasi: WasiP1Ctx,
    pub(crate) limiter: RunLimiter,
    /// A handle on the guest's stdout when it is kept in memory, so the epoch callback can
    /// stop a flood early (an interactive run's stdout is a pipe, bounded by its reader).
    stdout: Option<MemoryOutputPipe>,
    /// The bytes the guest's pipes and generator moved, shared with them.
    meter: Arc<HostMeter>,
    /// WASI calls made so far.
    host_calls: u64,
    /// When the wall-clock backstop fires.
    wall_deadline: Instant,
    /// A validator's writable feedback directory, whose size every tick checks.
    feedback_dir: Option<PathBuf>,
}

/// Raised from the epoch callback when a validator has written more than
/// [`FEEDBACK_LIMIT_BYTES`] into its feedback directory.
#[derive(Debug, thiserror::Error)]
#[error("feedback limit exceeded")]
pub(crate) struct FeedbackLimitExceeded;

/// Raised from the epoch callback when stdout is full: the run stops right away instead of
/// burning its whole time limit writing into a closed pipe.
#[derive(Debug, thiserror::Error)]
#[error("output limit exceeded")]
pub(crate) struct OutputLimitExceeded;

impl GuestState {
    pub(crate) fn new(
        wasi: WasiP1Ctx,
        memory_limit_bytes: usize,
        stdout: Option<MemoryOutputPipe>,
        meter: Arc<HostMeter>,
        wall_deadline: Instant,
        feedback_dir: Option<PathBuf>,
    ) -> Self {
        Self {
            wasi,
            limiter: RunLimiter::new(memory_limit_bytes),
            stdout,
            meter,
            host_calls: 0,
            wall_deadline,
            feedback_dir,
        }
    }

    /// The fuel the host's work for this guest costs so far (`host_fuel`). It is not taken
    /// from the store's fuel (compiled code keeps its count in a register between calls, where
    /// a tick cannot change it) but added to what the store used.
    pub(crate) fn host_fuel(&self) -> u64 {
        self.meter.fuel(self.host_calls)
    }

    /// What the epoch callback does every tick, looking at the run from outside, given the
    /// fuel the store has left: a full stdout ([`OutputLimitExceeded`]), a full feedback
    /// directory ([`FeedbackLimitExceeded`]), host work that costs more than that fuel (out of
    /// fuel), or an exhausted wall-clock budget ends it.
    pub(crate) fn on_epoch(&mut self, fuel_left: u64) -> wasmtime::Result<UpdateDeadline> {
        if self
            .stdout
            .as_mut()
            .is_some_and(|s| s.check_write().is_err())
        {
            return Err(wasmtime::Error::new(OutputLimitExceeded));
        }
        if let Some(dir) = &self.feedback_dir
            && bytes_under(dir, FEEDBACK_LIMIT_BYTES) > FEEDBACK_LIMIT_BYTES
        {
            return Err(wasmtime::Error::new(FeedbackLimitExceeded));
        }
        if self.host_fuel() > fuel_left {
            return Err(wasmtime::Error::new(Trap::OutOfFuel));
        }
        if Instant::now() >= self.wall_deadline {
            return Ok(UpdateDeadline::Interrupt);
        }
        Ok(UpdateDeadline::Continue(1))
    }
}

/// The host functions every guest links against: WASI preview 1, with an instant
/// `poll_oneoff`. Every call is counted (WASI asks for the context once per call), for
/// `host_fuel`.
pub(crate) fn guest_linker(engine: &Engine) -> anyhow::Result<Linker<GuestState>> {
    let mut linker: Linker<GuestState> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |state: &mut GuestState| {
        state.host_calls += 1;
        &mut state.wasi
    })?;
    linker.allow_shadowing(true);
    define_instant_poll_oneoff(&mut linker, |state: &mut GuestState| {
        state.host_calls += 1;
    })?;
    linker.allow_shadowing(false);
    Ok(linker)
}
