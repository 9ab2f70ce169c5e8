//! The battle event log: every state change of a battle is a row in `battle_events` with a
//! per-battle sequence number, written in the transaction that makes the change, and then
//! published on Redis so that every battle instance can push it to its connected players.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// What a client receives for each event: enough to detect a gap and ask for a resume.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BattleEvent {
    pub battle_id: Uuid,
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub at: DateTime<Utc>,
    pub data: serde_json::Value,
}

/// What travels on the Redis channel: the event and the users it concerns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedEvent {
    pub players: Vec<Uuid>,
    pub event: BattleEvent,
}

/// The channel battle events are published on.
pub fn channel(prefix: &str) -> String {
    format!("{prefix}battle-events")
}

/// Appends an event to the battle's log, taking the next sequence number. Call inside the
/// transaction that makes the change: the `UPDATE ... RETURNING` row lock serializes writers.
pub async fn append(
    conn: &mut PgConnection,
    battle_id: Uuid,
    kind: &str,
    data: serde_json::Value,
) -> sqlx::Result<BattleEvent> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE battles SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
    )
    .bind(battle_id)
    .fetch_one(&mut *conn)
    .await?;
    let at: DateTime<Utc> = sqlx::query_scalar(
        "INSERT INTO battle_events (battle_id, seq, type, data) VALUES ($1, $2, $3, $4) RETURNING created_at",
    )
    .bind(battle_id)
    .bind(seq)
    .bind(kind)
    .bind(sqlx::types::Json(&data))
    .fetch_one(&mut *conn)
    .await?;
    Ok(BattleEvent {
        battle_id,
        seq,
        kind: kind.to_owned(),
        at,
        data,
    })
}

/// Events of a battle after `after_seq`, in order.
pub async fn since(
    conn: &mut PgConnection,
    battle_id: Uuid,
    after_seq: i64,
) -> sqlx::Result<Vec<BattleEvent>> {
    let rows = sqlx::query(
        "SELECT seq, type, data, created_at FROM battle_events WHERE battle_id = $1 AND seq > $2 ORDER BY seq",
    )
    .bind(battle_id)
    .bind(after_seq)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(BattleEvent {
                battle_id,
                seq: row.try_get("seq")?,
                kind: row.try_get("type")?,
                data: row
                    .try_get::<sqlx::types::Json<serde_json::Value>, _>("data")?
                    .0,
                at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Publishes committed events. Delivery is best effort: a client that misses one sees a gap in
/// `seq` and resumes from the log.
pub async fn publish(
    redis: &mut redis::aio::ConnectionManager,
    prefix: &str,
    players: &[Uuid],
    events: &[BattleEvent],
) -> redis::RedisResult<()> {
    let channel = channel(prefix);
    for event in events {
        let payload = serde_json::to_string(&PublishedEvent {
            players: players.to_vec(),
            event: event.clone(),
        })
        .expect("events serialize");
        redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(payload)
            .query_async::<i64>(redis)
            .await?;
    }
    Ok(())
}
