//! Executor settings, read from `JOUST_*` environment variables (see `docs/configuration.md`).

use std::{path::PathBuf, time::Duration};

use joust_common::settings::{CommonSettings, SettingError, env_or, env_string};
use joust_sandbox::SandboxConfig;

#[derive(Debug, Clone)]
pub struct Settings {
    pub common: CommonSettings,
    /// `JOUST_EXECUTOR_PORT`: 0 picks a free port (tests).
    pub port: u16,
    pub sandbox: SandboxConfig,
    /// `JOUST_EXECUTOR_QUEUE_TIMEOUT_MS`: how long a request may wait for a free run slot.
    pub queue_timeout: Duration,
    /// `JOUST_EXECUTOR_MAX_BODY_BYTES`: largest request body.
    pub max_body_bytes: usize,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        Ok(Self {
            common: CommonSettings::from_env()?,
            port: env_or("JOUST_EXECUTOR_PORT", 8082)?,
            sandbox: SandboxConfig {
                runtime_dir: PathBuf::from(env_string("JOUST_RUNTIME_DIR", ".cache/runtimes")),
                cache_dir: PathBuf::from(env_string("JOUST_SANDBOX_CACHE_DIR", ".cache/sandbox")),
                clang: PathBuf::from(env_string("JOUST_CLANG", "clang-19")),
                rustc: PathBuf::from(env_string("JOUST_RUSTC", "/usr/bin/rustc")),
                bwrap: PathBuf::from(env_string("JOUST_BWRAP", "bwrap")),
                fuel_per_ms: env_or("JOUST_FUEL_PER_MS", 1_000_000)?,
                max_concurrent_runs: env_or("JOUST_EXECUTOR_MAX_CONCURRENT", cores)?,
                max_memory_bytes: (joust_common::execution::MAX_MEMORY_LIMIT_MB as usize) << 20,
            },
            queue_timeout: Duration::from_millis(env_or("JOUST_EXECUTOR_QUEUE_TIMEOUT_MS", 2_000)?),
            max_body_bytes: env_or("JOUST_EXECUTOR_MAX_BODY_BYTES", 32 << 20)?,
        })
    }
}

impl Settings {
    /// Settings for tests in this repository: port 0, loopback, runtimes from
    /// `JOUST_RUNTIME_DIR` / `JOUST_SANDBOX_CACHE_DIR` or the workspace's `.cache`.
    pub fn for_tests(max_concurrent_runs: u32, queue_timeout: Duration) -> Self {
        let workspace_cache = |var: &str, sub: &str| {
            std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../../.cache")
                    .join(sub)
            })
        };
        Self {
            common: CommonSettings {
                host: "127.0.0.1".into(),
                log_format: joust_common::settings::LogFormat::Pretty,
            },
            port: 0,
            sandbox: SandboxConfig {
                runtime_dir: workspace_cache("JOUST_RUNTIME_DIR", "runtimes"),
                cache_dir: workspace_cache("JOUST_SANDBOX_CACHE_DIR", "sandbox"),
                clang: PathBuf::from(env_string("JOUST_CLANG", "clang-19")),
                rustc: PathBuf::from(env_string("JOUST_RUSTC", "/usr/bin/rustc")),
                bwrap: PathBuf::from(env_string("JOUST_BWRAP", "bwrap")),
                fuel_per_ms: 1_000_000,
                max_concurrent_runs,
                max_memory_bytes: (joust_common::execution::MAX_MEMORY_LIMIT_MB as usize) << 20,
            },
            queue_timeout,
            max_body_bytes: 1 << 20,
        }
    }
}
