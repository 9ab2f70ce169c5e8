//! Delivers published battle traffic to the sockets of this instance. Every instance subscribes,
//! and each emits only locally, so a player gets a message exactly once wherever it is
//! connected. Two channels: logged battle events (to the players and the battle's spectators)
//! and live chat and progress (see `live`).

use futures::StreamExt;
use joust_common::battle_events::{self, PublishedEvent};

use crate::{
    live::{self, LiveMessage, battle_room},
    metrics::Metrics,
    socket::user_room,
    startup::Io,
};

/// Subscribes and relays until the connection ends; reconnects with a pause.
pub async fn run(client: redis::Client, prefix: String, io: Io, metrics: Metrics) {
    let channels = Channels {
        events: battle_events::channel(&prefix),
        live: live::channel(&prefix),
    };
    loop {
        match relay_once(&client, &channels, &io, &metrics).await {
            Ok(()) => tracing::warn!("battle event subscription ended; resubscribing"),
            Err(e) => tracing::warn!(error = %e, "battle event subscription failed; resubscribing"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

struct Channels {
    events: String,
    live: String,
}

async fn relay_once(
    client: &redis::Client,
    channels: &Channels,
    io: &Io,
    metrics: &Metrics,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(&channels.events).await?;
    pubsub.subscribe(&channels.live).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let payload: String = match message.get_payload() {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable battle message");
                continue;
            }
        };
        if message.get_channel_name() == channels.live {
            relay_live(io, &payload).await;
        } else {
            relay_event(io, metrics, &payload).await;
        }
    }
    Ok(())
}

async fn relay_event(io: &Io, metrics: &Metrics, payload: &str) {
    let published: PublishedEvent = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "malformed battle event");
            return;
        }
    };
    let mut rooms: Vec<String> = published.players.iter().map(|p| user_room(*p)).collect();
    rooms.push(battle_room(published.event.battle_id));
    if let Err(e) = io
        .local()
        .to(rooms)
        .emit("battle:event", &published.event)
        .await
    {
        tracing::debug!(error = %e, "emitting a battle event failed");
    }
    metrics
        .events_relayed
        .with_label_values(&[published.event.kind.as_str()])
        .inc();
}

async fn relay_live(io: &Io, payload: &str) {
    let message: LiveMessage = match serde_json::from_str(payload) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "malformed live battle message");
            return;
        }
    };
    let mut rooms: Vec<String> = message.players.iter().map(|p| user_room(*p)).collect();
    rooms.push(battle_room(message.battle_id));
    let mut target = io.local().to(rooms);
    if let Some(except) = message.except {
        target = target.except(user_room(except));
    }
    // A socket whose buffer is full just misses it: this traffic is not logged.
    if let Err(e) = target.emit(&message.event, &message.data).await {
        tracing::debug!(error = %e, "emitting live battle traffic failed");
    }
}
