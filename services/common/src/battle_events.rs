//! Delivery of committed battle events: they are published on one Redis channel so that every
//! battle instance can push them to its connected players. The log itself is
//! [`crate::domain::events`]. Messages for one user only (a submission's compiler output) go on a
//! second channel, which the battle service delivers to that user's sockets and nowhere else.

use std::time::Duration;

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

/// How long events that reached no instance are published again, in the background: longer
/// than a Redis restart takes, plus the half second a relay waits before it subscribes again.
const REPUBLISH_FOR: Duration = Duration::from_secs(10);
/// The pause between two attempts of a republish.
const REPUBLISH_PAUSE: Duration = Duration::from_millis(250);

/// Publishes committed events for `players` (and the battle's spectators). An event that no
/// instance received (Redis was down, or had just restarted and no relay had subscribed again)
/// is published again in the background for a while, so that players still connected get it
/// live; past that it is logged and left to the log, since a client that misses an event sees
/// a gap in `seq` and resumes. A late copy can arrive after a later event; clients skip `seq`s
/// they already have.
pub async fn publish(
    mut redis: redis::aio::ConnectionManager,
    prefix: &str,
    players: &[Uuid],
    events: &[BattleEvent],
) {
    let channel = channel(prefix);
    let mut unheard = Vec::new();
    for event in events {
        let payload = serde_json::to_string(&PublishedEvent {
            players: players.to_vec(),
            event: event.clone(),
        })
        .expect("events serialize");
        if !publish_heard(&mut redis, &channel, &payload).await {
            unheard.push(payload);
        }
    }
    if !unheard.is_empty() {
        tokio::spawn(republish(redis, channel, unheard));
    }
}

/// Publishes one payload; whether at least one subscriber received it.
async fn publish_heard(
    redis: &mut redis::aio::ConnectionManager,
    channel: &str,
    payload: &str,
) -> bool {
    let receivers: redis::RedisResult<i64> = redis::cmd("PUBLISH")
        .arg(channel)
        .arg(payload)
        .query_async(redis)
        .await;
    match receivers {
        Ok(n) => n > 0,
        Err(e) => {
            tracing::debug!(error = %e, "publishing a battle event failed");
            false
        }
    }
}

async fn republish(
    mut redis: redis::aio::ConnectionManager,
    channel: String,
    mut unheard: Vec<String>,
) {
    let deadline = tokio::time::Instant::now() + REPUBLISH_FOR;
    while !unheard.is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(REPUBLISH_PAUSE).await;
        let mut still = Vec::new();
        for payload in unheard {
            if !publish_heard(&mut redis, &channel, &payload).await {
                still.push(payload);
            }
        }
        unheard = still;
    }
    if !unheard.is_empty() {
        tracing::warn!(
            events = unheard.len(),
            "battle events reached no instance; clients recover them with battle:resume"
        );
    }
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
