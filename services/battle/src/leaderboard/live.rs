//! The live top 100: lobby sockets that sent `leaderboard:subscribe` are in the
//! [`ROOM`] room, and get `leaderboard:top` with the whole new top 100 whenever a finished
//! battle changes it.
//!
//! Every instance subscribes to the battle events channel and sees every `battle.finished`
//! event, whoever finished the battle (this service or the judge), so each one decides for its
//! own sockets and emits locally, like the relay: no instance depends on another being up.
//! Each keeps the top 100 it last read; an event whose players are neither in it nor rated at
//! least as high as its last entry cannot change it and costs no query. Otherwise the instance
//! reads the top 100 again (one short scan of `users_leaderboard`) and pushes it if it differs.

use std::{sync::Arc, time::Duration};

use futures::StreamExt;
use joust_common::{
    battle_events::{self, PublishedEvent},
    domain::{EventKind, RatingChange},
};
use serde::{Deserialize, Serialize};
use socketioxide::extract::SocketRef;
use sqlx::PgPool;
use tokio::sync::Mutex;

use super::{Standing, TOP};
use crate::{
    AppState,
    auth::Player,
    error::ApiError,
    metrics::Metrics,
    outbox::{Outbound, Outbox, Priority},
    state::{Adapter, Io},
};

/// The room of the sockets that follow the live leaderboard.
pub const ROOM: &str = "leaderboard";
/// The server event that carries a new top 100.
pub const EVENT: &str = "leaderboard:top";

/// The top 100 this instance last read, to tell whether a finished battle changed it.
#[derive(Clone)]
pub struct TopCache {
    pool: PgPool,
    /// `None` before the first read.
    top: Arc<Mutex<Option<Vec<Standing>>>>,
}

/// `leaderboard:subscribe` and `leaderboard:unsubscribe` take no fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {}

/// The ack of `leaderboard:subscribe`, and the data of `leaderboard:top`.
#[derive(Debug, Clone, Serialize)]
pub struct TopPlayers {
    pub players: Vec<Standing>,
}

#[derive(Debug, Serialize)]
pub struct Unsubscribed {}

impl TopCache {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            top: Arc::default(),
        }
    }

    /// The new top 100 when `changes` changed it since this instance last looked, else `None`.
    pub async fn changed_by(
        &self,
        changes: &[RatingChange],
    ) -> sqlx::Result<Option<Vec<Standing>>> {
        let mut cached = self.top.lock().await;
        if let Some(top) = cached.as_ref() {
            let cutoff = (top.len() as i64 >= TOP).then(|| top.last().map(|s| s.rating));
            let may_change = changes.iter().any(|c| {
                top.iter().any(|s| s.user_id == c.user_id)
                    || cutoff.flatten().is_none_or(|r| c.rating_after >= r)
            });
            if !may_change {
                return Ok(None);
            }
        }
        let fresh = super::top(&self.pool).await?;
        if cached.as_ref() == Some(&fresh) {
            return Ok(None);
        }
        *cached = Some(fresh.clone());
        Ok(Some(fresh))
    }
}

/// `leaderboard:subscribe`: follows the live top 100; acks the current one.
pub async fn subscribe(
    state: AppState,
    _player: Player,
    socket: SocketRef<Adapter>,
    _request: Subscribe,
) -> Result<TopPlayers, ApiError> {
    socket.join(ROOM);
    Ok(TopPlayers {
        players: super::top(&state.pool).await?,
    })
}

/// `leaderboard:unsubscribe`: stops following it.
pub async fn unsubscribe(
    _state: AppState,
    _player: Player,
    socket: SocketRef<Adapter>,
    _request: Subscribe,
) -> Result<Unsubscribed, ApiError> {
    socket.leave(ROOM);
    Ok(Unsubscribed {})
}

/// Follows the battle events channel until the process ends, pushing each change of the top
/// 100 to this instance's subscribers; resubscribes after a pause when the connection drops.
pub async fn run(client: redis::Client, prefix: String, io: Io, metrics: Metrics, cache: TopCache) {
    let channel = battle_events::channel(&prefix);
    loop {
        match follow(&client, &channel, &io, &metrics, &cache).await {
            Ok(()) => tracing::warn!("leaderboard subscription ended; resubscribing"),
            Err(e) => tracing::warn!(error = %e, "leaderboard subscription failed; resubscribing"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn follow(
    client: &redis::Client,
    channel: &str,
    io: &Io,
    metrics: &Metrics,
    cache: &TopCache,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        // Pings and malformed messages are the relay's concern.
        let Ok(payload) = message.get_payload::<String>() else {
            continue;
        };
        let Ok(published) = serde_json::from_str::<PublishedEvent>(&payload) else {
            continue;
        };
        if published.event.kind == EventKind::BattleFinished {
            on_finished(cache, io, metrics, &published.event.data).await;
        }
    }
    Ok(())
}

/// A `battle.finished` event's data: pushes the new top 100 to this instance's subscribers if
/// the battle changed it.
pub async fn on_finished(cache: &TopCache, io: &Io, metrics: &Metrics, data: &serde_json::Value) {
    let Ok(changes) = serde_json::from_value::<Vec<RatingChange>>(data["ratings"].clone()) else {
        tracing::warn!("battle.finished without rating changes");
        return;
    };
    let players = match cache.changed_by(&changes).await {
        Ok(Some(players)) => players,
        Ok(None) => return,
        Err(e) => {
            metrics.leaderboard_push_failures.inc();
            tracing::warn!(error = %e, "reading the top of the leaderboard failed");
            return;
        }
    };
    // `local()` panics once the namespace is gone (a draining instance closing).
    let Some(namespace) = io.of("/") else {
        return;
    };
    let data = serde_json::to_value(TopPlayers { players }).expect("standings serialize");
    let message = Outbound {
        priority: Priority::Normal,
        event: EVENT.into(),
        data: Arc::new(data),
    };
    for socket in namespace.local().to(ROOM).sockets() {
        if let Some(outbox) = socket.extensions.get::<Outbox>()
            && let Some(dropped) = outbox.push(message.clone())
        {
            metrics
                .events_dropped
                .with_label_values(&[dropped.as_str()])
                .inc();
        }
    }
}
