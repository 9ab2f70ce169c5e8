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

/// Reads a comma-separated list, falling back to `default` when it is unset or empty.
pub fn env_list<T>(name: &str, default: Vec<T>) -> Result<Vec<T>, SettingError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let raw = env_string(name, "");
    if raw.trim().is_empty() {
        return Ok(default);
    }
    raw.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse().map_err(|e: T::Err| SettingError {
                name: name.to_owned(),
                value: raw.clone(),
                reason: e.to_string(),
            })
        })
        .collect()
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

/// Settings every service reads: where it listens, how it logs, and whether it may fall back
/// to development secrets.
#[derive(Debug, Clone)]
pub struct CommonSettings {
    /// `JOUST_HOST`: interface to bind.
    pub host: String,
    /// `JOUST_LOG_FORMAT`: `json` or `pretty`.
    pub log_format: LogFormat,
    /// `JOUST_DEV_MODE`: `true` lets a service start with its built-in development secrets.
    /// Only `make run` sets it; anywhere else a missing secret stops the service at start.
    pub dev_mode: bool,
}

impl Default for CommonSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            log_format: LogFormat::Pretty,
            dev_mode: false,
        }
    }
}

impl CommonSettings {
    pub fn from_env() -> Result<Self, SettingError> {
        let default = Self::default();
        Ok(Self {
            host: env_string("JOUST_HOST", &default.host),
            log_format: env_or("JOUST_LOG_FORMAT", default.log_format)?,
            dev_mode: env_or("JOUST_DEV_MODE", default.dev_mode)?,
        })
    }
}

/// The shortest secret accepted outside development mode.
pub const MIN_SECRET_BYTES: usize = 32;

/// A signing key or bearer token, with the one it replaces while a rotation is under way:
/// whatever is signed or sent uses `current`, whatever is checked accepts either.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyRing {
    pub current: String,
    pub previous: Option<String>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyRing(..)")
    }
}

impl KeyRing {
    /// A ring of one key, for tests and development defaults.
    pub fn single(current: &str) -> Self {
        Self {
            current: current.to_owned(),
            previous: None,
        }
    }

    /// The keys a check accepts, newest first.
    pub fn accepted(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.current.as_str()).chain(self.previous.as_deref())
    }
}

/// Reads a secret from `name` and, during a rotation, its predecessor from `previous_name`.
///
/// Outside development mode the secret must be set, at least [`MIN_SECRET_BYTES`] long, and
/// not the development default; in development mode a missing one falls back to `dev_default`.
pub fn env_secret(
    name: &str,
    previous_name: &str,
    dev_default: &str,
    dev_mode: bool,
) -> Result<KeyRing, SettingError> {
    let read = |n: &str| {
        env::var(n)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    secret_from(
        (name, read(name)),
        (previous_name, read(previous_name)),
        dev_default,
        dev_mode,
    )
}

fn secret_from(
    (name, current): (&str, Option<String>),
    (previous_name, previous): (&str, Option<String>),
    dev_default: &str,
    dev_mode: bool,
) -> Result<KeyRing, SettingError> {
    let refuse = |name: &str, value: &str, reason: &str| SettingError {
        name: name.to_owned(),
        // Never echo a secret into an error message or a log.
        value: if value.is_empty() {
            String::new()
        } else {
            "<redacted>".to_owned()
        },
        reason: reason.to_owned(),
    };
    let current = match current {
        Some(v) => v,
        None if dev_mode => dev_default.to_owned(),
        None => {
            return Err(refuse(
                name,
                "",
                "must be set (or set JOUST_DEV_MODE=true on a development machine)",
            ));
        }
    };
    if !dev_mode {
        for (n, v) in [(name, Some(&current)), (previous_name, previous.as_ref())] {
            let Some(v) = v else { continue };
            if v == dev_default {
                return Err(refuse(n, v, "is the public development secret"));
            }
            if v.len() < MIN_SECRET_BYTES {
                return Err(refuse(n, v, "must be at least 32 bytes long"));
            }
        }
    }
    Ok(KeyRing { current, previous })
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

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: &str = "development-secret";
    const STRONG: &str = "0123456789abcdef0123456789abcdef";

    fn read(
        current: Option<&str>,
        previous: Option<&str>,
        dev: bool,
    ) -> Result<KeyRing, SettingError> {
        secret_from(
            ("JOUST_JWT_SECRET", current.map(str::to_owned)),
            ("JOUST_JWT_PREVIOUS_SECRET", previous.map(str::to_owned)),
            DEV,
            dev,
        )
    }

    #[test]
    fn a_missing_secret_is_refused_outside_development_mode() {
        let e = read(None, None, false).unwrap_err();
        assert_eq!(e.name, "JOUST_JWT_SECRET");
        assert_eq!(read(None, None, true).unwrap(), KeyRing::single(DEV));
    }

    #[test]
    fn weak_or_public_secrets_are_refused_and_never_echoed() {
        for weak in [DEV, "short"] {
            let e = read(Some(weak), None, false).unwrap_err();
            assert!(!e.to_string().contains(weak), "{e}");
        }
        let e = read(Some(STRONG), Some(DEV), false).unwrap_err();
        assert_eq!(e.name, "JOUST_JWT_PREVIOUS_SECRET");
    }

    #[test]
    fn a_rotation_accepts_both_keys_newest_first() {
        let other = "fedcba9876543210fedcba9876543210";
        let ring = read(Some(STRONG), Some(other), false).unwrap();
        assert_eq!(ring.accepted().collect::<Vec<_>>(), [STRONG, other]);
        assert!(!format!("{ring:?}").contains(STRONG));
    }
}
