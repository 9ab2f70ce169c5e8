//! The host side of one guest: the state its `Store` carries (WASI context, memory limiter,
//! a handle on stdout, the wall-clock deadline), what the epoch callback decides from it, and
//! the linker every guest module is instantiated with.
//!
//! The WASI world itself (clocks, randomness, sleeping) is in `wasi`; setting up and running a
//! `Store` is in `run`.

use std::time::Instant;

use wasmtime::{Engine, Linker, UpdateDeadline};
use wasmtime_wasi::{
    p1::{self, WasiP1Ctx},
    p2::{OutputStream, pipe::MemoryOutputPipe},
};

use crate::{limiter::RunLimiter, wasi::define_instant_poll_oneoff};

/// Per-store host state: the WASI context and the memory limiter.
pub(crate) struct GuestState {
    wasi: WasiP1Ctx,
    pub(crate) limiter: RunLimiter,
    /// A handle on the guest's stdout, so the epoch callback can stop a flood early.
    stdout: MemoryOutputPipe,
    /// When the wall-clock backstop fires.
    wall_deadline: Instant,
}

/// Raised from the epoch callback when stdout is full: the run stops right away instead of
/// burning its whole time limit writing into a closed pipe.
#[derive(Debug, thiserror::Error)]
#[error("output limit exceeded")]
pub(crate) struct OutputLimitExceeded;

impl GuestState {
    pub(crate) fn new(
        wasi: WasiP1Ctx,
        memory_limit_bytes: usize,
        stdout: MemoryOutputPipe,
        wall_deadline: Instant,
    ) -> Self {
        Self {
            wasi,
            limiter: RunLimiter::new(memory_limit_bytes),
            stdout,
            wall_deadline,
        }
    }

    /// What the epoch callback does every tick, looking at the run from outside: a full stdout
    /// ([`OutputLimitExceeded`]) or an exhausted wall-clock budget ends it.
    pub(crate) fn on_epoch(&mut self) -> wasmtime::Result<UpdateDeadline> {
        if self.stdout.check_write().is_err() {
            return Err(wasmtime::Error::new(OutputLimitExceeded));
        }
        if Instant::now() >= self.wall_deadline {
            return Ok(UpdateDeadline::Interrupt);
        }
        Ok(UpdateDeadline::Continue(1))
    }
}

/// The host functions every guest links against: WASI preview 1, with an instant
/// `poll_oneoff`.
pub(crate) fn guest_linker(engine: &Engine) -> anyhow::Result<Linker<GuestState>> {
    let mut linker: Linker<GuestState> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |state: &mut GuestState| &mut state.wasi)?;
    linker.allow_shadowing(true);
    define_instant_poll_oneoff(&mut linker)?;
    linker.allow_shadowing(false);
    Ok(linker)
}
