//! Executor settings, read from `JOUST_*` environment variables (see `docs/configuration.md`).
//!
//! The sandbox's own variables (runtimes, compilers, fuel, concurrency) are read by
//! [`SandboxConfig::from_env`].

use std::time::Duration;

use joust_common::settings::{CommonSettings, SettingError, env_ms, env_or};
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

impl Default for Settings {
    fn default() -> Self {
        Self {
            common: CommonSettings::default(),
            port: 8082,
            sandbox: SandboxConfig::default(),
            queue_timeout: Duration::from_millis(2_000),
            max_body_bytes: 32 << 20,
        }
    }
}

impl Settings {
    /// The defaults, overridden by whichever `JOUST_*` variables are set.
    pub fn from_env() -> Result<Self, SettingError> {
        let default = Self::default();
        Ok(Self {
            common: CommonSettings::from_env()?,
            port: env_or("JOUST_EXECUTOR_PORT", default.port)?,
            sandbox: SandboxConfig::from_env()?,
            queue_timeout: env_ms("JOUST_EXECUTOR_QUEUE_TIMEOUT_MS", default.queue_timeout)?,
            max_body_bytes: env_or("JOUST_EXECUTOR_MAX_BODY_BYTES", default.max_body_bytes)?,
        })
    }
}
