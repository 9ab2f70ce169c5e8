//! What a [`crate::Sandbox`] is built from: where the runtimes and compilers are, the fuel
//! rate and how many programs run at once.
//!
//! How the configuration shapes the engine is in `engine`; nothing here touches wasmtime.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// `JOUST_RUNTIME_DIR`: where `sandbox/runtimes/install.sh` put the language runtimes.
    pub runtime_dir: PathBuf,
    /// `JOUST_SANDBOX_CACHE_DIR`: where precompiled runtimes and compiled submissions are
    /// cached.
    pub cache_dir: PathBuf,
    /// `JOUST_CLANG`: clang-19 (C and C++, targeting wasm32-wasi).
    pub clang: PathBuf,
    /// `JOUST_RUSTC`: Debian's rustc (it ships the wasm32-wasi standard library; rustup's
    /// usually does not).
    pub rustc: PathBuf,
    /// `JOUST_BWRAP`: bubblewrap, the jail every compiler runs in.
    pub bwrap: PathBuf,
    /// `JOUST_FUEL_PER_MS`: fuel units that make one millisecond of the time limit of a C
    /// program; other languages get this times their calibrated multiplier
    /// ([`crate::fuel_percent`]).
    pub fuel_per_ms: u64,
    /// `JOUST_EXECUTOR_MAX_CONCURRENT`: how many programs may run at once (sizes the instance
    /// pool). Defaults to the number of cores: runs are CPU-bound.
    pub max_concurrent_runs: u32,
    /// The largest memory limit any run may ask for: the largest a request may carry.
    pub max_memory_bytes: usize,
}
