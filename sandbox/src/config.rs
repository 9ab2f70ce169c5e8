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

use crate::jail::JailLimits;

/// Default limits of every compiler run (`SandboxConfig::compile_limits` overrides them).
pub const COMPILE_LIMITS: JailLimits = JailLimits {
    cpu_secs: 15,
    // Below the executor's request deadline (30 s by default), so a compile bomb ends as CE.
    wall_secs: 20,
    address_space_bytes: 4 << 30,
    // Object files carry zero-initialised arrays in full: `static int a[1 << 26]` is 256 MiB.
    file_bytes: 1 << 30,
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
    /// The largest memory limit any run may ask for: the largest a request may carry (the
    /// executor sets it from its `JOUST_EXECUTOR_MAX_MEMORY_MB`), and what the engine reserves
    /// per instance slot.
    pub max_memory_bytes: usize,
    /// `JOUST_SANDBOX_DISK_CACHE_BYTES`: bound of each on-disk cache of submissions under the
    /// cache directory (`compiled/<language>` wasm, `compiled/native` native code); the least
    /// recently used go first.
    pub disk_cache_bytes: u64,
    /// `JOUST_SANDBOX_MEMORY_CACHE_BYTES`: bound of the prepared submissions kept in memory.
    pub memory_cache_bytes: u64,
    /// `JOUST_EXECUTOR_COMPILE_CPU_SECS`, `JOUST_EXECUTOR_COMPILE_WALL_SECS` and
    /// `JOUST_EXECUTOR_COMPILE_MEMORY_MB`: limits of every compiler run (the file-size cap is
    /// fixed). A compile bomb holds its run slot at most the wall limit.
    pub compile_limits: JailLimits,
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
            disk_cache_bytes: 1 << 30,
            memory_cache_bytes: 256 << 20,
            compile_limits: COMPILE_LIMITS,
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
            disk_cache_bytes: env_or("JOUST_SANDBOX_DISK_CACHE_BYTES", default.disk_cache_bytes)?,
            memory_cache_bytes: env_or(
                "JOUST_SANDBOX_MEMORY_CACHE_BYTES",
                default.memory_cache_bytes,
            )?,
            compile_limits: JailLimits {
                cpu_secs: env_or(
                    "JOUST_EXECUTOR_COMPILE_CPU_SECS",
                    default.compile_limits.cpu_secs,
                )?,
                wall_secs: env_or(
                    "JOUST_EXECUTOR_COMPILE_WALL_SECS",
                    default.compile_limits.wall_secs,
                )?,
                address_space_bytes: env_or(
                    "JOUST_EXECUTOR_COMPILE_MEMORY_MB",
                    default.compile_limits.address_space_bytes >> 20,
                )? << 20,
                ..default.compile_limits
            },
            ..default
        })
    }
}
