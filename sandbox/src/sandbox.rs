//! The [`Sandbox`] itself: one per process, owning the engine, the linked language runtimes,
//! the compilers and the caches of prepared submissions. It turns a submission into a
//! [`Program`] and hands programs to `run`.
//!
//! Judging a whole request is in `judging`, the language catalogue in `languages`; the engine's
//! configuration is in `engine` and the run itself in `run`.

use std::{
    path::Path,
    sync::{Arc, OnceLock},
};

use anyhow::Context;
use joust_common::Language;
use wasmtime::{Engine, InstancePre, Linker};

use crate::{
    cache,
    compile::{COMPILE_LIMITS, CompileError, Compiler, CompilerPaths},
    config::SandboxConfig,
    engine::{EpochTicker, RUN_THREAD_STACK_BYTES, new_engine},
    fuel::fuel_per_ms,
    guest::{GuestState, guest_linker},
    judge_files::JudgeFiles,
    prepared::{PREPARED_CAPACITY, PreparedCache},
    program::Program,
    python,
    run::{RunLimits, RunOutcome, run_on_own_thread},
};

/// The sandbox. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    linker: Linker<GuestState>,
    python: InstancePre<GuestState>,
    /// The Python standard library on the host, mounted into every Python run.
    python_lib: Arc<Path>,
    /// Loaded on first use, so a machine without it can still judge other languages.
    javascript: OnceLock<Result<InstancePre<GuestState>, String>>,
    /// One per compiled language, in `Language::ALL` order, prepared on first use.
    compilers: [OnceLock<Result<Option<Compiler>, String>>; Language::ALL.len()],
    compiler_paths: CompilerPaths,
    /// Submissions prepared recently, so a resubmission skips the caches on disk.
    prepared: PreparedCache,
    config: SandboxConfig,
    /// Stops advancing epochs when the sandbox goes away.
    _ticker: EpochTicker,
}

impl Sandbox {
    /// Builds the engine and loads every runtime, compiling it on first use of this engine
    /// configuration (slow, seconds) and loading the cached native artifact afterwards. On
    /// first use the Python runtime is also snapshotted after its start-up (see `python`).
    pub fn new(config: SandboxConfig) -> anyhow::Result<Self> {
        let engine = new_engine(&config)?;
        let linker = guest_linker(&engine)?;

        let python_dir = config.runtime_dir.join("python-3.11");
        let python_module = python::load_snapshot(
            &engine,
            &python_dir,
            &config.cache_dir,
            RUN_THREAD_STACK_BYTES,
        )?;
        let python = linker.instantiate_pre(&python_module)?;

        let ticker = EpochTicker::start(engine.clone());

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
                python_lib: Arc::from(python_dir.join("lib")),
                javascript: OnceLock::new(),
                compilers: Default::default(),
                compiler_paths,
                prepared: PreparedCache::new(PREPARED_CAPACITY),
                config,
                _ticker: ticker,
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
        let fuel_per_ms = fuel_per_ms(self.inner.config.fuel_per_ms, language);
        Ok(match language {
            Language::Python => Program::python(
                self.inner.python.clone(),
                self.inner.python_lib.clone(),
                source,
                fuel_per_ms,
            ),
            Language::JavaScript => {
                Program::javascript(self.javascript()?.clone(), source, fuel_per_ms)
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
                Program::native(pre, fuel_per_ms)
            }
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
        let inner = &self.inner;
        run_on_own_thread(
            &inner.engine,
            inner.config.fuel_per_ms,
            program,
            input,
            limits,
            None,
        )
    }

    /// Runs a validator: `output` (the contestant's stdout) is its stdin, and `input` and
    /// `answer` are read-only files at [`crate::VALIDATOR_INPUT`] and
    /// [`crate::VALIDATOR_ANSWER`], also passed as its first two arguments. Nothing the
    /// contestant printed reaches the validator's arguments or files, so no output can pose as
    /// the answer.
    pub(crate) fn run_validator(
        &self,
        validator: &Program,
        input: &[u8],
        answer: &[u8],
        output: &[u8],
        limits: RunLimits,
    ) -> anyhow::Result<RunOutcome> {
        let files = JudgeFiles::create(input, answer)?;
        let inner = &self.inner;
        let dir = Some(files.path());
        run_on_own_thread(
            &inner.engine,
            inner.config.fuel_per_ms,
            validator,
            output,
            limits,
            dir,
        )
    }
}
