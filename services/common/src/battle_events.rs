//! Delivery of committed battle events: they are published on one Redis channel so that every
//! battle instance can push them to its connected players. The log itself is
//! [`crate::domain::events`]. Messages for one user only (a submission's compiler output) go on a
//! second channel, which the battle service delivers to that user's sockets and nowhere else.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::events::BattleEvent;

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

/// Publishes committed events for `players` (and the battle's spectators). Delivery is best
/// effort: a failure is logged here and nothing else, since the events are in the log and a
/// client that misses one sees a gap in `seq` and resumes.
pub async fn publish(
    mut redis: redis::aio::ConnectionManager,
    prefix: &str,
    players: &[Uuid],
    events: &[BattleEvent],
) {
    if let Err(e) = publish_each(&mut redis, &channel(prefix), players, events).await {
        tracing::warn!(error = %e, "publishing battle events failed");
    }
}

async fn publish_each(
    redis: &mut redis::aio::ConnectionManager,
    channel: &str,
    players: &[Uuid],
    events: &[BattleEvent],
) -> redis::RedisResult<()> {
    for event in events {
        let payload = serde_json::to_string(&PublishedEvent {
            players: players.to_vec(),
            event: event.clone(),
        })
        .expect("events serialize");
        redis::cmd("PUBLISH")
            .arg(channel)
            .arg(payload)
            .query_async::<i64>(redis)
            .await?;
    }
    Ok(())
}

/// A message addressed to one user's sockets only, never to the battle's room or spectators;
/// it is not in the event log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrivateMessage {
    pub user_id: Uuid,
    pub battle_id: Uuid,
    /// The socket event name, e.g. `submission:compile_output`.
    pub event: String,
    pub data: serde_json::Value,
}

/// The socket event that carries a submission's compiler output to its submitter.
pub const COMPILE_OUTPUT_EVENT: &str = "submission:compile_output";

/// The channel private messages are published on.
pub fn private_channel(prefix: &str) -> String {
    format!("{prefix}battle-private")
}

/// Publishes a private message; best effort like [`publish`].
pub async fn publish_private(
    mut redis: redis::aio::ConnectionManager,
    prefix: &str,
    message: &PrivateMessage,
) {
    let payload = serde_json::to_string(message).expect("private messages serialize");
    let published: redis::RedisResult<i64> = redis::cmd("PUBLISH")
        .arg(private_channel(prefix))
        .arg(payload)
        .query_async(&mut redis)
        .await;
    if let Err(e) = published {
        tracing::warn!(error = %e, "publishing a private message failed");
    }
}
