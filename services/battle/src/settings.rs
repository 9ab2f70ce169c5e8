//! Battle service settings, read from `JOUST_*` environment variables (see
//! `docs/configuration.md`).

use std::time::Duration;

use joust_common::settings::{CommonSettings, SettingError, StoreSettings, env_or, env_string};

use crate::{lock::LockSettings, matchmaking::MatchSettings};

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
    /// The battle-creation lock: TTL, renewal and the fault-injection pause.
    pub lock: LockSettings,
    /// `JOUST_MAX_EVENT_BYTES`: largest accepted socket event payload.
    pub max_event_bytes: usize,
    /// `JOUST_SWEEP_INTERVAL_MS`: how often every instance looks for due countdowns, battles
    /// past their end and expired reconnect grace periods.
    pub sweep_interval: Duration,
    /// `JOUST_RECONNECT_GRACE_MS`: how long a disconnected player keeps the seat.
    pub reconnect_grace: Duration,
    /// `JOUST_HANDSHAKE_RATE`: handshakes per second this instance accepts on average.
    pub handshake_rate: f64,
    /// `JOUST_HANDSHAKE_BURST`: handshakes accepted at once before the rate applies.
    pub handshake_burst: f64,
    /// `JOUST_DRAIN_WINDOW_MS`: on SIGTERM, clients are told to reconnect at a random moment
    /// within this window, then the instance stops.
    pub drain_window: Duration,
    /// `JOUST_OUTBOX_CAPACITY`: messages queued per connection before the outbox drops
    /// best-effort traffic, then old chat (battle events are never dropped).
    pub outbox_capacity: usize,
    /// The matchmaking rating window and how it widens with waiting time.
    pub matchmaking: MatchSettings,
    /// `JOUST_SNAPSHOT_TTL_SECS`: how long a battle's snapshot stays in Redis after its last
    /// read or change (it is rebuilt from the log when missing).
    pub snapshot_ttl: Duration,
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
            lock: LockSettings {
                ttl: Duration::from_millis(env_or("JOUST_LOCK_TTL_MS", 5_000)?),
                extend_threshold: Duration::from_millis(env_or(
                    "JOUST_LOCK_EXTEND_THRESHOLD_MS",
                    2_000,
                )?),
                max_extensions: env_or("JOUST_LOCK_MAX_EXTENSIONS", 10)?,
                auto_renew: env_or("JOUST_LOCK_AUTO_RENEW", true)?,
                test_hold: Duration::from_millis(env_or("JOUST_LOCK_TEST_HOLD_MS", 0)?),
            },
            max_event_bytes: env_or("JOUST_MAX_EVENT_BYTES", 80 * 1024)?,
            sweep_interval: Duration::from_millis(env_or("JOUST_SWEEP_INTERVAL_MS", 1_000)?),
            reconnect_grace: Duration::from_millis(env_or("JOUST_RECONNECT_GRACE_MS", 30_000)?),
            handshake_rate: env_or("JOUST_HANDSHAKE_RATE", 50.0)?,
            handshake_burst: env_or("JOUST_HANDSHAKE_BURST", 100.0)?,
            drain_window: Duration::from_millis(env_or("JOUST_DRAIN_WINDOW_MS", 10_000)?),
            outbox_capacity: env_or("JOUST_OUTBOX_CAPACITY", 64)?,
            matchmaking: MatchSettings {
                window: env_or("JOUST_MATCH_WINDOW", 100.0)?,
                growth_per_sec: env_or("JOUST_MATCH_WINDOW_GROWTH", 10.0)?,
                max_window: env_or("JOUST_MATCH_WINDOW_MAX", 800.0)?,
            },
            snapshot_ttl: Duration::from_secs(env_or("JOUST_SNAPSHOT_TTL_SECS", 900)?),
        })
    }
}
