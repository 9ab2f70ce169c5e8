//! Delivers published battle events to the sockets of this instance. Every instance subscribes,
//! and each emits only locally, so a player gets an event exactly once wherever it is connected.

use futures::StreamExt;
use joust_common::battle_events::{self, PublishedEvent};

use crate::{metrics::Metrics, socket::user_room, startup::Io};

/// Subscribes and relays until the connection ends; reconnects with a pause.
pub async fn run(client: redis::Client, prefix: String, io: Io, metrics: Metrics) {
    let channel = battle_events::channel(&prefix);
    loop {
        match relay_once(&client, &channel, &io, &metrics).await {
            Ok(()) => tracing::warn!("battle event subscription ended; resubscribing"),
            Err(e) => tracing::warn!(error = %e, "battle event subscription failed; resubscribing"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

async fn relay_once(
    client: &redis::Client,
    channel: &str,
    io: &Io,
    metrics: &Metrics,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let payload: String = match message.get_payload() {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable battle event");
                continue;
            }
        };
        let published: PublishedEvent = match serde_json::from_str(&payload) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "malformed battle event");
                continue;
            }
        };
        let rooms: Vec<String> = published.players.iter().map(|p| user_room(*p)).collect();
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
    Ok(())
}
