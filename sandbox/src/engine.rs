//! The process-wide sandbox: one `Engine` with fuel, epochs and the pooling allocator, the
//! precompiled language runtimes, and the thread that advances epochs.

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use joust_common::Language;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig, Store, Trap, UpdateDeadline,
};
use wasmtime_wasi::{
    FsPerms, I32Exit, WasiCtxBuilder,
    p1::{self, WasiP1Ctx},
    p2::{
        OutputStream,
        pipe::{MemoryInputPipe, MemoryOutputPipe},
    },
};

use crate::{
    cache,
    compile::{CCompiler, CompileError},
    limiter::RunLimiter,
    run::{RunLimits, RunOutcome, Termination},
};

/// How often the epoch advances; the wall-clock backstop is measured in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);
/// Native stack of the thread a guest runs on; the wasm stack limit stays well below it.
const RUN_THREAD_STACK_BYTES: usize = 32 << 20;
const MAX_WASM_STACK_BYTES: usize = 16 << 20;
/// Cap on stderr kept from a run (shown to nobody but logs and validators).
const STDERR_CAP_BYTES: usize = 64 << 10;

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where `sandbox/runtimes/install.sh` put the language runtimes.
    pub runtime_dir: PathBuf,
    /// Where precompiled runtimes and compiled submissions are cached.
    pub cache_dir: PathBuf,
    /// The C compiler targeting wasm32-wasi.
    pub clang: PathBuf,
    /// Fuel units that make one millisecond of the time limit.
    pub fuel_per_ms: u64,
    /// How many programs may run at once (sizes the instance pool).
    pub max_concurrent_runs: u32,
    /// The largest memory limit any run may ask for.
    pub max_memory_bytes: usize,
}

/// Per-store host state: the WASI context and the memory limiter.
pub(crate) struct GuestState {
    wasi: WasiP1Ctx,
    limiter: RunLimiter,
    /// A handle on the guest's stdout, so the epoch callback can stop a flood early.
    stdout: MemoryOutputPipe,
    /// When the wall-clock backstop fires.
    wall_deadline: Instant,
}

/// Raised from the epoch callback when stdout is full: the run stops right away instead of
/// burning its whole time limit writing into a closed pipe.
#[derive(Debug, thiserror::Error)]
#[error("output limit exceeded")]
struct OutputLimitExceeded;

/// A program ready to run many times.
#[derive(Clone)]
pub struct Program {
    kind: ProgramKind,
}

#[derive(Clone)]
enum ProgramKind {
    /// A module compiled from the submission (C).
    Native(InstancePre<GuestState>),
    /// Source run by the CPython runtime.
    Python(Arc<str>),
}

/// The sandbox. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    linker: Linker<GuestState>,
    python: InstancePre<GuestState>,
    python_lib: PathBuf,
    c_compiler: CCompiler,
    config: SandboxConfig,
    ticker_stop: Arc<AtomicBool>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

impl Sandbox {
    /// Builds the engine and loads every runtime, compiling it on first use of this engine
    /// configuration (slow, seconds) and loading the cached native artifact afterwards.
    pub fn new(config: SandboxConfig) -> anyhow::Result<Self> {
        let mut engine_config = Config::new();
        engine_config
            .consume_fuel(true)
            .epoch_interruption(true)
            .max_wasm_stack(MAX_WASM_STACK_BYTES)
            // Guests run synchronously, but the engine insists the async stack can hold a full
            // wasm stack.
            .async_stack_size(MAX_WASM_STACK_BYTES + (1 << 20));
        let slots = config.max_concurrent_runs.max(1) * 2 + 2;
        let mut pool = PoolingAllocationConfig::default();
        pool.total_core_instances(slots)
            .total_memories(slots)
            .total_tables(slots * 2)
            .total_stacks(slots)
            .max_tables_per_module(2)
            .table_elements(1 << 16)
            .max_core_instance_size(1 << 20)
            .max_memory_size(config.max_memory_bytes);
        engine_config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&engine_config)?;

        let mut linker: Linker<GuestState> = Linker::new(&engine);
        p1::add_to_linker_sync(&mut linker, |state: &mut GuestState| &mut state.wasi)?;

        let python_dir = config.runtime_dir.join("python-3.11");
        let python_wasm = std::fs::read(python_dir.join("python3.11.wasm")).with_context(|| {
            format!(
                "reading the Python runtime from {} (run `make runtimes`)",
                python_dir.display()
            )
        })?;
        let python_module =
            cache::load_module(&engine, &config.cache_dir, "python-3.11", &python_wasm)?;
        let python = linker.instantiate_pre(&python_module)?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        spawn_epoch_ticker(engine.clone(), ticker_stop.clone());

        let c_compiler = CCompiler {
            clang: config.clang.clone(),
            work_dir: config.cache_dir.join("c"),
            timeout_secs: 20,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                engine,
                linker,
                python,
                python_lib: python_dir.join("lib"),
                c_compiler,
                config,
                ticker_stop,
            }),
        })
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// Compiles (when the language needs it) and links a submission.
    pub fn prepare(&self, language: Language, source: &str) -> Result<Program, CompileError> {
        let kind = match language {
            Language::Python => ProgramKind::Python(Arc::from(source)),
            Language::C => {
                let wasm = self.inner.c_compiler.compile(source)?;
                let module = Module::new(&self.inner.engine, &wasm).map_err(|e| {
                    CompileError::Internal(format!("loading the compiled module: {e}"))
                })?;
                let pre = self.inner.linker.instantiate_pre(&module).map_err(|e| {
                    CompileError::Rejected(format!("the program cannot be linked: {e}"))
                })?;
                ProgramKind::Native(pre)
            }
        };
        Ok(Program { kind })
    }

    /// Runs `program` on `input`. Blocks the calling thread for the duration of the run; call
    /// it from a blocking context, never from an async task.
    pub fn run(
        &self,
        program: &Program,
        input: &[u8],
        limits: RunLimits,
    ) -> anyhow::Result<RunOutcome> {
        let inner = self.inner.clone();
        let program = program.clone();
        let input = input.to_vec();
        // Guests run on the calling thread's native stack: give them a thread with a stack
        // comfortably larger than the wasm stack limit.
        std::thread::Builder::new()
            .name("sandbox-run".into())
            .stack_size(RUN_THREAD_STACK_BYTES)
            .spawn(move || inner.run_on_this_thread(&program, input, limits))?
            .join()
            .map_err(|_| anyhow::anyhow!("the run thread panicked"))?
    }
}

impl Inner {
    fn run_on_this_thread(
        &self,
        program: &Program,
        input: Vec<u8>,
        limits: RunLimits,
    ) -> anyhow::Result<RunOutcome> {
        let stdout = MemoryOutputPipe::new(limits.output_limit_bytes + 1);
        let stderr = MemoryOutputPipe::new(STDERR_CAP_BYTES);
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdin(MemoryInputPipe::new(input))
            .stdout(stdout.clone())
            .stderr(stderr.clone());
        let pre = match &program.kind {
            ProgramKind::Native(pre) => {
                wasi.args(&["main"]);
                pre
            }
            ProgramKind::Python(source) => {
                wasi.args(&["python3", "-S", "-B", "-c", source])
                    .env("PYTHONHOME", "/usr/local")
                    .env("PYTHONHASHSEED", "0")
                    .preopened_dir(&self.python_lib, "/usr/local/lib", FsPerms::ReadOnly)?;
                &self.python
            }
        };
        let started = Instant::now();
        // The wall-clock backstop: generous, since fuel is the real limit.
        let backstop = Duration::from_millis(limits.time_limit_ms * 3 + 2_000);
        let state = GuestState {
            wasi: wasi.build_p1(),
            limiter: RunLimiter::new(limits.memory_limit_bytes),
            stdout: stdout.clone(),
            wall_deadline: started + backstop,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        let fuel_budget = limits.time_limit_ms.saturating_mul(self.config.fuel_per_ms);
        store.set_fuel(fuel_budget)?;
        // Every tick, look at the run from outside: a full stdout or an exhausted wall-clock
        // budget ends it.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|mut store| {
            let state = store.data_mut();
            if state.stdout.check_write().is_err() {
                return Err(wasmtime::Error::new(OutputLimitExceeded));
            }
            if Instant::now() >= state.wall_deadline {
                return Ok(UpdateDeadline::Interrupt);
            }
            Ok(UpdateDeadline::Continue(1))
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
            time_ms: fuel_used / self.config.fuel_per_ms.max(1),
            wall,
            peak_memory_bytes: limiter.peak_memory as u64,
            memory_denied: limiter.memory_denied,
        })
    }
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

fn spawn_epoch_ticker(engine: Engine, stop: Arc<AtomicBool>) {
    std::thread::Builder::new()
        .name("sandbox-epoch".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        })
        .expect("spawning the epoch ticker");
}
