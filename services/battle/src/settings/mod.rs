//! Battle service settings: defaults that work on a developer machine, each overridden by a
//! `JOUST_*` environment variable (all listed in `docs/configuration.md`). A test starts from
//! `Settings::default()` and changes only what it needs.

use std::{net::IpAddr, path::PathBuf, time::Duration};

mod accounts;
mod limits;
mod problems;
mod tournaments;

pub use accounts::AccountSettings;
pub use limits::{LimitSettings, Rate};
pub use problems::ProblemSettings;
pub use tournaments::{PRODUCTION_MIN_SECS, TournamentSettings};

use joust_common::settings::{
    CommonSettings, KeyRing, SettingError, StoreSettings, env_list, env_ms, env_or, env_secret,
    env_secs, env_string,
};

/// The development signing key, accepted only with `JOUST_DEV_MODE=true` (and in tests).
pub const DEV_JWT_SECRET: &str = "joust-local-development-secret";

#[derive(Debug, Clone)]
pub struct Settings {
    pub common: CommonSettings,
    pub stores: StoreSettings,
    /// `JOUST_BATTLE_PORT`: 0 picks a free port (tests).
    pub port: u16,
    /// `JOUST_BATTLE_OPS_PORT`: port of the operations listener (`/metrics`, detailed
    /// `/readyz`); 0 picks a free port (tests).
    pub ops_port: u16,
    /// `JOUST_OPS_HOST`: interface of the operations listener; loopback unless a scraper
    /// elsewhere needs it.
    pub ops_host: String,
    /// `JOUST_CORS_ORIGINS`: comma-separated origins allowed to call the HTTP API from a
    /// browser; empty (the default) allows no cross-origin calls.
    pub cors_origins: Vec<String>,
    /// `JOUST_WEB_DIR`: the web app's static export (`web/out`), served for every path that no
    /// API, Socket.IO or health route takes; empty (the default) serves no pages.
    pub web_dir: Option<PathBuf>,
    /// `JOUST_TRUSTED_PROXIES`: comma-separated IP addresses of reverse proxies whose
    /// `X-Forwarded-For` names the client; from anyone else the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// `JOUST_JWT_SECRET` (and, during a rotation, `JOUST_JWT_PREVIOUS_SECRET`): HMAC keys of
    /// session tokens. Required outside development mode; the default is the development key.
    pub jwt: KeyRing,
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
    /// `JOUST_HANDSHAKE_RATE`: authenticated handshakes per second accepted from one client IP
    /// on average.
    pub handshake_rate: f64,
    /// `JOUST_HANDSHAKE_BURST`: authenticated handshakes accepted at once from one client IP.
    pub handshake_burst: f64,
    /// `JOUST_HANDSHAKE_FAILURE_RATE`: refused (bad token) handshakes per second one client IP
    /// may make on average; beyond it the IP is refused before its tokens are checked.
    pub handshake_failure_rate: f64,
    /// `JOUST_HANDSHAKE_FAILURE_BURST`: refused handshakes one client IP may make at once.
    pub handshake_failure_burst: f64,
    /// Per-user and per-socket event limits (`JOUST_RATE_CREATE` and the other rates,
    /// `JOUST_SOCKET_RATE`, `JOUST_SOCKET_MAX_IN_FLIGHT`, `JOUST_GUEST_RATE`).
    pub limits: LimitSettings,
    /// `JOUST_CHALLENGE_TTL_SECS`: how long a challenge stays open.
    pub challenge_ttl: Duration,
    /// `JOUST_MAX_OPEN_CHALLENGES`: open challenges one player may have at once.
    pub max_open_challenges: i64,
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
    /// `JOUST_MAX_PENDING_SUBMISSIONS`: unjudged submissions a player may have in a battle; a
    /// submit beyond it is refused, which bounds the judging backlog one player can cause.
    pub max_pending_submissions: u32,
    /// `JOUST_SOCKET_BUFFER`: packets socketioxide buffers per connection before a send finds
    /// it full (events then wait in the outbox, acks wait for room).
    pub socket_buffer: usize,
    /// Registered accounts: token lifetimes, auth limits and lockout, password hashing.
    pub accounts: AccountSettings,
    /// Who is online across instances (`JOUST_PRESENCE_TTL_MS`, `JOUST_PRESENCE_HEARTBEAT_MS`).
    pub presence: PresenceSettings,
    /// Problem import and reading: the verifying executor, organizers, limits.
    pub problems: ProblemSettings,
    /// Tournaments: the routes' limits, the shortest rounds, the scheduler.
    pub tournaments: TournamentSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            common: CommonSettings::default(),
            stores: StoreSettings::default(),
            port: 8080,
            ops_port: 9080,
            ops_host: "127.0.0.1".to_owned(),
            cors_origins: Vec::new(),
            web_dir: None,
            trusted_proxies: Vec::new(),
            jwt: KeyRing::single(DEV_JWT_SECRET),
            token_ttl: Duration::from_secs(86_400),
            countdown: Duration::from_secs(3),
            battle_length: Duration::from_secs(1_800),
            lock: LockSettings::default(),
            max_event_bytes: 80 * 1024,
            sweep_interval: Duration::from_secs(1),
            reconnect_grace: Duration::from_secs(30),
            handshake_rate: 5.0,
            handshake_burst: 20.0,
            handshake_failure_rate: 1.0,
            handshake_failure_burst: 20.0,
            limits: LimitSettings::default(),
            challenge_ttl: Duration::from_secs(600),
            max_open_challenges: 5,
            drain_window: Duration::from_secs(10),
            outbox_capacity: 64,
            matchmaking: MatchSettings::default(),
            snapshot_ttl: Duration::from_secs(900),
            max_pending_submissions: 2,
            socket_buffer: 256,
            accounts: AccountSettings::default(),
            presence: Default::default(),
            problems: ProblemSettings::default(),
            tournaments: TournamentSettings::default(),
        }
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        let d = Self::default();
        let common = CommonSettings::from_env()?;
        let problems = ProblemSettings::from_env(&common)?;
        let tournaments = TournamentSettings::from_env(&common)?;
        Ok(Self {
            jwt: env_secret(
                "JOUST_JWT_SECRET",
                "JOUST_JWT_PREVIOUS_SECRET",
                DEV_JWT_SECRET,
                common.dev_mode,
            )?,
            common,
            stores: StoreSettings::from_env(),
            port: env_or("JOUST_BATTLE_PORT", d.port)?,
            ops_port: env_or("JOUST_BATTLE_OPS_PORT", d.ops_port)?,
            ops_host: env_string("JOUST_OPS_HOST", &d.ops_host),
            cors_origins: env_list("JOUST_CORS_ORIGINS", d.cors_origins)?,
            web_dir: Some(env_string("JOUST_WEB_DIR", ""))
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from),
            trusted_proxies: env_list("JOUST_TRUSTED_PROXIES", d.trusted_proxies)?,
            token_ttl: env_secs("JOUST_TOKEN_TTL_SECS", d.token_ttl)?,
            countdown: env_ms("JOUST_COUNTDOWN_MS", d.countdown)?,
            battle_length: env_ms("JOUST_BATTLE_LENGTH_MS", d.battle_length)?,
            lock: LockSettings::from_env(d.lock)?,
            max_event_bytes: env_or("JOUST_MAX_EVENT_BYTES", d.max_event_bytes)?,
            sweep_interval: env_ms("JOUST_SWEEP_INTERVAL_MS", d.sweep_interval)?,
            reconnect_grace: env_ms("JOUST_RECONNECT_GRACE_MS", d.reconnect_grace)?,
            handshake_rate: env_or("JOUST_HANDSHAKE_RATE", d.handshake_rate)?,
            handshake_burst: env_or("JOUST_HANDSHAKE_BURST", d.handshake_burst)?,
            handshake_failure_rate: env_or(
                "JOUST_HANDSHAKE_FAILURE_RATE",
                d.handshake_failure_rate,
            )?,
            handshake_failure_burst: env_or(
                "JOUST_HANDSHAKE_FAILURE_BURST",
                d.handshake_failure_burst,
            )?,
            limits: LimitSettings::from_env(d.limits)?,
            challenge_ttl: env_secs("JOUST_CHALLENGE_TTL_SECS", d.challenge_ttl)?,
            max_open_challenges: env_or("JOUST_MAX_OPEN_CHALLENGES", d.max_open_challenges)?,
            drain_window: env_ms("JOUST_DRAIN_WINDOW_MS", d.drain_window)?,
            outbox_capacity: env_or("JOUST_OUTBOX_CAPACITY", d.outbox_capacity)?,
            matchmaking: MatchSettings::from_env(d.matchmaking)?,
            snapshot_ttl: env_secs("JOUST_SNAPSHOT_TTL_SECS", d.snapshot_ttl)?,
            max_pending_submissions: env_or(
                "JOUST_MAX_PENDING_SUBMISSIONS",
                d.max_pending_submissions,
            )?,
            socket_buffer: env_or("JOUST_SOCKET_BUFFER", d.socket_buffer)?,
            accounts: AccountSettings::from_env(d.accounts)?,
            presence: PresenceSettings::from_env(d.presence)?,
            problems,
            tournaments,
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
    /// `JOUST_LOCK_REDIS_URLS`: comma-separated URLs of the independent Redis masters the lock
    /// is taken on (a majority must agree); empty (the default) means the primary Redis alone.
    /// The Socket.IO adapter and the streams always stay on the primary.
    pub redis_urls: Vec<redis::ConnectionInfo>,
}

impl Default for LockSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(5),
            extend_threshold: Duration::from_secs(2),
            max_extensions: 10,
            auto_renew: true,
            test_hold: Duration::ZERO,
            redis_urls: Vec::new(),
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
            redis_urls: lock_urls("JOUST_LOCK_REDIS_URLS", d.redis_urls)?,
        })
    }
}

/// The comma-separated Redis URLs of `name`, each checked for its shape (not connected to).
fn lock_urls(
    name: &str,
    default: Vec<redis::ConnectionInfo>,
) -> Result<Vec<redis::ConnectionInfo>, SettingError> {
    use redis::IntoConnectionInfo;
    let raw = env_string(name, "");
    if raw.trim().is_empty() {
        return Ok(default);
    }
    raw.split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(|url| {
            url.into_connection_info().map_err(|e| SettingError {
                name: name.to_owned(),
                // URLs may carry a password: the message names the variable, not its value.
                value: "(redacted)".to_owned(),
                reason: e.to_string(),
            })
        })
        .collect()
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
    /// `JOUST_MATCH_DEVIATION_WEIGHT`: points added to the window per point of the larger
    /// rating deviation of a candidate pair: uncertain ratings may be paired further apart,
    /// since their gap says little yet.
    pub deviation_weight: f64,
}

impl Default for MatchSettings {
    fn default() -> Self {
        Self {
            window: 100.0,
            growth_per_sec: 10.0,
            max_window: 800.0,
            deviation_weight: 0.5,
        }
    }
}

impl MatchSettings {
    fn from_env(d: Self) -> Result<Self, SettingError> {
        Ok(Self {
            window: env_or("JOUST_MATCH_WINDOW", d.window)?,
            growth_per_sec: env_or("JOUST_MATCH_WINDOW_GROWTH", d.growth_per_sec)?,
            max_window: env_or("JOUST_MATCH_WINDOW_MAX", d.max_window)?,
            deviation_weight: env_or("JOUST_MATCH_DEVIATION_WEIGHT", d.deviation_weight)?,
        })
    }
}

/// How presence is kept.
#[derive(Debug, Clone)]
pub struct PresenceSettings {
    /// `JOUST_PRESENCE_TTL_MS`: a player not refreshed for this long is offline.
    pub ttl: Duration,
    /// `JOUST_PRESENCE_HEARTBEAT_MS`: how often each instance refreshes its players.
    pub heartbeat: Duration,
}

impl PresenceSettings {
    fn from_env(d: Self) -> Result<Self, SettingError> {
        Ok(Self {
            ttl: env_ms("JOUST_PRESENCE_TTL_MS", d.ttl)?,
            heartbeat: env_ms("JOUST_PRESENCE_HEARTBEAT_MS", d.heartbeat)?,
        })
    }
}

impl Default for PresenceSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(45),
            heartbeat: Duration::from_secs(15),
        }
    }
}
