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

use std::time::Duration;

use chrono::{DateTime, Utc};
use joust_common::domain::{self, BattleEvent, BattleStatus, EventKind, Outcome};
use prometheus::IntCounterVec;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::ApiError;

/// A battle as the log says it is after event `last_seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BattleSnapshot {
    pub battle_id: Uuid,
    /// The last event folded in.
    pub last_seq: i64,
    pub status: BattleStatus,
    pub players: Vec<PlayerState>,
    pub starts_at: Option<DateTime<Utc>>,
    /// When the battle becomes a draw; moved by `battle.extended`. Absent for battles created
    /// before the end was part of `battle.created`.
    pub ends_at: Option<DateTime<Utc>>,
    /// The problem, once revealed by `battle.started`.
    pub problem: Option<serde_json::Value>,
    pub winner_id: Option<Uuid>,
    /// How it ended, once finished.
    pub outcome: Option<Outcome>,
}

/// One player's side of a battle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerState {
    pub id: Uuid,
    pub name: String,
    /// Submissions made so far.
    pub submissions: u32,
    /// Submissions still waiting for their verdict.
    pub pending: u32,
    /// Most hidden tests one of the player's submissions passed.
    pub best_passed_tests: u64,
    pub verdicts: Vec<String>,
    /// False between `player.disconnected` and `player.reconnected`.
    pub connected: bool,
}

/// Why a log could not be folded.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FoldError {
    #[error("event {got} does not follow event {last}")]
    Gap { last: i64, got: i64 },
    #[error("the log does not start with battle.created")]
    NoCreation,
}

impl BattleSnapshot {
    /// Folds a whole log, from its first event.
    pub fn from_log(events: &[BattleEvent]) -> Result<Self, FoldError> {
        let (first, rest) = events.split_first().ok_or(FoldError::NoCreation)?;
        if first.kind != EventKind::BattleCreated || first.seq != 1 {
            return Err(FoldError::NoCreation);
        }
        let players = first.data["players"]
            .as_array()
            .map(|players| {
                players
                    .iter()
                    .filter_map(|p| {
                        Some(PlayerState {
                            id: p["id"].as_str()?.parse().ok()?,
                            name: p["name"].as_str().unwrap_or_default().to_owned(),
                            submissions: 0,
                            pending: 0,
                            best_passed_tests: 0,
                            verdicts: Vec::new(),
                            connected: true,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut snapshot = Self {
            battle_id: first.battle_id,
            last_seq: first.seq,
            status: BattleStatus::Countdown,
            players,
            starts_at: timestamp(&first.data["starts_at"]),
            ends_at: timestamp(&first.data["ends_at"]),
            problem: None,
            winner_id: None,
            outcome: None,
        };
        for event in rest {
            snapshot.apply(event)?;
        }
        Ok(snapshot)
    }

    /// Folds the event that follows `last_seq`.
    pub fn apply(&mut self, event: &BattleEvent) -> Result<(), FoldError> {
        if event.seq != self.last_seq + 1 {
            return Err(FoldError::Gap {
                last: self.last_seq,
                got: event.seq,
            });
        }
        self.last_seq = event.seq;
        let data = &event.data;
        let user = data["user_id"]
            .as_str()
            .and_then(|u| u.parse::<Uuid>().ok());
        match event.kind {
            EventKind::BattleStarted => {
                self.status = BattleStatus::Running;
                self.problem = Some(data["problem"].clone());
            }
            EventKind::SubmissionReceived => {
                if let Some(player) = self.player_mut(user) {
                    player.submissions += 1;
                    player.pending += 1;
                }
            }
            EventKind::SubmissionJudged => {
                if let Some(player) = self.player_mut(user) {
                    player.pending = player.pending.saturating_sub(1);
                    let passed = data["passed_tests"].as_u64().unwrap_or(0);
                    player.best_passed_tests = player.best_passed_tests.max(passed);
                    if let Some(verdict) = data["verdict"].as_str() {
                        player.verdicts.push(verdict.to_owned());
                    }
                }
            }
            EventKind::BattleExtended => {
                if let Some(ends_at) = timestamp(&data["ends_at"]) {
                    self.ends_at = Some(ends_at);
                }
            }
            EventKind::PlayerDisconnected | EventKind::PlayerReconnected => {
                let connected = event.kind == EventKind::PlayerReconnected;
                if let Some(player) = self.player_mut(user) {
                    player.connected = connected;
                }
            }
            EventKind::BattleFinished => {
                self.status = BattleStatus::Finished;
                self.winner_id = data["winner_id"].as_str().and_then(|w| w.parse().ok());
                self.outcome = data["outcome"].as_str().and_then(Outcome::parse);
            }
            // Nothing shown here changes.
            EventKind::BattleCreated | EventKind::JudgingDelayed => {}
        }
        Ok(())
    }

    fn player_mut(&mut self, user: Option<Uuid>) -> Option<&mut PlayerState> {
        let user = user?;
        self.players.iter_mut().find(|p| p.id == user)
    }

    pub fn player_ids(&self) -> Vec<Uuid> {
        self.players.iter().map(|p| p.id).collect()
    }
}

fn timestamp(value: &serde_json::Value) -> Option<DateTime<Utc>> {
    serde_json::from_value(value.clone()).ok()
}

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(seq: i64, kind: EventKind, data: serde_json::Value) -> BattleEvent {
        BattleEvent {
            battle_id: Uuid::nil(),
            seq,
            kind,
            at: Utc::now(),
            data,
        }
    }

    const A: &str = "00000000-0000-4000-8000-00000000000a";
    const B: &str = "00000000-0000-4000-8000-00000000000b";

    fn created() -> BattleEvent {
        event(
            1,
            EventKind::BattleCreated,
            json!({
                "players": [{ "id": A, "name": "ada" }, { "id": B, "name": "bob" }],
                "starts_at": "2026-12-01T10:00:00Z",
                "ends_at": "2026-12-01T10:30:00Z",
                "countdown_ms": 3000,
            }),
        )
    }

    #[test]
    fn a_whole_duel_folds_into_its_final_state() {
        let log = vec![
            created(),
            event(
                2,
                EventKind::BattleStarted,
                json!({ "problem": { "slug": "sum" } }),
            ),
            event(3, EventKind::SubmissionReceived, json!({ "user_id": A })),
            event(4, EventKind::SubmissionReceived, json!({ "user_id": B })),
            event(
                5,
                EventKind::SubmissionJudged,
                json!({ "user_id": A, "verdict": "WA", "passed_tests": 2 }),
            ),
            event(6, EventKind::PlayerDisconnected, json!({ "user_id": B })),
            event(
                7,
                EventKind::BattleExtended,
                json!({ "ends_at": "2026-12-01T10:31:00Z" }),
            ),
            event(8, EventKind::JudgingDelayed, json!({ "user_id": B })),
            event(
                9,
                EventKind::SubmissionJudged,
                json!({ "user_id": B, "verdict": "AC", "passed_tests": 5 }),
            ),
            event(
                10,
                EventKind::BattleFinished,
                json!({ "winner_id": B, "outcome": "accepted" }),
            ),
        ];
        let s = BattleSnapshot::from_log(&log).unwrap();
        assert_eq!(s.last_seq, 10);
        assert_eq!(s.status, BattleStatus::Finished);
        assert_eq!(s.winner_id, Some(B.parse().unwrap()));
        assert_eq!(s.outcome, Some(Outcome::Accepted));
        assert_eq!(s.problem, Some(json!({ "slug": "sum" })));
        assert_eq!(
            s.ends_at,
            Some("2026-12-01T10:31:00Z".parse().unwrap()),
            "extended"
        );
        let (a, b) = (&s.players[0], &s.players[1]);
        assert_eq!((a.name.as_str(), a.submissions, a.pending), ("ada", 1, 0));
        assert_eq!(
            (a.best_passed_tests, a.verdicts.clone()),
            (2, vec!["WA".into()])
        );
        assert_eq!((b.submissions, b.pending, b.best_passed_tests), (1, 0, 5));
        assert!(a.connected && !b.connected);
    }

    #[test]
    fn folding_step_by_step_equals_folding_the_log() {
        let log = vec![
            created(),
            event(2, EventKind::BattleStarted, json!({ "problem": {} })),
            event(3, EventKind::SubmissionReceived, json!({ "user_id": A })),
        ];
        let mut stepwise = BattleSnapshot::from_log(&log[..1]).unwrap();
        assert_eq!(stepwise.status, BattleStatus::Countdown);
        for e in &log[1..] {
            stepwise.apply(e).unwrap();
        }
        assert_eq!(stepwise, BattleSnapshot::from_log(&log).unwrap());
        assert_eq!(stepwise.players[0].pending, 1);
    }

    #[test]
    fn a_gap_or_a_headless_log_is_refused() {
        let mut s = BattleSnapshot::from_log(&[created()]).unwrap();
        let skipped = event(3, EventKind::BattleStarted, json!({}));
        assert_eq!(s.apply(&skipped), Err(FoldError::Gap { last: 1, got: 3 }));
        assert_eq!(s.last_seq, 1, "a refused event changes nothing");
        assert_eq!(
            BattleSnapshot::from_log(&[event(2, EventKind::BattleStarted, json!({}))]),
            Err(FoldError::NoCreation)
        );
        assert_eq!(BattleSnapshot::from_log(&[]), Err(FoldError::NoCreation));
    }
}
