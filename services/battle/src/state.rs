//! The state every handler shares, and the Socket.IO types it is served through.
//!
//! Built once from [`Settings`] by [`AppState::new`]; `startup` only wires it to the server.

use std::{
    net::IpAddr,
    sync::{Arc, atomic::AtomicBool},
    time::Duration,
};

use joust_common::{battle_events, domain::BattleEvent};
use socketioxide::SocketIo;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    Settings,
    auth::TokenKeys,
    limits::EventLimits,
    lock::BattleLocks,
    metrics::Metrics,
    ratelimit::KeyedBuckets,
    settings::{AccountSettings, MatchSettings, Rate},
    snapshot::Snapshots,
};

/// The Socket.IO adapter: rooms and broadcasts span every instance through Redis.
pub type Adapter = socketioxide_redis::RedisAdapter<socketioxide::adapter::Emitter>;
pub type Io = SocketIo<Adapter>;

/// Shared by every handler. Cheap to clone: each field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub redis: redis::aio::ConnectionManager,
    pub redis_prefix: String,
    pub locks: BattleLocks,
    pub tokens: TokenKeys,
    pub countdown: Duration,
    pub battle_length: Duration,
    pub max_event_bytes: usize,
    pub sweep_interval: Duration,
    pub reconnect_grace: Duration,
    /// Authenticated handshakes accepted per client IP (`JOUST_HANDSHAKE_RATE`, `_BURST`).
    pub handshakes: Arc<KeyedBuckets<IpAddr>>,
    /// Refused handshakes allowed per client IP (`JOUST_HANDSHAKE_FAILURE_RATE`, `_BURST`).
    pub handshake_failures: Arc<KeyedBuckets<IpAddr>>,
    /// Guest accounts created per client IP (`JOUST_GUEST_RATE`); `None` when off.
    pub guest_logins: Option<Arc<KeyedBuckets<IpAddr>>>,
    /// Proxies whose `X-Forwarded-For` is believed (`JOUST_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<[IpAddr]>,
    /// Per-user and per-socket event limits (`JOUST_RATE_CREATE` and the other rates,
    /// `JOUST_SOCKET_RATE`, `JOUST_SOCKET_MAX_IN_FLIGHT`, `JOUST_GUEST_RATE`).
    pub limits: Arc<EventLimits>,
    /// How long a challenge stays open (`JOUST_CHALLENGE_TTL_SECS`).
    pub challenge_ttl: Duration,
    /// Open challenges per player (`JOUST_MAX_OPEN_CHALLENGES`).
    pub max_open_challenges: i64,
    /// Set on SIGTERM: readiness fails and new handshakes are refused while clients move.
    pub draining: Arc<AtomicBool>,
    pub drain_window: Duration,
    /// Messages queued per connection before dropping (`JOUST_OUTBOX_CAPACITY`).
    pub outbox_capacity: usize,
    /// The matchmaking rating window (`JOUST_MATCH_WINDOW*`).
    pub matchmaking: MatchSettings,
    /// Battle snapshots in Redis, the read model (`JOUST_SNAPSHOT_TTL_SECS`).
    pub snapshots: Snapshots,
    /// Unjudged submissions a player may have in a battle (`JOUST_MAX_PENDING_SUBMISSIONS`).
    pub max_pending_submissions: u32,
    /// Registered accounts: token lifetimes, lockout, password hashing cost.
    pub accounts: AccountSettings,
    /// Register, login and refresh requests per client IP (`JOUST_AUTH_IP_RATE`); `None` when
    /// off.
    pub auth_ips: Option<Arc<KeyedBuckets<IpAddr>>>,
    /// Register and login attempts per handle, refreshes per account
    /// (`JOUST_AUTH_HANDLE_RATE`); `None` when off.
    pub auth_handles: Option<Arc<KeyedBuckets<String>>>,
    /// Password hashes allowed to run at once (`JOUST_ARGON2_MAX_CONCURRENT`).
    pub hash_slots: Arc<tokio::sync::Semaphore>,
    /// Who is online across instances (`JOUST_PRESENCE_TTL_MS`, `JOUST_PRESENCE_HEARTBEAT_MS`).
    pub presence: crate::settings::PresenceSettings,
    pub metrics: Metrics,
}

/// Buckets of `rate`, or `None` when it is off.
fn buckets<K: std::hash::Hash + Eq + Clone>(rate: Rate) -> Option<Arc<KeyedBuckets<K>>> {
    (!rate.is_off()).then(|| Arc::new(KeyedBuckets::new(rate.per_sec, f64::from(rate.burst))))
}

impl AppState {
    pub fn new(
        settings: &Settings,
        pool: PgPool,
        client: redis::Client,
        redis: redis::aio::ConnectionManager,
        metrics: Metrics,
    ) -> Self {
        let prefix = settings.stores.redis_prefix.clone();
        Self {
            locks: BattleLocks::new(
                client,
                &prefix,
                settings.lock.clone(),
                metrics.locks.clone(),
            ),
            tokens: TokenKeys::from_ring(&settings.jwt, settings.token_ttl),
            countdown: settings.countdown,
            battle_length: settings.battle_length,
            max_event_bytes: settings.max_event_bytes,
            sweep_interval: settings.sweep_interval,
            reconnect_grace: settings.reconnect_grace,
            handshakes: Arc::new(KeyedBuckets::new(
                settings.handshake_rate,
                settings.handshake_burst,
            )),
            handshake_failures: Arc::new(KeyedBuckets::new(
                settings.handshake_failure_rate,
                settings.handshake_failure_burst,
            )),
            guest_logins: (!settings.limits.guest.is_off()).then(|| {
                Arc::new(KeyedBuckets::new(
                    settings.limits.guest.per_sec,
                    f64::from(settings.limits.guest.burst),
                ))
            }),
            trusted_proxies: settings.trusted_proxies.clone().into(),
            limits: Arc::new(EventLimits::new(&settings.limits)),
            challenge_ttl: settings.challenge_ttl,
            max_open_challenges: settings.max_open_challenges,
            draining: Arc::default(),
            drain_window: settings.drain_window,
            outbox_capacity: settings.outbox_capacity,
            matchmaking: settings.matchmaking.clone(),
            snapshots: Snapshots::new(
                redis.clone(),
                pool.clone(),
                &prefix,
                settings.snapshot_ttl,
                metrics.snapshot_reads.clone(),
                metrics.snapshot_failures.clone(),
            ),
            max_pending_submissions: settings.max_pending_submissions.max(1),
            accounts: settings.accounts.clone(),
            auth_ips: buckets(settings.accounts.ip_rate),
            auth_handles: buckets(settings.accounts.handle_rate),
            hash_slots: Arc::new(tokio::sync::Semaphore::new(
                settings.accounts.argon2_max_concurrent.max(1),
            )),
            presence: settings.presence.clone(),
            pool,
            redis,
            redis_prefix: prefix,
            metrics,
        }
    }

    /// Publishes committed events to every instance, for `players` and the battle's
    /// spectators.
    pub async fn publish(&self, players: &[Uuid], events: &[BattleEvent]) {
        battle_events::publish(self.redis.clone(), &self.redis_prefix, players, events).await;
    }
}
