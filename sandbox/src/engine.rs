//! The process-wide sandbox: one `Engine` with fuel, epochs and the pooling allocator, the
//! precompiled language runtimes, and the thread that advances epochs.

use std::{
    path::PathBuf,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use joust_common::Language;
use rand::{SeedableRng, rngs::StdRng};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, PoolingAllocationConfig,
    Store, Trap, UpdateDeadline,
};
use wasmtime_wasi::{
    FsPerms, HostMonotonicClock, HostWallClock, I32Exit, WasiCtxBuilder,
    p1::{self, WasiP1Ctx},
    p2::{
        OutputStream,
        pipe::{MemoryInputPipe, MemoryOutputPipe},
    },
};

use crate::{
    cache,
    compile::{CompileError, Compiler, CompilerPaths},
    jail::JailLimits,
    limiter::RunLimiter,
    prepared::{PREPARED_CAPACITY, PreparedCache},
    python,
    run::{RunLimits, RunOutcome, Termination},
};

/// How often the epoch advances; the wall-clock backstop is measured in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);
/// Native stack of the thread a guest runs on; the wasm stack limit stays well below it.
const RUN_THREAD_STACK_BYTES: usize = 96 << 20;
/// Native stack of wasm frames: interpreters recurse natively once per guest call, so a deep
/// JavaScript recursion needs far more than wasmtime's 512 KiB default.
const MAX_WASM_STACK_BYTES: usize = 64 << 20;
/// Cap on stderr kept from a run (shown to nobody but logs and validators).
const STDERR_CAP_BYTES: usize = 64 << 10;
/// QuickJS's own limit on its (linear-memory) stack: it throws a catchable `RangeError` before
/// the 8 MiB stack the runtime is linked with overflows.
const JS_STACK_LIMIT: &str = "7m";
/// What guests read from the wall clock: 2024-01-01T00:00:00Z, the same for every run.
const FIXED_WALL_CLOCK: Duration = Duration::from_secs(1_704_067_200);
/// Seed of the guests' random generators: `random_get` returns the same bytes on every run.
const RANDOM_SEED: u64 = 0x4a6f_7573_7400_0001;

/// Limits of every compiler run.
pub const COMPILE_LIMITS: JailLimits = JailLimits {
    cpu_secs: 15,
    wall_secs: 30,
    address_space_bytes: 4 << 30,
    // Object files carry zero-initialised arrays in full: `static int a[1 << 26]` is 256 MiB.
    file_bytes: 1 << 30,
};

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where `sandbox/runtimes/install.sh` put the language runtimes.
    pub runtime_dir: PathBuf,
    /// Where precompiled runtimes and compiled submissions are cached.
    pub cache_dir: PathBuf,
    /// clang-19 (C and C++, targeting wasm32-wasi).
    pub clang: PathBuf,
    /// Debian's rustc (it ships the wasm32-wasi standard library; rustup's usually does not).
    pub rustc: PathBuf,
    /// bubblewrap, the jail every compiler runs in.
    pub bwrap: PathBuf,
    /// Fuel units that make one millisecond of the time limit of a C program; other languages
    /// get this times their calibrated multiplier ([`crate::fuel_percent`]).
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

    pub(crate) fn limiter(&mut self) -> &mut RunLimiter {
        &mut self.limiter
    }
}

/// A WASI context in which nothing a guest can observe differs between runs: the clocks stand
/// still and the "random" bytes come from a fixed seed, so a verdict and its fuel count are
/// replayable.
pub(crate) fn deterministic_wasi(
    stdin: Vec<u8>,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
) -> WasiCtxBuilder {
    let mut wasi = WasiCtxBuilder::new();
    wasi.stdin(MemoryInputPipe::new(stdin))
        .stdout(stdout)
        .stderr(stderr)
        .wall_clock(FixedWallClock)
        .monotonic_clock(FixedMonotonicClock)
        .secure_random(StdRng::seed_from_u64(RANDOM_SEED))
        .insecure_random(StdRng::seed_from_u64(RANDOM_SEED ^ 1))
        .insecure_random_seed(u128::from(RANDOM_SEED));
    wasi
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

/// Raised from the epoch callback when stdout is full: the run stops right away instead of
/// burning its whole time limit writing into a closed pipe.
#[derive(Debug, thiserror::Error)]
#[error("output limit exceeded")]
struct OutputLimitExceeded;

/// A program ready to run many times.
#[derive(Clone)]
pub struct Program {
    kind: ProgramKind,
    /// Fuel units per millisecond of the time limit, for this program's language.
    fuel_per_ms: u64,
}

#[derive(Clone)]
enum ProgramKind {
    /// A module compiled from the submission (C, C++, Rust, Go).
    Native(InstancePre<GuestState>),
    /// Source run by the CPython runtime.
    Python(Arc<str>),
    /// Source run by the QuickJS runtime.
    JavaScript(Arc<str>),
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
    /// Loaded on first use, so a machine without it can still judge other languages.
    javascript: OnceLock<Result<InstancePre<GuestState>, String>>,
    /// One per compiled language, in `Language::ALL` order, prepared on first use.
    compilers: [OnceLock<Result<Option<Compiler>, String>>; Language::ALL.len()],
    compiler_paths: CompilerPaths,
    /// Submissions prepared recently, so a resubmission skips the caches on disk.
    prepared: PreparedCache,
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
    /// configuration (slow, seconds) and loading the cached native artifact afterwards. On
    /// first use the Python runtime is also snapshotted after its start-up (see `python`).
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

        let linker = guest_linker(&engine)?;

        let python_dir = config.runtime_dir.join("python-3.11");
        let python_module = python::load_snapshot(
            &engine,
            &python_dir,
            &config.cache_dir,
            RUN_THREAD_STACK_BYTES,
        )?;
        let python = linker.instantiate_pre(&python_module)?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        spawn_epoch_ticker(engine.clone(), ticker_stop.clone());

        let compiler_paths = CompilerPaths {
            bwrap: config.bwrap.clone(),
            clang: config.clang.clone(),
            rustc: config.rustc.clone(),
            cxx_include: config.runtime_dir.join("cxx/include"),
            go_root: config.runtime_dir.join("go/goroot"),
            go_importcfg: config.runtime_dir.join("go/importcfg"),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                engine,
                linker,
                python,
                python_lib: python_dir.join("lib"),
                javascript: OnceLock::new(),
                compilers: Default::default(),
                compiler_paths,
                prepared: PreparedCache::new(PREPARED_CAPACITY),
                config,
                ticker_stop,
            }),
        })
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// The compiler of `language` (`None` for interpreted languages), prepared on first use.
    pub(crate) fn compiler(&self, language: Language) -> Result<Option<&Compiler>, CompileError> {
        let index = Language::ALL
            .iter()
            .position(|l| *l == language)
            .expect("every language is in Language::ALL");
        let inner = &self.inner;
        inner.compilers[index]
            .get_or_init(|| {
                Compiler::for_language(
                    language,
                    &inner.compiler_paths,
                    &inner.config.cache_dir.join("compiled"),
                    COMPILE_LIMITS,
                )
                .map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map(Option::as_ref)
            .map_err(|e| CompileError::Internal(e.clone()))
    }

    /// The QuickJS runtime, loaded (and precompiled on first use of this engine) on demand.
    fn javascript(&self) -> Result<&InstancePre<GuestState>, CompileError> {
        let inner = &self.inner;
        inner
            .javascript
            .get_or_init(|| {
                let path = inner.config.runtime_dir.join("quickjs/qjs.wasm");
                let load = || -> anyhow::Result<InstancePre<GuestState>> {
                    let wasm = std::fs::read(&path).with_context(|| {
                        format!("reading {} (run `make runtimes`)", path.display())
                    })?;
                    let module =
                        cache::load_module(&inner.engine, &inner.config.cache_dir, "qjs", &wasm)?;
                    Ok(inner.linker.instantiate_pre(&module)?)
                };
                load().map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| CompileError::Internal(e.clone()))
    }

    /// Compiles (when the language needs it) and links a submission.
    pub fn prepare(&self, language: Language, source: &str) -> Result<Program, CompileError> {
        let kind = match language {
            Language::Python => ProgramKind::Python(Arc::from(source)),
            Language::JavaScript => {
                self.javascript()?;
                ProgramKind::JavaScript(Arc::from(source))
            }
            Language::C | Language::Cpp | Language::Rust | Language::Go => {
                let key = PreparedCache::key(language, source);
                let pre = match self.inner.prepared.get(&key) {
                    Some(pre) => pre,
                    None => {
                        let pre = self.compile_and_link(language, source)?;
                        self.inner.prepared.insert(key, pre.clone());
                        pre
                    }
                };
                ProgramKind::Native(pre)
            }
        };
        Ok(Program {
            kind,
            fuel_per_ms: crate::languages::fuel_per_ms(self.inner.config.fuel_per_ms, language),
        })
    }

    /// Compiles a submission (or finds it in the caches on disk) and links it.
    fn compile_and_link(
        &self,
        language: Language,
        source: &str,
    ) -> Result<InstancePre<GuestState>, CompileError> {
        let compiler = self
            .compiler(language)?
            .ok_or_else(|| CompileError::Internal(format!("{language} has no compiler")))?;
        let wasm = compiler.compile(source)?;
        // Cranelift's translation of a submission costs more than most runs (seconds for Go's
        // 2.6 MB modules), so the native code is cached like the wasm.
        let module = cache::load_module(
            &self.inner.engine,
            &self.inner.config.cache_dir.join("compiled/native"),
            language.as_str(),
            &wasm,
        )
        .map_err(|e| CompileError::Internal(format!("loading the compiled module: {e:#}")))?;
        self.inner
            .linker
            .instantiate_pre(&module)
            .map_err(|e| CompileError::Rejected(format!("the program cannot be linked: {e}")))
    }

    /// Runs `program` on `input`. Blocks the calling thread for the duration of the run; call
    /// it from a blocking context, never from an async task.
    pub fn run(
        &self,
        program: &Program,
        input: &[u8],
        limits: RunLimits,
    ) -> anyhow::Result<RunOutcome> {
        self.run_with_files(program, input, limits, None)
    }

    /// Runs a validator: `output` (the contestant's stdout) is its stdin, and `input` and
    /// `answer` are read-only files at [`VALIDATOR_INPUT`] and [`VALIDATOR_ANSWER`], also
    /// passed as its first two arguments. Nothing the contestant printed reaches the
    /// validator's arguments or files, so no output can pose as the answer.
    pub(crate) fn run_validator(
        &self,
        validator: &Program,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
        limits: RunLimits,
    ) -> anyhow::Result<RunOutcome> {
        let dir = JudgeFiles::create(input, answer)?;
        self.run_with_files(validator, output, limits, Some(dir.path.clone()))
    }

    fn run_with_files(
        &self,
        program: &Program,
        input: &[u8],
        limits: RunLimits,
        judge_dir: Option<PathBuf>,
    ) -> anyhow::Result<RunOutcome> {
        let inner = self.inner.clone();
        let program = program.clone();
        let input = input.to_vec();
        // Guests run on the calling thread's native stack: give them a thread with a stack
        // comfortably larger than the wasm stack limit.
        std::thread::Builder::new()
            .name("sandbox-run".into())
            .stack_size(RUN_THREAD_STACK_BYTES)
            .spawn(move || inner.run_on_this_thread(&program, input, limits, judge_dir))?
            .join()
            .map_err(|_| anyhow::anyhow!("the run thread panicked"))?
    }
}

/// Where a validator finds the judge's files inside the sandbox.
pub const VALIDATOR_DIR: &str = "/judge";
/// The test input, as a validator sees it.
pub const VALIDATOR_INPUT: &str = "/judge/input";
/// The expected answer, as a validator sees it.
pub const VALIDATOR_ANSWER: &str = "/judge/answer";

/// A private host directory holding one test's input and answer for a validator run, removed
/// when dropped.
struct JudgeFiles {
    path: PathBuf,
}

impl JudgeFiles {
    fn create(input: &[u8], answer: &[u8]) -> anyhow::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "joust-judge-{}-{}-{:x}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        // `create_dir` fails on an existing path, so nothing planted in advance is reused.
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        let files = Self { path };
        std::fs::write(files.path.join("input"), input)?;
        std::fs::write(files.path.join("answer"), answer)?;
        Ok(files)
    }
}

impl Drop for JudgeFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl Inner {
    fn run_on_this_thread(
        &self,
        program: &Program,
        input: Vec<u8>,
        limits: RunLimits,
        judge_dir: Option<PathBuf>,
    ) -> anyhow::Result<RunOutcome> {
        // A validator gets the judge's files as its first arguments, after the runtime's own.
        let judge_args: &[&str] = if judge_dir.is_some() {
            &[VALIDATOR_INPUT, VALIDATOR_ANSWER]
        } else {
            &[]
        };
        let stdout = MemoryOutputPipe::new(limits.output_limit_bytes + 1);
        let stderr = MemoryOutputPipe::new(STDERR_CAP_BYTES);
        let mut wasi = deterministic_wasi(input, stdout.clone(), stderr.clone());
        let pre = match &program.kind {
            ProgramKind::Native(pre) => {
                wasi.args(&["main"]).args(judge_args);
                pre
            }
            ProgramKind::Python(source) => {
                // The interpreter was configured when the snapshot was made (no site, no
                // bytecode writing, hash seed 0, PYTHONHOME=/usr/local); the options are
                // repeated for the record. The standard library must be the first preopened
                // directory, where the snapshot expects it.
                wasi.args(&["python3", "-S", "-B", "-c", source])
                    .args(judge_args)
                    .preopened_dir(
                        &self.python_lib,
                        python::STDLIB_GUEST_DIR,
                        FsPerms::ReadOnly,
                    )?;
                &self.python
            }
            ProgramKind::JavaScript(source) => {
                wasi.args(&["qjs", "--std", "--stack-size", JS_STACK_LIMIT, "-e", source])
                    .args(judge_args);
                match self.javascript.get() {
                    Some(Ok(pre)) => pre,
                    _ => anyhow::bail!("the JavaScript runtime is not loaded"),
                }
            }
        };
        if let Some(dir) = &judge_dir {
            wasi.preopened_dir(dir, VALIDATOR_DIR, FsPerms::ReadOnly)?;
        }
        let started = Instant::now();
        // The wall-clock backstop: generous, since fuel is the real limit. A language whose
        // fuel rate was raised to match its native speed runs that much longer on the wall.
        let scale = program
            .fuel_per_ms
            .div_ceil(self.config.fuel_per_ms.max(1))
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
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        let fuel_budget = limits.time_limit_ms.saturating_mul(program.fuel_per_ms);
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
            time_ms: fuel_used / program.fuel_per_ms,
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

/// Replaces WASI's `poll_oneoff` (what `sleep`, `nanosleep` and `poll` become) with one that
/// reports every subscription ready at once.
///
/// The stock implementation waits in real time inside the host call, where neither fuel nor
/// epochs can stop it: `sleep(1000000)` would hold a worker for days. With a clock that stands
/// still, a sleep that returns immediately is also the consistent answer; stdin is an in-memory
/// pipe and stdout never blocks, so descriptor subscriptions are ready too.
fn define_instant_poll_oneoff(linker: &mut Linker<GuestState>) -> anyhow::Result<()> {
    const SUBSCRIPTION_BYTES: usize = 48;
    const EVENT_BYTES: usize = 32;
    const ERRNO_SUCCESS: i32 = 0;
    const ERRNO_FAULT: i32 = 21;
    const ERRNO_INVAL: i32 = 28;
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "poll_oneoff",
        |mut caller: wasmtime::Caller<'_, GuestState>,
         subscriptions: i32,
         events: i32,
         count: i32,
         count_out: i32|
         -> wasmtime::Result<i32> {
            let Some(wasmtime::Extern::Memory(memory)) = caller.get_export("memory") else {
                return Ok(ERRNO_FAULT);
            };
            let memory = memory.data_mut(&mut caller);
            let (subscriptions, events, count, count_out) = (
                subscriptions as u32 as usize,
                events as u32 as usize,
                count as u32 as usize,
                count_out as u32 as usize,
            );
            if count == 0 {
                return Ok(ERRNO_INVAL);
            }
            let fits = |start: usize, len: usize| {
                start
                    .checked_add(len)
                    .is_some_and(|end| end <= memory.len())
            };
            if !fits(subscriptions, count * SUBSCRIPTION_BYTES)
                || !fits(events, count * EVENT_BYTES)
                || !fits(count_out, 4)
            {
                return Ok(ERRNO_FAULT);
            }
            for i in 0..count {
                let sub = subscriptions + i * SUBSCRIPTION_BYTES;
                let mut userdata = [0u8; 8];
                userdata.copy_from_slice(&memory[sub..sub + 8]);
                let tag = memory[sub + 8];
                let event = events + i * EVENT_BYTES;
                let out = &mut memory[event..event + EVENT_BYTES];
                out.fill(0);
                // userdata, then errno 0, then the event type (same numbering as the tag).
                out[..8].copy_from_slice(&userdata);
                out[10] = tag;
            }
            memory[count_out..count_out + 4].copy_from_slice(&(count as u32).to_le_bytes());
            Ok(ERRNO_SUCCESS)
        },
    )?;
    Ok(())
}

/// A wall clock that always reads [`FIXED_WALL_CLOCK`].
struct FixedWallClock;

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        FIXED_WALL_CLOCK
    }
}

/// Where the monotonic clock stands: not zero, because Go's runtime refuses to start on a
/// clock that reads zero ("nanotime returning zero").
const FIXED_MONOTONIC_NANOS: u64 = 1_000_000_000;

/// A monotonic clock that never advances: guests that time themselves see no time pass, and
/// fuel is what stops them.
struct FixedMonotonicClock;

impl HostMonotonicClock for FixedMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        FIXED_MONOTONIC_NANOS
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
