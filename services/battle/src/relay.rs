//! Delivers published battle traffic to the sockets of this instance. Every instance subscribes,
//! and each emits only locally, so a player gets a message exactly once wherever it is
//! connected. Three channels: logged battle events (to the players and the battle's spectators),
//! live chat and progress (see `live`), and private messages (a submission's compiler output,
//! to its submitter's sockets only). Messages go to each socket through its outbox (see
//! `outbox`), which decides what a socket that cannot keep up misses.
//!
//! Each instance also times its own pub/sub path: every few seconds it publishes a ping on the
//! events channel and observes, when its subscription receives that ping back, how long the
//! round trip took. Pings of other instances are ignored.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use futures::StreamExt;
use joust_common::{
    battle_events::{self, PrivateMessage, PublishedEvent},
    domain::EventKind,
};
use serde::{Deserialize, Serialize};
use socketioxide::extract::SocketRef;
use uuid::Uuid;

use crate::{
    live::{self, LiveMessage, Seats, battle_room},
    metrics::Metrics,
    outbox::{Outbound, Outbox, Priority},
    presence::user_room,
    snapshot::Snapshots,
    state::{Adapter, Io},
};

/// How often an instance measures its pub/sub round trip.
const PING_INTERVAL: Duration = Duration::from_secs(5);

/// A round-trip probe on the events channel. It has no `event` field, so nothing that reads
/// battle events mistakes it for one.
#[derive(Debug, Serialize, Deserialize)]
struct Ping {
    ping: Uuid,
    /// Microseconds since this instance's relay started, when the ping was published.
    sent_us: u64,
}

/// Who is pinging: the instance's id and the clock its pings are timed with.
#[derive(Clone, Copy)]
struct Pinger {
    id: Uuid,
    started: Instant,
}

/// Subscribes and relays until the connection ends; reconnects with a pause.
pub async fn run(
    client: redis::Client,
    prefix: String,
    io: Io,
    metrics: Metrics,
    snapshots: Snapshots,
) {
    let channels = Channels {
        events: battle_events::channel(&prefix),
        live: live::channel(&prefix),
        private: battle_events::private_channel(&prefix),
    };
    let pinger = Pinger {
        id: Uuid::new_v4(),
        started: Instant::now(),
    };
    tokio::spawn(ping(client.clone(), channels.events.clone(), pinger));
    loop {
        match relay_once(&client, &channels, &io, &metrics, pinger, &snapshots).await {
            Ok(()) => tracing::warn!("battle event subscription ended; resubscribing"),
            Err(e) => tracing::warn!(error = %e, "battle event subscription failed; resubscribing"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Publishes a ping on `channel` every [`PING_INTERVAL`], from the start; failures are logged
/// and the next ping tried.
async fn ping(client: redis::Client, channel: String, pinger: Pinger) {
    let mut interval = tokio::time::interval(PING_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connection = None;
    loop {
        interval.tick().await;
        if connection.is_none() {
            match client.get_multiplexed_async_connection().await {
                Ok(c) => connection = Some(c),
                Err(e) => {
                    tracing::debug!(error = %e, "connecting for pub/sub pings failed");
                    continue;
                }
            }
        }
        let Some(redis) = connection.as_mut() else {
            continue;
        };
        let payload = serde_json::to_string(&Ping {
            ping: pinger.id,
            sent_us: pinger.started.elapsed().as_micros() as u64,
        })
        .expect("pings serialize");
        let published: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(payload)
            .query_async(redis)
            .await;
        if let Err(e) = published {
            tracing::debug!(error = %e, "publishing a pub/sub ping failed");
            connection = None;
        }
    }
}

struct Channels {
    events: String,
    live: String,
    private: String,
}

async fn relay_once(
    client: &redis::Client,
    channels: &Channels,
    io: &Io,
    metrics: &Metrics,
    pinger: Pinger,
    snapshots: &Snapshots,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(&channels.events).await?;
    pubsub.subscribe(&channels.live).await?;
    pubsub.subscribe(&channels.private).await?;
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
            relay_live(io, metrics, &payload);
        } else if message.get_channel_name() == channels.private {
            relay_private(io, metrics, &payload);
        } else if let Ok(ping) = serde_json::from_str::<Ping>(&payload) {
            if ping.ping == pinger.id {
                let sent = Duration::from_micros(ping.sent_us);
                let elapsed = pinger.started.elapsed().saturating_sub(sent);
                metrics.pubsub_roundtrip.observe(elapsed.as_secs_f64());
            }
        } else {
            relay_event(io, metrics, &payload, snapshots).await;
        }
    }
    Ok(())
}

/// Folds the event into the battle's snapshot, then queues it for the local sockets: a client
/// that has seen event `n` reads a state of at least `n` from any instance.
async fn relay_event(io: &Io, metrics: &Metrics, payload: &str, snapshots: &Snapshots) {
    let published: PublishedEvent = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "malformed battle event");
            return;
        }
    };
    snapshots.advance(&published.event).await;
    let data = match serde_json::to_value(&published.event) {
        Ok(data) => data,
        Err(e) => {
            tracing::warn!(error = %e, "unserializable battle event");
            return;
        }
    };
    deliver(
        io,
        metrics,
        Target {
            players: &published.players,
            battle_id: published.event.battle_id,
            except: None,
            finishes: published.event.kind == EventKind::BattleFinished,
        },
        Outbound {
            priority: Priority::Critical,
            event: "battle:event".into(),
            data: Arc::new(data),
        },
    );
    metrics
        .events_relayed
        .with_label_values(&[published.event.kind.as_str()])
        .inc();
}

fn relay_live(io: &Io, metrics: &Metrics, payload: &str) {
    let message: LiveMessage = match serde_json::from_str(payload) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "malformed live battle message");
            return;
        }
    };
    deliver(
        io,
        metrics,
        Target {
            players: &message.players,
            battle_id: message.battle_id,
            except: message.except,
            finishes: false,
        },
        Outbound {
            priority: live::priority(&message.event),
            event: message.event,
            data: Arc::new(message.data),
        },
    );
}

/// Queues a private message for the local sockets of its one user: never the battle's room.
fn relay_private(io: &Io, metrics: &Metrics, payload: &str) {
    let message: PrivateMessage = match serde_json::from_str(payload) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "malformed private message");
            return;
        }
    };
    let Some(namespace) = io.of("/") else {
        return;
    };
    let sockets = namespace.local().to(user_room(message.user_id)).sockets();
    push(
        metrics,
        sockets,
        Outbound {
            priority: Priority::Critical,
            event: message.event,
            data: Arc::new(message.data),
        },
    );
}

/// Who gets a message: the players' sockets and the battle's spectators on this instance,
/// except the sockets of one user.
struct Target<'a> {
    players: &'a [Uuid],
    battle_id: Uuid,
    except: Option<Uuid>,
    /// The message ends the battle: the sockets stop accepting its chat and progress.
    finishes: bool,
}

/// Queues `message` in the outbox of every local socket of `target`, counting what the outboxes
/// drop to make room.
fn deliver(io: &Io, metrics: &Metrics, target: Target<'_>, message: Outbound) {
    let mut rooms: Vec<String> = target.players.iter().map(|p| user_room(*p)).collect();
    rooms.push(battle_room(target.battle_id));
    // `io.local()` panics once the namespace is gone, which happens while a draining instance
    // closes: there is nobody left to deliver to then.
    let Some(namespace) = io.of("/") else {
        return;
    };
    let mut operators = namespace.local().to(rooms);
    if let Some(except) = target.except {
        operators = operators.except(user_room(except));
    }
    let mut sockets = operators.sockets();
    sockets.sort_by_key(|s| s.id);
    sockets.dedup_by_key(|s| s.id);
    metrics.room_size.observe(sockets.len() as f64);
    if target.finishes {
        for socket in &sockets {
            if let Some(seats) = socket.extensions.get::<Arc<Seats>>() {
                seats.finish(target.battle_id);
            }
        }
    }
    push(metrics, sockets, message);
}

/// Queues `message` in the outbox of each socket, counting what the outboxes drop.
fn push(metrics: &Metrics, sockets: Vec<SocketRef<Adapter>>, message: Outbound) {
    for socket in sockets {
        let Some(outbox) = socket.extensions.get::<Outbox>() else {
            // Only between the connection and its handler installing the outbox.
            tracing::debug!(socket.id = %socket.id, "socket without an outbox skipped");
            continue;
        };
        if let Some(dropped) = outbox.push(message.clone()) {
            metrics
                .events_dropped
                .with_label_values(&[dropped.as_str()])
                .inc();
        }
    }
}
