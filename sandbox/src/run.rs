//! One run of a program on one input: its limits, the run itself in a fresh `Store` on a
//! thread of its own (fuel budget, wall-clock backstop, memory limiter, capped pipes), and how
//! it ended.
//!
//! What the guest can observe is in `wasi` and `guest`; how a program is started is in
//! `program`; what a run's outcome means for a verdict is in `judging`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use wasmtime::{Engine, Store, Trap};
use wasmtime_wasi::{I32Exit, p2::pipe::MemoryOutputPipe};

use crate::{
    engine::RUN_THREAD_STACK_BYTES,
    guest::{FeedbackLimitExceeded, GuestState, OutputLimitExceeded},
    host_fuel::{HostMeter, MeteredInput, MeteredOutput},
    judge_files::FEEDBACK_LIMIT_BYTES,
    pipe::{Interrupt, Pipe},
    program::{Program, ValidatorMounts},
    stop::Stop,
    wasi::deterministic_wasi,
};

/// The message of a run that hit its memory limit.
pub const OUT_OF_MEMORY: &str = "out of memory";

/// Cap on stderr kept from a run (shown to nobody but logs and validators).
const STDERR_CAP_BYTES: usize = 64 << 10;

/// Where a run's stdin comes from and where its stdout goes.
#[derive(Clone)]
pub(crate) enum Stdio {
    /// The given input; the output kept in memory up to the run's output limit.
    Memory(Vec<u8>),
    /// An interactive run's pipes: stdin is read from `stdin`, stdout written into `stdout`.
    Pipes { stdin: Pipe, stdout: Pipe },
}

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

/// Runs `program` with `stdio` on a thread of its own and waits for it. `base_fuel_per_ms` is
/// C's rate, against which a faster-burning language's wall-clock backstop is stretched;
/// `validator` is set for validators. The run is interrupted (as a wall-clock timeout) at
/// `stop`'s deadline or when it is cancelled.
pub(crate) fn run_on_own_thread(
    engine: &Engine,
    base_fuel_per_ms: u64,
    program: &Program,
    stdio: Stdio,
    limits: RunLimits,
    validator: Option<&ValidatorMounts>,
    stop: &Stop,
) -> anyhow::Result<RunOutcome> {
    spawn_run(
        engine,
        base_fuel_per_ms,
        program,
        stdio,
        limits,
        validator,
        stop,
        || {},
    )?
    .join()
    .map_err(|_| anyhow::anyhow!("the run thread panicked"))?
}

/// [`run_on_own_thread`] without waiting: the run's thread calls `on_done` as soon as the run
/// has ended (an interactive run closes its pipes there), then returns the outcome.
#[allow(clippy::too_many_arguments)]
pub(crate) fn spawn_run(
    engine: &Engine,
    base_fuel_per_ms: u64,
    program: &Program,
    stdio: Stdio,
    limits: RunLimits,
    validator: Option<&ValidatorMounts>,
    stop: &Stop,
    on_done: impl FnOnce() + Send + 'static,
) -> anyhow::Result<std::thread::JoinHandle<anyhow::Result<RunOutcome>>> {
    let engine = engine.clone();
    let stop = stop.clone();
    let program = program.clone();
    let validator = validator.cloned();
    // Guests run on the calling thread's native stack: give them a thread with a stack
    // comfortably larger than the wasm stack limit.
    Ok(std::thread::Builder::new()
        .name("sandbox-run".into())
        .stack_size(RUN_THREAD_STACK_BYTES)
        .spawn(move || {
            let outcome = run_in_fresh_store(
                &engine,
                base_fuel_per_ms,
                &program,
                stdio,
                limits,
                validator.as_ref(),
                &stop,
            );
            on_done();
            outcome
        })?)
}

fn run_in_fresh_store(
    engine: &Engine,
    base_fuel_per_ms: u64,
    program: &Program,
    stdio: Stdio,
    limits: RunLimits,
    validator: Option<&ValidatorMounts>,
    stop: &Stop,
) -> anyhow::Result<RunOutcome> {
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
    let wall_deadline = (started + backstop).min(stop.deadline().unwrap_or(started + backstop));
    let stdout = MemoryOutputPipe::new(limits.output_limit_bytes + 1);
    let stderr = MemoryOutputPipe::new(STDERR_CAP_BYTES);
    let meter = Arc::new(HostMeter::default());
    let (mut wasi, captured) = match stdio {
        Stdio::Memory(input) => (
            deterministic_wasi(
                MeteredInput::new(input, meter.clone()),
                MeteredOutput::new(stdout.clone(), meter.clone()),
                MeteredOutput::new(stderr.clone(), meter.clone()),
                &meter,
            ),
            Some(stdout.clone()),
        ),
        Stdio::Pipes {
            stdin,
            stdout: to_other,
        } => {
            let interrupt = Interrupt {
                stop: stop.clone(),
                deadline: wall_deadline,
            };
            let wasi = deterministic_wasi(
                stdin.reader(meter.clone(), interrupt.clone()),
                to_other.writer(meter.clone(), interrupt),
                MeteredOutput::new(stderr.clone(), meter.clone()),
                &meter,
            );
            (wasi, None)
        }
    };
    let pre = program.start(&mut wasi, validator)?;
    let state = GuestState::new(
        wasi.build_p1(),
        limits.memory_limit_bytes,
        captured,
        meter,
        wall_deadline,
        validator.map(|v| v.feedback_dir.clone()),
    );
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    let fuel_budget = limits.time_limit_ms.saturating_mul(program.fuel_per_ms());
    store.set_fuel(fuel_budget)?;
    // Every tick, look at the run from outside (and whether its request was given up).
    store.set_epoch_deadline(1);
    let stop = stop.clone();
    store.epoch_deadline_callback(move |mut store| {
        if stop.is_cancelled() {
            return Ok(wasmtime::UpdateDeadline::Interrupt);
        }
        let fuel_left = store.get_fuel()?;
        store.data_mut().on_epoch(fuel_left)
    });

    let result = pre.instantiate(&mut store).and_then(|instance| {
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
        start.call(&mut store, ())
    });
    let wall = started.elapsed();

    let termination = match result {
        Ok(()) => Termination::Exited(0),
        Err(e) => classify(&e),
    };
    // Fuel counts the wasm instructions run plus the host's work for the guest (`host_fuel`):
    // a run whose sum passes the budget ran out of fuel, however it ended.
    let fuel_used = fuel_budget
        .saturating_sub(store.get_fuel().unwrap_or(0))
        .saturating_add(store.data().host_fuel());
    let termination = match termination {
        Termination::Exited(_) | Termination::Trapped(_) if fuel_used > fuel_budget => {
            Termination::OutOfFuel
        }
        other => other,
    };
    let fuel_used = fuel_used.min(fuel_budget);
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
    if error.downcast_ref::<FeedbackLimitExceeded>().is_some() {
        return Termination::Trapped(format!(
            "wrote more than {FEEDBACK_LIMIT_BYTES} bytes into its feedback directory"
        ));
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Termination::OutOfFuel,
        Some(Trap::Interrupt) => Termination::WallTimeout,
        Some(trap) => Termination::Trapped(trap_name(*trap)),
        None => Termination::Trapped(format!("{error:#}")),
    }
}

/// What a trap means for the person reading the verdict: `stack overflow` rather than
/// wasmtime's "call stack exhausted", `abort` for `unreachable` (what `abort()`, a failed
/// `assert`, a Rust panic and a C++ `bad_alloc` become).
fn trap_name(trap: Trap) -> String {
    match trap {
        Trap::StackOverflow => "stack overflow".to_owned(),
        Trap::UnreachableCodeReached => {
            "abort (a failed assertion, a panic or an uncaught error)".to_owned()
        }
        Trap::MemoryOutOfBounds => "out of bounds memory access".to_owned(),
        Trap::IntegerDivisionByZero => "integer divide by zero".to_owned(),
        Trap::IntegerOverflow => "integer overflow".to_owned(),
        Trap::BadConversionToInteger => "invalid conversion to integer".to_owned(),
        Trap::IndirectCallToNull | Trap::BadSignature | Trap::TableOutOfBounds => {
            "bad indirect call".to_owned()
        }
        other => other.to_string(),
    }
}
