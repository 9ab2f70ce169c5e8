//! What a [`crate::Sandbox`] is built from: where the runtimes and compilers are, the fuel
//! rate and how many programs run at once, with defaults that work on a developer machine and
//! the `JOUST_*` environment variables that override them (listed in `docs/configuration.md`).
//!
//! How the configuration shapes the engine is in `engine`; nothing here touches wasmtime.

use std::path::PathBuf;

use joust_common::{
    execution::MAX_MEMORY_LIMIT_MB,
    settings::{SettingError, env_or, env_string},
};

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

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            runtime_dir: ".cache/runtimes".into(),
            cache_dir: ".cache/sandbox".into(),
            clang: "clang-19".into(),
            rustc: "/usr/bin/rustc".into(),
            bwrap: "bwrap".into(),
            fuel_per_ms: 1_000_000,
            max_concurrent_runs: std::thread::available_parallelism().map_or(2, |n| n.get() as u32),
            max_memory_bytes: (MAX_MEMORY_LIMIT_MB as usize) << 20,
        }
    }
}

impl SandboxConfig {
    /// The defaults, overridden by whichever `JOUST_*` variables are set.
    pub fn from_env() -> Result<Self, SettingError> {
        let default = Self::default();
        let path = |name: &str, default: PathBuf| {
            PathBuf::from(env_string(name, &default.display().to_string()))
        };
        Ok(Self {
            runtime_dir: path("JOUST_RUNTIME_DIR", default.runtime_dir),
            cache_dir: path("JOUST_SANDBOX_CACHE_DIR", default.cache_dir),
            clang: path("JOUST_CLANG", default.clang),
            rustc: path("JOUST_RUSTC", default.rustc),
            bwrap: path("JOUST_BWRAP", default.bwrap),
            fuel_per_ms: env_or("JOUST_FUEL_PER_MS", default.fuel_per_ms)?,
            max_concurrent_runs: env_or(
                "JOUST_EXECUTOR_MAX_CONCURRENT",
                default.max_concurrent_runs,
            )?,
            ..default
        })
    }
}
