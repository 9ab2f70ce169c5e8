//! Battle service settings, read from `JOUST_*` environment variables (see
//! `docs/configuration.md`).

use std::time::Duration;

use joust_common::settings::{CommonSettings, SettingError, StoreSettings, env_or, env_string};

#[derive(Debug, Clone)]
pub struct Settings {
    pub common: CommonSettings,
    pub stores: StoreSettings,
    /// `JOUST_BATTLE_PORT`: 0 picks a free port (tests).
    pub port: u16,
    /// `JOUST_JWT_SECRET`: HMAC key of session tokens. The default is for local use only.
    pub jwt_secret: String,
    /// `JOUST_TOKEN_TTL_SECS`: lifetime of a session token.
    pub token_ttl: Duration,
    /// `JOUST_COUNTDOWN_MS`: time between a battle's creation and the problem reveal.
    pub countdown: Duration,
    /// `JOUST_BATTLE_LENGTH_MS`: how long a battle lasts after the reveal before it is a draw.
    pub battle_length: Duration,
    /// `JOUST_LOCK_TTL_MS`: time-to-live of the battle-creation lock.
    pub lock_ttl: Duration,
    /// `JOUST_MAX_EVENT_BYTES`: largest accepted socket event payload.
    pub max_event_bytes: usize,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        Ok(Self {
            common: CommonSettings::from_env()?,
            stores: StoreSettings::from_env(),
            port: env_or("JOUST_BATTLE_PORT", 8080)?,
            jwt_secret: env_string("JOUST_JWT_SECRET", "joust-local-development-secret"),
            token_ttl: Duration::from_secs(env_or("JOUST_TOKEN_TTL_SECS", 86_400)?),
            countdown: Duration::from_millis(env_or("JOUST_COUNTDOWN_MS", 3_000)?),
            battle_length: Duration::from_millis(env_or("JOUST_BATTLE_LENGTH_MS", 1_800_000)?),
            lock_ttl: Duration::from_millis(env_or("JOUST_LOCK_TTL_MS", 5_000)?),
            max_event_bytes: env_or("JOUST_MAX_EVENT_BYTES", 80 * 1024)?,
        })
    }
}
