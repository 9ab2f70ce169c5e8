//! One run of a program on one input: its limits, the run itself in a fresh `Store` on a
//! thread of its own (fuel budget, wall-clock backstop, memory limiter, capped pipes), and how
//! it ended.
//!
//! What the guest can observe is in `wasi` and `guest`; how a program is started is in
//! `program`; what a run's outcome means for a verdict is in `judging`.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use wasmtime::{Engine, Store, Trap};
use wasmtime_wasi::{I32Exit, p2::pipe::MemoryOutputPipe};

use crate::{
    engine::RUN_THREAD_STACK_BYTES,
    guest::{GuestState, OutputLimitExceeded},
    program::Program,
    wasi::deterministic_wasi,
};

/// Cap on stderr kept from a run (shown to nobody but logs and validators).
const STDERR_CAP_BYTES: usize = 64 << 10;

/// Limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct RunLimits {
    pub time_limit_ms: u64,
    pub memory_limit_bytes: usize,
    /// Bytes of stdout beyond which the run is OLE.
    pub output_limit_bytes: usize,
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Termination {
    /// The program exited (or returned from `_start`) with this code.
    Exited(i32),
    /// The fuel budget ran out.
    OutOfFuel,
    /// The wall-clock backstop fired.
    WallTimeout,
    /// Stdout reached its cap and the run was stopped.
    OutputLimitExceeded,
    /// Any other trap (stack overflow, out-of-bounds access, unreachable, ...).
    Trapped(String),
}

#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub termination: Termination,
    pub stdout: Vec<u8>,
    pub stdout_overflowed: bool,
    pub stderr: Vec<u8>,
    pub fuel_used: u64,
    /// CPU time derived from fuel.
    pub time_ms: u64,
    pub wall: Duration,
    pub peak_memory_bytes: u64,
    /// A memory growth was refused during the run.
    pub memory_denied: bool,
}

/// Runs `program` on `input` on a thread of its own and waits for it. `base_fuel_per_ms` is
/// C's rate, against which a faster-burning language's wall-clock backstop is stretched;
/// `judge_files` is set for validators.
pub(crate) fn run_on_own_thread(
    engine: &Engine,
    base_fuel_per_ms: u64,
    program: &Program,
    input: &[u8],
    limits: RunLimits,
    judge_files: Option<&Path>,
) -> anyhow::Result<RunOutcome> {
    let engine = engine.clone();
    let program = program.clone();
    let input = input.to_vec();
    let judge_files: Option<PathBuf> = judge_files.map(Path::to_owned);
    // Guests run on the calling thread's native stack: give them a thread with a stack
    // comfortably larger than the wasm stack limit.
    std::thread::Builder::new()
        .name("sandbox-run".into())
        .stack_size(RUN_THREAD_STACK_BYTES)
        .spawn(move || {
            run_in_fresh_store(
                &engine,
                base_fuel_per_ms,
                &program,
                input,
                limits,
                judge_files.as_deref(),
            )
        })?
        .join()
        .map_err(|_| anyhow::anyhow!("the run thread panicked"))?
}

fn run_in_fresh_store(
    engine: &Engine,
    base_fuel_per_ms: u64,
    program: &Program,
    input: Vec<u8>,
    limits: RunLimits,
    judge_files: Option<&Path>,
) -> anyhow::Result<RunOutcome> {
    let stdout = MemoryOutputPipe::new(limits.output_limit_bytes + 1);
    let stderr = MemoryOutputPipe::new(STDERR_CAP_BYTES);
    let mut wasi = deterministic_wasi(input, stdout.clone(), stderr.clone());
    let pre = program.start(&mut wasi, judge_files)?;
    let started = Instant::now();
    // The wall-clock backstop: generous, since fuel is the real limit. A language whose
    // fuel rate was raised to match its native speed runs that much longer on the wall.
    let scale = program
        .fuel_per_ms()
        .div_ceil(base_fuel_per_ms.max(1))
        .max(1);
    let backstop = Duration::from_millis(
        limits
            .time_limit_ms
            .saturating_mul(3 * scale)
            .saturating_add(2_000),
    );
    let state = GuestState::new(
        wasi.build_p1(),
        limits.memory_limit_bytes,
        stdout.clone(),
        started + backstop,
    );
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    let fuel_budget = limits.time_limit_ms.saturating_mul(program.fuel_per_ms());
    store.set_fuel(fuel_budget)?;
    // Every tick, look at the run from outside.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut store| store.data_mut().on_epoch());

    let result = pre.instantiate(&mut store).and_then(|instance| {
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
        start.call(&mut store, ())
    });
    let wall = started.elapsed();

    let termination = match result {
        Ok(()) => Termination::Exited(0),
        Err(e) => classify(&e),
    };
    let fuel_used = fuel_budget.saturating_sub(store.get_fuel().unwrap_or(0));
    let limiter = &store.data().limiter;
    let stdout = stdout.contents().to_vec();
    let stdout_overflowed = stdout.len() > limits.output_limit_bytes;
    Ok(RunOutcome {
        termination,
        stdout_overflowed,
        stdout,
        stderr: stderr.contents().to_vec(),
        fuel_used,
        time_ms: fuel_used / program.fuel_per_ms(),
        wall,
        peak_memory_bytes: limiter.peak_memory as u64,
        memory_denied: limiter.memory_denied,
    })
}

fn classify(error: &wasmtime::Error) -> Termination {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return Termination::Exited(exit.0);
    }
    if error.downcast_ref::<OutputLimitExceeded>().is_some() {
        return Termination::OutputLimitExceeded;
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Termination::OutOfFuel,
        Some(Trap::Interrupt) => Termination::WallTimeout,
        Some(trap) => Termination::Trapped(trap.to_string()),
        None => Termination::Trapped(format!("{error:#}")),
    }
}
