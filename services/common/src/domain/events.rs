//! The battle event log: every state change of a battle is a row in `battle_events` with a
//! per-battle sequence number, written in the transaction that makes the change. Publishing
//! the committed events to the battle instances is the job of the `battle_events` module.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use super::battle::EventKind;

/// What a client receives for each event: enough to detect a gap and ask for a resume.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BattleEvent {
    pub battle_id: Uuid,
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    pub data: serde_json::Value,
}

/// Appends an event to the battle's log, taking the next sequence number. Call inside the
/// transaction that makes the change: the `UPDATE ... RETURNING` row lock serializes writers.
pub async fn append(
    conn: &mut PgConnection,
    battle_id: Uuid,
    kind: EventKind,
    data: serde_json::Value,
) -> sqlx::Result<BattleEvent> {
    let seq = sqlx::query_scalar!(
        "UPDATE battles SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
        battle_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    let at = sqlx::query_scalar!(
        "INSERT INTO battle_events (battle_id, seq, type, data) VALUES ($1, $2, $3, $4) RETURNING created_at",
        battle_id,
        seq,
        kind.as_str(),
        sqlx::types::Json(&data) as _,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(BattleEvent {
        battle_id,
        seq,
        kind,
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
    sqlx::query_as!(
        BattleEvent,
        r#"SELECT battle_id, seq, type AS "kind: EventKind", data AS "data: serde_json::Value", created_at AS at
           FROM battle_events WHERE battle_id = $1 AND seq > $2 ORDER BY seq"#,
        battle_id,
        after_seq,
    )
    .fetch_all(&mut *conn)
    .await
}
