//! Executor settings, read from `JOUST_*` environment variables (see `docs/configuration.md`).
//!
//! The sandbox's own variables (runtimes, compilers, fuel, concurrency, compile limits) are
//! read by [`SandboxConfig::from_env`].

use std::time::Duration;

use joust_common::{
    execution::{DEVELOPMENT_EXECUTOR_TOKEN, ExecutionMaxima, WASM32_MEMORY_CEILING_MB},
    settings::{CommonSettings, KeyRing, SettingError, env_ms, env_or, env_secret, env_string},
};
use joust_sandbox::SandboxConfig;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `JOUST_LOG_FORMAT` and `JOUST_DEV_MODE`; the executor ignores `JOUST_HOST`.
    pub common: CommonSettings,
    /// `JOUST_EXECUTOR_HOST`: interface to bind. Loopback by default: only the judge, on the
    /// same host or through a private network, may reach the executor.
    pub host: String,
    /// `JOUST_EXECUTOR_PORT`: 0 picks a free port (tests).
    pub port: u16,
    pub sandbox: SandboxConfig,
    /// `JOUST_EXECUTOR_QUEUE_TIMEOUT_MS`: how long a request may wait for a free run slot.
    pub queue_timeout: Duration,
    /// `JOUST_EXECUTOR_MAX_BODY_BYTES`: largest request body (`413` above it).
    pub max_body_bytes: usize,
    /// `JOUST_EXECUTOR_TOKEN` and, during a rotation, `JOUST_EXECUTOR_PREVIOUS_TOKEN`: the
    /// bearer tokens every call but the health routes must carry. Required outside
    /// `JOUST_DEV_MODE`.
    pub tokens: KeyRing,
    /// `JOUST_EXECUTOR_MAX_TIME_LIMIT_MS`, `JOUST_EXECUTOR_MAX_MEMORY_MB`,
    /// `JOUST_EXECUTOR_MAX_TESTS` and `JOUST_EXECUTOR_MAX_TEST_BYTES`: the most a request may
    /// ask for; more is refused with `422 LIMIT_EXCEEDED`. The memory maximum also sizes the
    /// sandbox's instance pool.
    pub maxima: ExecutionMaxima,
    /// `JOUST_EXECUTOR_REQUEST_DEADLINE_MS`: how long a request may take from its arrival;
    /// then its compile and runs are stopped and it is answered with what was judged so far.
    /// Must stay below the judge's call timeout.
    pub request_deadline: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            common: CommonSettings::default(),
            host: "127.0.0.1".to_owned(),
            port: 8082,
            sandbox: SandboxConfig::default(),
            queue_timeout: Duration::from_millis(2_000),
            max_body_bytes: 16 << 20,
            tokens: KeyRing::single(DEVELOPMENT_EXECUTOR_TOKEN),
            maxima: ExecutionMaxima::default(),
            request_deadline: Duration::from_secs(30),
        }
    }
}

impl Settings {
    /// The defaults, overridden by whichever `JOUST_*` variables are set. Fails without a real
    /// `JOUST_EXECUTOR_TOKEN` unless `JOUST_DEV_MODE=true`.
    pub fn from_env() -> Result<Self, SettingError> {
        let default = Self::default();
        let common = CommonSettings::from_env()?;
        let tokens = env_secret(
            "JOUST_EXECUTOR_TOKEN",
            "JOUST_EXECUTOR_PREVIOUS_TOKEN",
            DEVELOPMENT_EXECUTOR_TOKEN,
            common.dev_mode,
        )?;
        let maxima = ExecutionMaxima {
            time_limit_ms: env_or(
                "JOUST_EXECUTOR_MAX_TIME_LIMIT_MS",
                default.maxima.time_limit_ms,
            )?,
            memory_limit_mb: env_or(
                "JOUST_EXECUTOR_MAX_MEMORY_MB",
                default.maxima.memory_limit_mb,
            )?,
            tests: env_or("JOUST_EXECUTOR_MAX_TESTS", default.maxima.tests)?,
            test_data_bytes: env_or(
                "JOUST_EXECUTOR_MAX_TEST_BYTES",
                default.maxima.test_data_bytes,
            )?,
        };
        if maxima.memory_limit_mb > WASM32_MEMORY_CEILING_MB {
            return Err(SettingError {
                name: "JOUST_EXECUTOR_MAX_MEMORY_MB".into(),
                value: maxima.memory_limit_mb.to_string(),
                reason: format!(
                    "a wasm32 program addresses at most {WASM32_MEMORY_CEILING_MB} MiB"
                ),
            });
        }
        Ok(Self {
            common,
            host: env_string("JOUST_EXECUTOR_HOST", &default.host),
            port: env_or("JOUST_EXECUTOR_PORT", default.port)?,
            sandbox: SandboxConfig::from_env()?,
            queue_timeout: env_ms("JOUST_EXECUTOR_QUEUE_TIMEOUT_MS", default.queue_timeout)?,
            max_body_bytes: env_or("JOUST_EXECUTOR_MAX_BODY_BYTES", default.max_body_bytes)?,
            tokens,
            maxima,
            request_deadline: env_ms(
                "JOUST_EXECUTOR_REQUEST_DEADLINE_MS",
                default.request_deadline,
            )?,
        })
    }
}
