//! Reading typed settings from `JOUST_*` environment variables.
//!
//! Every variable a service reads is listed in `docs/configuration.md`.

use std::{env, fmt::Display, str::FromStr, time::Duration};

#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}={value:?} is invalid: {reason}")]
pub struct SettingError {
    pub name: String,
    pub value: String,
    pub reason: String,
}

/// Reads `name`, falling back to `default` when it is unset or empty.
pub fn env_or<T>(name: &str, default: T) -> Result<T, SettingError>
where
    T: FromStr,
    T::Err: Display,
{
    match env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().parse().map_err(|e: T::Err| SettingError {
                name: name.to_owned(),
                value,
                reason: e.to_string(),
            })
        }
        _ => Ok(default),
    }
}

/// Reads a duration given in milliseconds, falling back to `default`.
pub fn env_ms(name: &str, default: Duration) -> Result<Duration, SettingError> {
    env_or(name, default.as_millis() as u64).map(Duration::from_millis)
}

/// Reads a duration given in seconds, falling back to `default`.
pub fn env_secs(name: &str, default: Duration) -> Result<Duration, SettingError> {
    env_or(name, default.as_secs()).map(Duration::from_secs)
}

/// Reads a string setting with a default.
pub fn env_string(name: &str, default: &str) -> String {
    env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            other => Err(format!("expected json or pretty, got {other}")),
        }
    }
}

/// Settings every service reads: where it listens and how it logs.
#[derive(Debug, Clone)]
pub struct CommonSettings {
    /// `JOUST_HOST`: interface to bind.
    pub host: String,
    /// `JOUST_LOG_FORMAT`: `json` or `pretty`.
    pub log_format: LogFormat,
}

impl Default for CommonSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            log_format: LogFormat::Pretty,
        }
    }
}

impl CommonSettings {
    pub fn from_env() -> Result<Self, SettingError> {
        let default = Self::default();
        Ok(Self {
            host: env_string("JOUST_HOST", &default.host),
            log_format: env_or("JOUST_LOG_FORMAT", default.log_format)?,
        })
    }
}

/// Where the services that keep state find PostgreSQL and Redis.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// `JOUST_DATABASE_URL`: PostgreSQL connection string.
    pub database_url: String,
    /// `JOUST_REDIS_URL`: Redis connection string.
    pub redis_url: String,
    /// `JOUST_REDIS_PREFIX`: prepended to every Redis key and channel, so several deployments
    /// (or tests) can share one Redis.
    pub redis_prefix: String,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            database_url: "postgres://postgres@127.0.0.1:5432/joust".to_owned(),
            redis_url: "redis://127.0.0.1:6379".to_owned(),
            redis_prefix: "joust:".to_owned(),
        }
    }
}

impl StoreSettings {
    pub fn from_env() -> Self {
        let default = Self::default();
        Self {
            database_url: env_string("JOUST_DATABASE_URL", &default.database_url),
            redis_url: env_string("JOUST_REDIS_URL", &default.redis_url),
            redis_prefix: env_string("JOUST_REDIS_PREFIX", &default.redis_prefix),
        }
    }
}
