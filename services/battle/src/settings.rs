//! Battle service settings: defaults that work on a developer machine, each overridden by a
//! `JOUST_*` environment variable (all listed in `docs/configuration.md`). A test starts from
//! `Settings::default()` and changes only what it needs.

use std::time::Duration;

use joust_common::settings::{
    CommonSettings, SettingError, StoreSettings, env_ms, env_or, env_secs, env_string,
};

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

impl Default for Settings {
    fn default() -> Self {
        Self {
            common: CommonSettings::default(),
            stores: StoreSettings::default(),
            port: 8080,
            jwt_secret: "joust-local-development-secret".to_owned(),
            token_ttl: Duration::from_secs(86_400),
            countdown: Duration::from_secs(3),
            battle_length: Duration::from_secs(1_800),
            lock: LockSettings::default(),
            max_event_bytes: 80 * 1024,
            sweep_interval: Duration::from_secs(1),
            reconnect_grace: Duration::from_secs(30),
            handshake_rate: 50.0,
            handshake_burst: 100.0,
            drain_window: Duration::from_secs(10),
            outbox_capacity: 64,
            matchmaking: MatchSettings::default(),
            snapshot_ttl: Duration::from_secs(900),
        }
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        let d = Self::default();
        Ok(Self {
            common: CommonSettings::from_env()?,
            stores: StoreSettings::from_env(),
            port: env_or("JOUST_BATTLE_PORT", d.port)?,
            jwt_secret: env_string("JOUST_JWT_SECRET", &d.jwt_secret),
            token_ttl: env_secs("JOUST_TOKEN_TTL_SECS", d.token_ttl)?,
            countdown: env_ms("JOUST_COUNTDOWN_MS", d.countdown)?,
            battle_length: env_ms("JOUST_BATTLE_LENGTH_MS", d.battle_length)?,
            lock: LockSettings::from_env(d.lock)?,
            max_event_bytes: env_or("JOUST_MAX_EVENT_BYTES", d.max_event_bytes)?,
            sweep_interval: env_ms("JOUST_SWEEP_INTERVAL_MS", d.sweep_interval)?,
            reconnect_grace: env_ms("JOUST_RECONNECT_GRACE_MS", d.reconnect_grace)?,
            handshake_rate: env_or("JOUST_HANDSHAKE_RATE", d.handshake_rate)?,
            handshake_burst: env_or("JOUST_HANDSHAKE_BURST", d.handshake_burst)?,
            drain_window: env_ms("JOUST_DRAIN_WINDOW_MS", d.drain_window)?,
            outbox_capacity: env_or("JOUST_OUTBOX_CAPACITY", d.outbox_capacity)?,
            matchmaking: MatchSettings::from_env(d.matchmaking)?,
            snapshot_ttl: env_secs("JOUST_SNAPSHOT_TTL_SECS", d.snapshot_ttl)?,
        })
    }
}

/// How the battle-creation lock behaves.
#[derive(Debug, Clone)]
pub struct LockSettings {
    /// `JOUST_LOCK_TTL_MS`: time-to-live of the lock, and of each extension.
    pub ttl: Duration,
    /// `JOUST_LOCK_EXTEND_THRESHOLD_MS`: the heartbeat extends the lock once its remaining
    /// validity is below this.
    pub extend_threshold: Duration,
    /// `JOUST_LOCK_MAX_EXTENSIONS`: a holder that needs more extensions than this is cancelled,
    /// so a stuck handler cannot keep a pairing locked forever.
    pub max_extensions: u32,
    /// `JOUST_LOCK_AUTO_RENEW`: `false` turns the heartbeat off (the lock then simply expires
    /// after its TTL, and only fencing protects the write).
    pub auto_renew: bool,
    /// `JOUST_LOCK_TEST_HOLD_MS`: fault injection for tests. When not zero, the work under the
    /// lock of the first creation of each resource on an instance first pauses this long, like a
    /// holder stalled by a slow replica or a long pause. Never set it in production.
    pub test_hold: Duration,
}

impl Default for LockSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(5),
            extend_threshold: Duration::from_secs(2),
            max_extensions: 10,
            auto_renew: true,
            test_hold: Duration::ZERO,
        }
    }
}

impl LockSettings {
    fn from_env(d: Self) -> Result<Self, SettingError> {
        Ok(Self {
            ttl: env_ms("JOUST_LOCK_TTL_MS", d.ttl)?,
            extend_threshold: env_ms("JOUST_LOCK_EXTEND_THRESHOLD_MS", d.extend_threshold)?,
            max_extensions: env_or("JOUST_LOCK_MAX_EXTENSIONS", d.max_extensions)?,
            auto_renew: env_or("JOUST_LOCK_AUTO_RENEW", d.auto_renew)?,
            test_hold: env_ms("JOUST_LOCK_TEST_HOLD_MS", d.test_hold)?,
        })
    }
}

/// How the rating window of a waiting player widens.
#[derive(Debug, Clone)]
pub struct MatchSettings {
    /// `JOUST_MATCH_WINDOW`: rating points either side a player accepts at once.
    pub window: f64,
    /// `JOUST_MATCH_WINDOW_GROWTH`: points the window widens per second of waiting, so that
    /// nobody waits forever for a close opponent.
    pub growth_per_sec: f64,
    /// `JOUST_MATCH_WINDOW_MAX`: the widest window; beyond it a pairing would be no contest.
    pub max_window: f64,
}

impl Default for MatchSettings {
    fn default() -> Self {
        Self {
            window: 100.0,
            growth_per_sec: 10.0,
            max_window: 800.0,
        }
    }
}

impl MatchSettings {
    fn from_env(d: Self) -> Result<Self, SettingError> {
        Ok(Self {
            window: env_or("JOUST_MATCH_WINDOW", d.window)?,
            growth_per_sec: env_or("JOUST_MATCH_WINDOW_GROWTH", d.growth_per_sec)?,
            max_window: env_or("JOUST_MATCH_WINDOW_MAX", d.max_window)?,
        })
    }
}
