//! The hot read model of a battle: a snapshot of its state in Redis, folded from its event log.
//!
//! PostgreSQL holds the truth (the battle row and its `battle_events` log); every state change
//! is made there. Reads that only need to know what a battle looks like now (who plays, whether
//! it is over, the revealed problem, each player's progress) go to the snapshot instead: one
//! Redis read instead of a database round trip on the paths that run most (chat, progress,
//! spectating, `battle:state`).
//!
//! A snapshot is exactly the log folded up to its `last_seq`, so two instances that build the
//! snapshot of the same prefix build the same value. It is only ever replaced by one with a
//! higher `last_seq` (a compare in a Lua script), so concurrent writers cannot move it back.
//! Every instance folds each relayed event into the cached snapshot before delivering it, so a
//! client that has seen event `n` reads a state of at least `n`; a snapshot that missed an
//! event (its instance was down, the publish was lost) is rebuilt from the log when the next
//! event shows the gap, and one that is missing (expired, Redis lost its data) is rebuilt on
//! the next read. The TTL slides with every read and write, so only idle battles expire.

mod fold;

use std::time::Duration;

use joust_common::domain::{self, BattleEvent};
use prometheus::IntCounterVec;
use sqlx::PgPool;
use uuid::Uuid;

pub use fold::{BattleSnapshot, FoldError, PlayerState};

use crate::error::ApiError;

/// Replaces the snapshot only with a newer one (a higher `last_seq`); an equal or older one
/// just refreshes the TTL. KEYS[1] snapshot; ARGV[1] JSON, ARGV[2] its last_seq, ARGV[3] TTL ms.
const STORE_IF_NEWER: &str = r"
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded['last_seq']) and tonumber(decoded['last_seq']) >= tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
";

/// Reads and maintains battle snapshots.
#[derive(Clone)]
pub struct Snapshots {
    redis: redis::aio::ConnectionManager,
    pool: PgPool,
    prefix: String,
    ttl: Duration,
    store_script: redis::Script,
    /// `battle_snapshot_reads_total{source}`: `cache` or `log` (rebuilt).
    reads: IntCounterVec,
    /// `battle_snapshot_failures_total{operation}`: Redis reads or writes that failed (the
    /// log answered instead).
    failures: IntCounterVec,
}

impl Snapshots {
    pub fn new(
        redis: redis::aio::ConnectionManager,
        pool: PgPool,
        prefix: &str,
        ttl: Duration,
        reads: IntCounterVec,
        failures: IntCounterVec,
    ) -> Self {
        Self {
            redis,
            pool,
            prefix: prefix.to_owned(),
            ttl,
            store_script: redis::Script::new(STORE_IF_NEWER),
            reads,
            failures,
        }
    }

    /// The Redis key of a battle's snapshot.
    pub fn key(prefix: &str, battle_id: Uuid) -> String {
        format!("{prefix}battle:{battle_id}:snapshot")
    }

    fn ttl_ms(&self) -> u64 {
        self.ttl.as_millis().max(1) as u64
    }

    /// The battle's current state, from Redis, or rebuilt from the log (and cached) when Redis
    /// has none. `None` when there is no such battle.
    pub async fn load(&self, battle_id: Uuid) -> Result<Option<BattleSnapshot>, ApiError> {
        if let Some(snapshot) = self.cached(battle_id, true).await {
            self.reads.with_label_values(&["cache"]).inc();
            return Ok(Some(snapshot));
        }
        self.reads.with_label_values(&["log"]).inc();
        self.rebuild(battle_id).await
    }

    /// The cached snapshot, if readable; `touch` slides its TTL.
    async fn cached(&self, battle_id: Uuid, touch: bool) -> Option<BattleSnapshot> {
        let key = Self::key(&self.prefix, battle_id);
        let mut redis = self.redis.clone();
        let mut command = redis::cmd("GETEX");
        command.arg(&key);
        if touch {
            command.arg("PX").arg(self.ttl_ms());
        }
        match command.query_async::<Option<String>>(&mut redis).await {
            Ok(Some(json)) => match serde_json::from_str(&json) {
                Ok(snapshot) => Some(snapshot),
                Err(e) => {
                    // An older or damaged shape: the log answers, and the rebuild replaces it.
                    tracing::warn!(battle.id = %battle_id, error = %e, "unreadable battle snapshot");
                    self.failures.with_label_values(&["decode"]).inc();
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(battle.id = %battle_id, error = %e, "reading a battle snapshot failed");
                self.failures.with_label_values(&["read"]).inc();
                None
            }
        }
    }

    /// Folds the battle's whole log and caches the result.
    async fn rebuild(&self, battle_id: Uuid) -> Result<Option<BattleSnapshot>, ApiError> {
        let mut conn = self.pool.acquire().await?;
        let events = domain::events::since(&mut conn, battle_id, 0).await?;
        drop(conn);
        if events.is_empty() {
            return Ok(None);
        }
        let snapshot = BattleSnapshot::from_log(&events)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("battle {battle_id}: {e}")))?;
        self.store(&snapshot).await;
        Ok(Some(snapshot))
    }

    async fn store(&self, snapshot: &BattleSnapshot) {
        let json = serde_json::to_string(snapshot).expect("snapshots serialize");
        let mut redis = self.redis.clone();
        let stored: redis::RedisResult<i64> = self
            .store_script
            .key(Self::key(&self.prefix, snapshot.battle_id))
            .arg(json)
            .arg(snapshot.last_seq)
            .arg(self.ttl_ms())
            .invoke_async(&mut redis)
            .await;
        if let Err(e) = stored {
            tracing::warn!(battle.id = %snapshot.battle_id, error = %e, "storing a battle snapshot failed");
            self.failures.with_label_values(&["write"]).inc();
        }
    }

    /// Brings a cached snapshot up to `event`: folds it when it is the next one, rebuilds from
    /// the log when the snapshot missed events, and leaves alone a battle nobody has read (its
    /// snapshot is built on the first read).
    pub async fn advance(&self, event: &BattleEvent) {
        let Some(mut snapshot) = self.cached(event.battle_id, false).await else {
            return;
        };
        if snapshot.last_seq >= event.seq {
            return;
        }
        if snapshot.apply(event).is_ok() {
            self.store(&snapshot).await;
        } else if let Err(e) = self.rebuild(event.battle_id).await {
            tracing::warn!(battle.id = %event.battle_id, error = %e, "rebuilding a battle snapshot failed");
        }
    }
}
