//! The state every handler shares, and the Socket.IO types it is served through.
//!
//! Built once from [`Settings`] by [`AppState::new`]; `startup` only wires it to the server.

use std::{
    sync::{Arc, atomic::AtomicBool},
    time::Duration,
};

use joust_common::{battle_events, domain::BattleEvent};
use socketioxide::SocketIo;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    Settings, auth::TokenKeys, lock::BattleLocks, metrics::Metrics, ratelimit::TokenBucket,
    settings::MatchSettings, snapshot::Snapshots,
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
    /// Handshakes this instance accepts (`JOUST_HANDSHAKE_RATE`, `JOUST_HANDSHAKE_BURST`).
    pub handshakes: Arc<TokenBucket>,
    /// Set on SIGTERM: readiness fails and new handshakes are refused while clients move.
    pub draining: Arc<AtomicBool>,
    pub drain_window: Duration,
    /// Messages queued per connection before dropping (`JOUST_OUTBOX_CAPACITY`).
    pub outbox_capacity: usize,
    /// The matchmaking rating window (`JOUST_MATCH_WINDOW*`).
    pub matchmaking: MatchSettings,
    /// Battle snapshots in Redis, the read model (`JOUST_SNAPSHOT_TTL_SECS`).
    pub snapshots: Snapshots,
    pub metrics: Metrics,
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
            tokens: TokenKeys::new(&settings.jwt_secret, settings.token_ttl),
            countdown: settings.countdown,
            battle_length: settings.battle_length,
            max_event_bytes: settings.max_event_bytes,
            sweep_interval: settings.sweep_interval,
            reconnect_grace: settings.reconnect_grace,
            handshakes: Arc::new(TokenBucket::new(
                settings.handshake_rate,
                settings.handshake_burst,
            )),
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
