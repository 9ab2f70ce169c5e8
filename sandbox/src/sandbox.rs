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
use joust_common::{Language, execution::Validator};
use wasmtime::{Engine, InstancePre, Linker};

use crate::{
    cache::{self, DiskCache},
    cache_stats::SandboxCacheStats,
    compile::{CompileError, Compiler, CompilerPaths},
    config::SandboxConfig,
    engine::{EpochTicker, RUN_THREAD_STACK_BYTES, new_engine},
    fuel::fuel_per_ms,
    guest::{GuestState, guest_linker},
    judge_files::JudgeFiles,
    prepared::{PreparedCache, module_bytes},
    program::{Program, ValidatorMounts},
    python,
    run::{RunLimits, RunOutcome, Stdio, run_on_own_thread},
    stop::Stop,
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
    /// The validator compilers (C and C++), in `Language::ALL` order, prepared on first use.
    validator_compilers: [OnceLock<Result<Option<Compiler>, String>>; Language::ALL.len()],
    compiler_paths: CompilerPaths,
    /// Submissions prepared recently, so a resubmission skips the caches on disk.
    prepared: PreparedCache,
    /// The native code of compiled submissions, bounded by bytes.
    native: DiskCache,
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
                validator_compilers: Default::default(),
                compiler_paths,
                prepared: PreparedCache::new(config.memory_cache_bytes),
                native: DiskCache::new(
                    config.cache_dir.join("compiled/native"),
                    config.disk_cache_bytes,
                ),
                config,
                _ticker: ticker,
            }),
        })
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The size, bound and evictions of this sandbox's caches of submissions.
    pub fn cache_stats(&self) -> SandboxCacheStats {
        SandboxCacheStats {
            disk: self.inner.native.stats(),
            memory: self.inner.prepared.stats(),
        }
    }

    /// The compiler of `language` (`None` for interpreted languages), prepared on first use.
    pub(crate) fn compiler(&self, language: Language) -> Result<Option<&Compiler>, CompileError> {
        self.compiler_in(&self.inner.compilers, language, Compiler::for_language)
    }

    /// The compiler of `language`'s validators (`None` where validators are prepared like
    /// submissions), prepared on first use.
    pub(crate) fn validator_compiler(
        &self,
        language: Language,
    ) -> Result<Option<&Compiler>, CompileError> {
        self.compiler_in(
            &self.inner.validator_compilers,
            language,
            Compiler::for_validator,
        )
    }

    fn compiler_in<'a>(
        &'a self,
        slots: &'a [OnceLock<Result<Option<Compiler>, String>>; Language::ALL.len()],
        language: Language,
        make: fn(
            Language,
            &CompilerPaths,
            &Path,
            crate::jail::JailLimits,
            u64,
        ) -> anyhow::Result<Option<Compiler>>,
    ) -> Result<Option<&'a Compiler>, CompileError> {
        let index = Language::ALL
            .iter()
            .position(|l| *l == language)
            .expect("every language is in Language::ALL");
        let inner = &self.inner;
        slots[index]
            .get_or_init(|| {
                make(
                    language,
                    &inner.compiler_paths,
                    &inner.config.cache_dir.join("compiled"),
                    inner.config.compile_limits,
                    inner.config.disk_cache_bytes,
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
        self.prepare_until(language, source, &Stop::never())
    }

    /// [`Sandbox::prepare`], giving up (and killing the compiler) when `stop` says so.
    pub fn prepare_until(
        &self,
        language: Language,
        source: &str,
        stop: &Stop,
    ) -> Result<Program, CompileError> {
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
                        let pre = self.compile_and_link(language, source, stop)?;
                        let bytes = module_bytes(pre.module());
                        self.inner.prepared.insert(key, pre.clone(), bytes);
                        pre
                    }
                };
                Program::native(pre, fuel_per_ms)
            }
        })
    }

    /// Prepares a problem's output validator: C and C++ with their other files by the
    /// validator compilers (cached in memory by the content of every file, and on disk like
    /// submissions), other languages like a submission.
    pub(crate) fn prepare_validator(
        &self,
        validator: &Validator,
        stop: &Stop,
    ) -> Result<Program, CompileError> {
        let language = validator.language;
        if self.validator_compiler(language)?.is_none() {
            return self.prepare_until(language, &validator.source, stop);
        }
        let mut identity = format!("validator\0{}", validator.source);
        for file in &validator.files {
            identity.push_str(&format!(
                "\0{}\0{}\0{}",
                file.path,
                file.content.len(),
                file.content
            ));
        }
        let key = PreparedCache::key(language, &identity);
        let pre = match self.inner.prepared.get(&key) {
            Some(pre) => pre,
            None => {
                let compiler = self.validator_compiler(language)?.ok_or_else(|| {
                    CompileError::Internal(format!("{language} has no validator compiler"))
                })?;
                let wasm = compiler.compile_files(&validator.source, &validator.files, stop)?;
                let pre = self.link(language, &wasm)?;
                self.inner
                    .prepared
                    .insert(key, pre.clone(), module_bytes(pre.module()));
                pre
            }
        };
        Ok(Program::native(
            pre,
            fuel_per_ms(self.inner.config.fuel_per_ms, language),
        ))
    }

    /// Compiles a submission (or finds it in the caches on disk) and links it.
    fn compile_and_link(
        &self,
        language: Language,
        source: &str,
        stop: &Stop,
    ) -> Result<InstancePre<GuestState>, CompileError> {
        let compiler = self
            .compiler(language)?
            .ok_or_else(|| CompileError::Internal(format!("{language} has no compiler")))?;
        let wasm = compiler.compile(source, stop)?;
        self.link(language, &wasm)
    }

    /// Loads compiled wasm (its native code cached on disk) and links it.
    fn link(
        &self,
        language: Language,
        wasm: &[u8],
    ) -> Result<InstancePre<GuestState>, CompileError> {
        // Cranelift's translation of a submission costs more than most runs (seconds for Go's
        // 2.6 MB modules), so the native code is cached like the wasm.
        let module = self
            .inner
            .native
            .load_module(&self.inner.engine, language.as_str(), wasm)
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
        self.run_until(program, input, limits, &Stop::never())
    }

    /// [`Sandbox::run`], interrupted at `stop`'s deadline or when it is cancelled.
    pub fn run_until(
        &self,
        program: &Program,
        input: &[u8],
        limits: RunLimits,
        stop: &Stop,
    ) -> anyhow::Result<RunOutcome> {
        let inner = &self.inner;
        run_on_own_thread(
            &inner.engine,
            inner.config.fuel_per_ms,
            program,
            Stdio::Memory(input.to_vec()),
            limits,
            None,
            stop,
        )
    }

    /// Runs a validator: `output` (the contestant's stdout) is its stdin, `files` holds the
    /// input and answer (read-only, also its first two arguments) and its feedback directory
    /// (writable, the third), then come `flags`. Nothing the contestant printed reaches the
    /// validator's arguments or files, so no output can pose as the answer.
    pub(crate) fn run_validator(
        &self,
        validator: &Program,
        files: &JudgeFiles,
        flags: Arc<[String]>,
        output: &[u8],
        limits: RunLimits,
        stop: &Stop,
    ) -> anyhow::Result<RunOutcome> {
        let inner = &self.inner;
        let mounts = ValidatorMounts {
            judge_dir: files.judge_dir(),
            feedback_dir: files.feedback_dir(),
            flags,
        };
        run_on_own_thread(
            &inner.engine,
            inner.config.fuel_per_ms,
            validator,
            Stdio::Memory(output.to_vec()),
            limits,
            Some(&mounts),
            stop,
        )
    }
}
