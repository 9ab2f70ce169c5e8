//! CPython as a pre-initialized runtime.
//!
//! `sandbox/runtimes/install.sh` links a small driver (`sandbox/runtimes/python/driver.c`)
//! against CPython's static library. Here the driver is instantiated once, its
//! `joust_initialize` starts the interpreter and imports the modules solutions use most, and
//! the instance's memory and globals are written out as a new module whose `_start` runs a
//! submission: every run then begins with a warm interpreter instead of paying CPython's
//! start-up (tens of milliseconds) again. The snapshot is compiled and cached on disk like the
//! other runtimes, keyed by the driver's bytes and the installed standard library.
//!
//! What the snapshot holds is decided by the driver; how a run is set up is in `program` and
//! `run`.

use std::{
    path::Path,
    pin::pin,
    sync::Arc,
    task::{Context as TaskContext, Poll, Waker},
    time::{Duration, Instant},
};

use anyhow::Context;
use wasmtime::{Config, Engine, Instance, Module, OptLevel, Store, Val};
use wasmtime_wasi::{FsPerms, p2::pipe::MemoryOutputPipe};
use wasmtime_wizer::{InstanceState, SnapshotVal, ValType, Wizer};

use crate::{
    cache,
    guest::{GuestState, guest_linker},
    host_fuel::{HostMeter, MeteredInput, MeteredOutput},
    wasi::deterministic_wasi,
};

/// The driver module, relative to the Python runtime directory.
const DRIVER_FILE: &str = "python-driver.wasm";
/// Where the standard library is mounted in the guest (`PYTHONHOME` is its parent).
pub(crate) const STDLIB_GUEST_DIR: &str = "/usr/local/lib";
/// Bumped when the way a snapshot is made changes without the driver changing.
const SNAPSHOT_FORMAT: &str = "wasmtime-wizer-48/1";
/// The interpreter's start-up and imports need a few MiB; the cap only guards against a broken
/// installation that would grow without end.
const INIT_MEMORY_BYTES: usize = 256 << 20;
const INIT_STDERR_BYTES: usize = 64 << 10;
/// Native stack of the initialization's wasm frames (unoptimized frames are larger); the
/// thread it runs on has the sandbox's run stack, far more.
const INIT_WASM_STACK_BYTES: usize = 16 << 20;

/// The pre-initialized interpreter for `python_dir` (the runtime directory with the driver and
/// `lib/`), from the cache when possible, snapshotted and compiled otherwise.
pub(crate) fn load_snapshot(
    engine: &Engine,
    python_dir: &Path,
    cache_dir: &Path,
    run_stack_bytes: usize,
) -> anyhow::Result<Module> {
    let driver_path = python_dir.join(DRIVER_FILE);
    let driver = std::fs::read(&driver_path).with_context(|| {
        format!(
            "reading the Python runtime from {} (run `make runtimes`)",
            driver_path.display()
        )
    })?;
    let stdlib = python_dir.join("lib");
    let key = snapshot_key(&driver, &stdlib)?;
    cache::load_module_keyed(engine, cache_dir, "python-snapshot", &key, || {
        let started = Instant::now();
        // The interpreter runs on this thread's native stack, like a submission does.
        let snapshot = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("sandbox-python-snapshot".into())
                .stack_size(run_stack_bytes)
                .spawn_scoped(scope, || make_snapshot(&driver, &stdlib))?
                .join()
                .map_err(|_| anyhow::anyhow!("the Python snapshot thread panicked"))?
        })?;
        tracing::info!(
            bytes = snapshot.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "made the pre-initialized Python runtime"
        );
        Ok(snapshot)
    })
    .map(|(module, _)| module)
}

/// Changes with the driver, with the snapshot procedure, and with every reinstallation of the
/// standard library (whose top-level entries' sizes and times are hashed: cheap, and a new
/// install rewrites them all).
fn snapshot_key(driver: &[u8], stdlib: &Path) -> anyhow::Result<String> {
    let mut listing = String::new();
    let dir = stdlib.join("python3.11");
    let mut entries = std::fs::read_dir(&dir)
        .with_context(|| format!("listing {} (run `make runtimes`)", dir.display()))?
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let meta = entry.metadata()?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        listing.push_str(&format!(
            "{}\t{}\t{}\n",
            entry.file_name().to_string_lossy(),
            meta.len(),
            modified.as_nanos()
        ));
    }
    let driver_hash = cache::sha256_hex(driver);
    let key = cache::sha256_hex(format!("{SNAPSHOT_FORMAT}\n{driver_hash}\n{listing}").as_bytes());
    Ok(key[..16].to_owned())
}

/// Runs the driver's initialization in a deterministic guest and returns the snapshot.
///
/// The instrumented driver runs once, for a fraction of a second: it is compiled by an engine
/// of its own without Cranelift's optimizations, which takes a fraction of the time an
/// optimized compilation does (the snapshot itself is compiled, optimized, by the sandbox's
/// engine). The state it reaches does not depend on how its code was compiled.
fn make_snapshot(driver: &[u8], stdlib: &Path) -> anyhow::Result<Vec<u8>> {
    let mut wizer = Wizer::new();
    wizer
        .init_func("joust_initialize")
        .func_rename("_start", "joust_run");
    let (context, instrumented) = wizer.instrument(driver)?;
    let mut config = Config::new();
    config
        .cranelift_opt_level(OptLevel::None)
        .epoch_interruption(false)
        .consume_fuel(false)
        .max_wasm_stack(INIT_WASM_STACK_BYTES)
        .async_stack_size(INIT_WASM_STACK_BYTES + (1 << 20));
    let engine = Engine::new(&config)?;
    let linker = guest_linker(&engine)?;
    let module = Module::new(&engine, &instrumented)
        .map_err(anyhow::Error::from)
        .context("compiling the Python driver")?;

    let stdout = MemoryOutputPipe::new(INIT_STDERR_BYTES);
    let stderr = MemoryOutputPipe::new(INIT_STDERR_BYTES);
    let meter = Arc::new(HostMeter::default());
    let mut wasi = deterministic_wasi(
        MeteredInput::new(Vec::new(), meter.clone()),
        MeteredOutput::new(stdout.clone(), meter.clone()),
        MeteredOutput::new(stderr.clone(), meter.clone()),
        &meter,
    );
    // The same mount, at the same descriptor, as every run: the snapshot keeps wasi-libc's
    // table of preopened directories.
    wasi.preopened_dir(stdlib, STDLIB_GUEST_DIR, FsPerms::ReadOnly)?;
    let state = GuestState::new(
        wasi.build_p1(),
        INIT_MEMORY_BYTES,
        Some(stdout),
        meter,
        Instant::now() + Duration::from_secs(3600),
        None,
    );
    let mut store = Store::new(&engine, state);
    store.limiter(|state| &mut state.limiter);

    let instance = linker.instantiate(&mut store, &module)?;
    for name in ["_initialize", "joust_initialize"] {
        let init = instance.get_typed_func::<(), ()>(&mut store, name)?;
        init.call(&mut store, ())
            .map_err(anyhow::Error::from)
            .with_context(|| {
                format!(
                    "the Python driver's {name} failed: {}",
                    String::from_utf8_lossy(&stderr.contents())
                )
            })?;
    }
    let snapshot = block_on(wizer.snapshot(
        &context,
        &mut InitializedInstance {
            store: &mut store,
            instance,
        },
    ))?;
    Ok(snapshot)
}

/// The initialized instance, as the snapshot reads it.
struct InitializedInstance<'a> {
    store: &'a mut Store<GuestState>,
    instance: Instance,
}

impl InstanceState for InitializedInstance<'_> {
    async fn global_get(&mut self, name: &str, _: ValType) -> SnapshotVal {
        let global = self
            .instance
            .get_global(&mut *self.store, name)
            .expect("the instrumented module exports every global it names");
        match global.get(&mut *self.store) {
            Val::I32(x) => SnapshotVal::I32(x),
            Val::I64(x) => SnapshotVal::I64(x),
            Val::F32(x) => SnapshotVal::F32(x),
            Val::F64(x) => SnapshotVal::F64(x),
            Val::V128(x) => SnapshotVal::V128(x.as_u128()),
            other => panic!("a global of an unsupported type: {other:?}"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        let memory = self
            .instance
            .get_memory(&mut *self.store, name)
            .expect("the instrumented module exports every memory it names");
        contents(memory.data(&*self.store));
    }
}

/// Drives a future that never waits: the snapshot's only awaits are on the instance above,
/// whose futures are ready at once.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = TaskContext::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
