//! The process-wide wasmtime `Engine`: fuel, epochs, stack sizes and the pooling allocator
//! sized from the [`SandboxConfig`], and the thread that advances epochs.
//!
//! What a guest sees (WASI, host functions) is in `wasi` and `guest`; one run's `Store` is set
//! up in `run`.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::config::SandboxConfig;

/// How often the epoch advances; the wall-clock backstop is measured in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);
/// Native stack of the thread a guest runs on; the wasm stack limit stays well below it.
pub(crate) const RUN_THREAD_STACK_BYTES: usize = 96 << 20;
/// Native stack of wasm frames: interpreters recurse natively once per guest call, so a deep
/// JavaScript recursion needs far more than wasmtime's 512 KiB default.
const MAX_WASM_STACK_BYTES: usize = 64 << 20;

/// The engine every run shares: fuel metering, epoch interruption, and an instance pool with
/// room for `max_concurrent_runs` guests (plus the validators that judge them).
pub(crate) fn new_engine(config: &SandboxConfig) -> anyhow::Result<Engine> {
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
    Ok(Engine::new(&engine_config)?)
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
}

impl EpochTicker {
    pub(crate) fn start(engine: Engine) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("sandbox-epoch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch ticker");
        Self { stop }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
