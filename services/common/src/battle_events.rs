//! Delivery of committed battle events: they are published on one Redis channel so that every
//! battle instance can push them to its connected players. The log itself is
//! [`crate::domain::events`].

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
