//! The Socket.IO protocol (see `docs/protocol.md`): handshake authentication and one handler
//! per event. Every client event is answered through its ack with `{ok: true, data}` or
//! `{ok: false, error: {code, message}}`; payloads are parsed here, so a malformed one gets a
//! typed error instead of being silently ignored.

use std::{convert::Infallible, future::Future, sync::Arc};

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use socketioxide::{
    extract::{Event, Extension, SocketRef, State, TryData},
    handler::ConnectHandler,
};
use tracing::Instrument;

use crate::{
    AppState,
    ack::{Ack, AckOutcome},
    auth::Player,
    battles,
    error::ApiError,
    handshake::{self, retry_ms},
    leaderboard,
    limits::{EventClass, InFlight, Refusal, SocketLimits},
    live, lobby, matchmaking,
    order::{Turn, Turns},
    outbox::Outbox,
    presence::{self, user_room},
    state::{Adapter, Io},
};

pub use crate::handshake::PROTOCOL_VERSION;

/// Every client event the server handles; `docs/protocol.md` documents each one.
pub const EVENTS: &[&str] = &[
    "challenge:create",
    "challenge:accept",
    "battle:submit",
    "battle:run",
    "battle:resume",
    "battle:state",
    "battle:rematch",
    "battle:resign",
    "battle:spectate",
    "chat:send",
    "battle:progress",
    "matchmaking:join",
    "matchmaking:leave",
    "lobby:presence",
    "leaderboard:subscribe",
    "leaderboard:unsubscribe",
];

/// Client events that run in the order each socket sent them (see `order`).
pub const ORDERED_EVENTS: &[&str] = &["chat:send"];

/// Every event the server emits to clients; documented in `docs/protocol.md`.
pub const SERVER_EVENTS: &[&str] = &[
    "battle:event",
    "chat:message",
    "battle:progress",
    "server:draining",
    "submission:compile_output",
    "leaderboard:top",
    "run.finished",
    "tournament:match",
];

/// Charges one event to the socket's and the player's limits; the returned place is held until
/// the event is acked.
fn admit(
    socket: &SocketRef<Adapter>,
    state: &AppState,
    event: &'static str,
    player: &Player,
) -> Result<Option<InFlight>, ApiError> {
    let class = EventClass::of(event);
    let refused = |limit: &str, refusal: Refusal| {
        state
            .metrics
            .events_limited
            .with_label_values(&[class.as_str(), limit])
            .inc();
        let error = match refusal {
            Refusal::RateLimited(wait) => ApiError::RateLimited {
                retry_after_ms: retry_ms(wait),
            },
            Refusal::InFlight => ApiError::TooManyInFlight,
        };
        // A refused practice run is counted with the runs refused over HTTP, whatever refused it.
        if class == EventClass::Run {
            state
                .metrics
                .runs_refused
                .with_label_values(&[error.code()])
                .inc();
        }
        error
    };
    let place = match socket.extensions.get::<Arc<SocketLimits>>() {
        Some(limits) => Some(limits.admit().map_err(|r| match r {
            Refusal::InFlight => refused("in_flight", r),
            Refusal::RateLimited(_) => refused("socket_rate", r),
        })?),
        None => None,
    };
    state
        .limits
        .check_user(class, player.id)
        .map_err(|r| refused("user_rate", r))?;
    Ok(place)
}

/// Prepares an authenticated socket before its CONNECT is answered: its outbox, its player's
/// room and every event handler. socketioxide answers CONNECT after the middlewares and only
/// then spawns the connect handler, so an event sent right after connecting would find no
/// handler if they were registered there.
async fn install(
    socket: SocketRef<Adapter>,
    Extension(player): Extension<Player>,
    State(state): State<AppState>,
) -> Result<(), Infallible> {
    socket.extensions.insert(Outbox::new(state.outbox_capacity));
    socket.extensions.insert(Arc::new(Turns::default()));
    socket.extensions.insert(Arc::new(live::Seats::default()));
    socket.join(user_room(player.id));

    on(&socket, "challenge:create", battles::create_challenge);
    on(&socket, "challenge:accept", battles::accept_challenge);
    on(&socket, "battle:submit", battles::submit);
    on(&socket, "battle:run", crate::runs::run_event);
    on(&socket, "battle:resume", battles::resume);
    on(&socket, "battle:state", battles::battle_state);
    on(&socket, "battle:rematch", battles::rematch);
    on(&socket, "battle:resign", battles::resign);
    on_socket(&socket, "battle:spectate", live::spectate);
    on_socket(&socket, "chat:send", live::chat_send);
    on_socket(&socket, "battle:progress", live::progress);
    on(&socket, "matchmaking:join", matchmaking::join);
    on(&socket, "matchmaking:leave", matchmaking::leave);
    on(&socket, "lobby:presence", lobby::lobby_presence);
    on_socket(
        &socket,
        "leaderboard:subscribe",
        leaderboard::live::subscribe,
    );
    on_socket(
        &socket,
        "leaderboard:unsubscribe",
        leaderboard::live::unsubscribe,
    );

    socket.on_fallback(
        async |Event(event): Event, ack: Ack, State(state): State<AppState>| {
            ack.send(&ApiError::UnknownEvent(event).to_ack(), &state.metrics)
                .await;
        },
    );
    socket.on_disconnect(on_disconnect);
    Ok(())
}

/// Runs once the socket is connected (see [`install`] for what runs before).
async fn on_connect(
    socket: SocketRef<Adapter>,
    Extension(player): Extension<Player>,
    State(state): State<AppState>,
) {
    state.metrics.socket_connections.inc();
    if let Some(outbox) = socket.extensions.get::<Outbox>() {
        tokio::spawn(outbox.write(socket.clone()));
    }
    tracing::debug!(user.id = %player.id, socket.id = %socket.id, "socket connected");

    // A player coming back ends the grace periods of their seats; off the connect path, which
    // must not wait on the database. The lobby sees the player at once, not at the next beat.
    let user = player.id;
    tokio::spawn(async move {
        if let Err(e) = presence::online::beat(&state, &[user]).await {
            state.metrics.presence_failures.inc();
            tracing::warn!(error = format!("{e:#}"), user.id = %user, "marking a player online failed");
        }
        if let Err(e) = presence::grace::connected(&state, user).await {
            tracing::warn!(error = format!("{e:#}"), user.id = %user, "ending reconnect grace failed");
        }
    });
}

async fn on_disconnect(
    socket: SocketRef<Adapter>,
    io: Io,
    Extension(player): Extension<Player>,
    State(state): State<AppState>,
) {
    state.metrics.socket_connections.dec();
    if let Some(outbox) = socket.extensions.get::<Outbox>() {
        outbox.close();
    }
    let (sid, user) = (socket.id, player.id);
    // Another socket of the player here keeps the seat: no need to ask every instance (a
    // cluster-wide request per disconnect floods the adapter when many sockets close at once).
    if presence::local_sockets_of(&io, user)
        .iter()
        .any(|s| *s != sid)
    {
        return;
    }
    tokio::spawn(async move {
        // The leaving socket is still in its rooms while this runs; any other socket of the
        // player, on any instance, keeps the seat. Fallback: this instance's own sockets.
        let sockets = presence::sockets_of(&io, user).await;
        let sockets = sockets.unwrap_or_else(|_| presence::local_sockets_of(&io, user));
        let others = sockets.iter().any(|s| *s != sid);
        if others {
            return;
        }
        // Nobody is left to be told about a match: stop waiting for one.
        if let Err(e) = matchmaking::remove(&state, user).await {
            tracing::warn!(error = format!("{e:#}"), user.id = %user, "leaving the matchmaking queue failed");
        }
        if let Err(e) = presence::online::gone(&state, user).await {
            tracing::warn!(error = format!("{e:#}"), user.id = %user, "marking a player offline failed");
        }
        if let Err(e) = presence::grace::disconnected(&state, user).await {
            tracing::warn!(error = format!("{e:#}"), user.id = %user, "starting reconnect grace failed");
        }
    });
}

/// Registers `operation` for `event`: parses and bounds the payload, runs the operation as the
/// socket's player, times it, and acks the result.
fn on<Req, Res, Op, Fut>(socket: &SocketRef<Adapter>, event: &'static str, operation: Op)
where
    Req: DeserializeOwned + Send + 'static,
    Res: Serialize + Send + 'static,
    Op: Fn(AppState, Player, Req) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Res, ApiError>> + Send,
{
    on_socket(socket, event, move |state, player, _socket, request| {
        operation(state, player, request)
    });
}

/// Like [`on`], for operations that act on the socket itself (joining a room).
fn on_socket<Req, Res, Op, Fut>(socket: &SocketRef<Adapter>, event: &'static str, operation: Op)
where
    Req: DeserializeOwned + Send + 'static,
    Res: Serialize + Send + 'static,
    Op: Fn(AppState, Player, SocketRef<Adapter>, Req) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Res, ApiError>> + Send,
{
    socket.on(
        event,
        async move |socket: SocketRef<Adapter>,
                    TryData(payload): TryData<Value>,
                    ack: Ack,
                    turn: Turn,
                    Extension(player): Extension<Player>,
                    State(state): State<AppState>| {
            // Only ordered events keep their place; the others let later events go at once.
            let turn = ORDERED_EVENTS.contains(&event).then_some(turn);
            let _timer = state
                .metrics
                .handler_duration
                .with_label_values(&[event])
                .start_timer();
            let span = event_span(event, &player, payload.as_ref().ok());
            let admitted = admit(&socket, &state, event, &player);
            let result = match admitted
                .and_then(|place| parse::<Req>(payload, state.max_event_bytes).map(|r| (place, r)))
            {
                Ok((_place, request)) => {
                    if let Some(turn) = &turn {
                        turn.wait().await;
                    }
                    operation(state.clone(), player, socket, request)
                        .instrument(span)
                        .await
                }
                Err(e) => Err(e),
            };
            let body = match result {
                Ok(data) => json!({ "ok": true, "data": data }),
                Err(e) => e.to_ack(),
            };
            if ack.send(&body, &state.metrics).await == AckOutcome::Closed {
                tracing::debug!(event, "client went away before the ack");
            }
            // The next ordered event runs once this one is answered.
            drop(turn);
        },
    );
}

/// The span one socket event runs in. `battle_id` comes from the payload when it names one;
/// operations record `battle_id` and `submission_id` when they create one, so that a battle
/// can be followed through every service's logs.
fn event_span(event: &'static str, player: &Player, payload: Option<&Value>) -> tracing::Span {
    let battle_id = payload
        .and_then(|p| p.get("battle_id"))
        .and_then(Value::as_str)
        .and_then(|id| uuid::Uuid::parse_str(id).ok());
    let span = tracing::info_span!(
        "socket_event",
        event,
        user_id = %player.id,
        battle_id = tracing::field::Empty,
        submission_id = tracing::field::Empty,
    );
    if let Some(battle_id) = battle_id {
        span.record("battle_id", tracing::field::display(battle_id));
    }
    span
}

fn parse<T: DeserializeOwned>(
    payload: Result<Value, impl std::fmt::Display>,
    max_bytes: usize,
) -> Result<T, ApiError> {
    let value =
        payload.map_err(|e| ApiError::InvalidPayload(format!("unreadable payload: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::InvalidPayload(
            "the payload must be a JSON object".into(),
        ));
    }
    let size = serde_json::to_vec(&value).map_or(usize::MAX, |v| v.len());
    if size > max_bytes {
        return Err(ApiError::InvalidPayload(format!(
            "payload is larger than {max_bytes} bytes"
        )));
    }
    serde_json::from_value(value).map_err(|e| ApiError::InvalidPayload(e.to_string()))
}

/// Installs the namespace.
pub async fn register(io: &Io) -> anyhow::Result<()> {
    io.ns("/", on_connect.with(install).with(handshake::authenticate))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Request {
        #[serde(default)]
        code: Option<String>,
    }

    fn parse_json(json: &str) -> Result<Request, ApiError> {
        parse(Ok::<_, String>(serde_json::from_str(json).unwrap()), 1024)
    }

    #[test]
    fn only_objects_are_payloads() {
        let parsed = parse_json(r#"{"code":"ABC"}"#).unwrap();
        assert_eq!(parsed.code.as_deref(), Some("ABC"));
        // serde would read a sequence as a struct's fields in order; the protocol says object.
        for refused in [r#"["ABC"]"#, "[]", "null", "\"ABC\"", "1"] {
            let e = parse_json(refused).unwrap_err();
            assert_eq!(e.code(), "INVALID_PAYLOAD", "{refused}");
        }
    }
}
