//! The Socket.IO protocol (see `docs/protocol.md`): handshake authentication and one handler
//! per event. Every client event is answered through its ack with `{ok: true, data}` or
//! `{ok: false, error: {code, message}}`; payloads are parsed here, so a malformed one gets a
//! typed error instead of being silently ignored.

use std::{future::Future, sync::atomic::Ordering};

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use socketioxide::{
    extract::{AckSender, Event, Extension, SocketRef, State, TryData},
    handler::ConnectHandler,
};
use tracing::Instrument;

use crate::{
    AppState,
    auth::Player,
    battles,
    error::ApiError,
    live, matchmaking,
    outbox::Outbox,
    presence::{self, user_room},
    state::{Adapter, Io},
};

/// The protocol version clients must announce in the handshake `auth`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Every client event the server handles; `docs/protocol.md` documents each one.
pub const EVENTS: &[&str] = &[
    "challenge:create",
    "challenge:accept",
    "battle:submit",
    "battle:resume",
    "battle:state",
    "battle:rematch",
    "battle:resign",
    "battle:spectate",
    "chat:send",
    "battle:progress",
    "matchmaking:join",
    "matchmaking:leave",
];

/// Every event the server emits to clients; documented in `docs/protocol.md`.
pub const SERVER_EVENTS: &[&str] = &[
    "battle:event",
    "chat:message",
    "battle:progress",
    "server:draining",
];

#[derive(Debug, Deserialize)]
struct Handshake {
    token: String,
    protocol: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
struct HandshakeError {
    code: &'static str,
    message: String,
}

async fn authenticate(
    socket: SocketRef<Adapter>,
    TryData(auth): TryData<Handshake>,
    State(state): State<AppState>,
) -> Result<(), HandshakeError> {
    let refuse = |reason: &'static str, code: &'static str, message: String| {
        state
            .metrics
            .handshakes_rejected
            .with_label_values(&[reason])
            .inc();
        HandshakeError { code, message }
    };
    if state.draining.load(Ordering::SeqCst) {
        return Err(refuse(
            "draining",
            "DRAINING",
            "this server is shutting down; connect again".into(),
        ));
    }
    if let Err(wait) = state.handshakes.try_take() {
        // Whole milliseconds, at least one, so that clients never retry at once.
        let retry_ms = wait.as_millis().max(1);
        return Err(refuse(
            "rate_limited",
            "RATE_LIMITED",
            format!("too many connections; retry in {retry_ms} ms"),
        ));
    }
    let auth = auth.map_err(|_| {
        refuse(
            "malformed",
            "UNAUTHORIZED",
            "auth must be {token, protocol}".into(),
        )
    })?;
    if auth.protocol != PROTOCOL_VERSION {
        return Err(refuse(
            "protocol",
            "UNSUPPORTED_PROTOCOL",
            "this server speaks protocol 1".into(),
        ));
    }
    let player = state
        .tokens
        .verify(&auth.token)
        .map_err(|_| refuse("token", "UNAUTHORIZED", "invalid or expired token".into()))?;
    socket.extensions.insert(player);
    Ok(())
}

async fn on_connect(
    socket: SocketRef<Adapter>,
    Extension(player): Extension<Player>,
    State(state): State<AppState>,
) {
    state.metrics.socket_connections.inc();
    let outbox = Outbox::new(state.outbox_capacity);
    socket.extensions.insert(outbox.clone());
    tokio::spawn(outbox.write(socket.clone()));
    socket.join(user_room(player.id));
    tracing::debug!(user.id = %player.id, socket.id = %socket.id, "socket connected");

    on(&socket, "challenge:create", battles::create_challenge);
    on(&socket, "challenge:accept", battles::accept_challenge);
    on(&socket, "battle:submit", battles::submit);
    on(&socket, "battle:resume", battles::resume);
    on(&socket, "battle:state", battles::battle_state);
    on(&socket, "battle:rematch", battles::rematch);
    on(&socket, "battle:resign", battles::resign);
    on_socket(&socket, "battle:spectate", live::spectate);
    on(&socket, "chat:send", live::chat_send);
    on(&socket, "battle:progress", live::progress);
    on(&socket, "matchmaking:join", matchmaking::join);
    on(&socket, "matchmaking:leave", matchmaking::leave);

    socket.on_fallback(async |Event(event): Event, ack: AckSender<Adapter>| {
        let _ = ack.send(&ApiError::UnknownEvent(event).to_ack());
    });
    socket.on_disconnect(on_disconnect);

    // A player coming back ends the grace periods of their seats; off the connect path, which
    // must not wait on the database.
    let user = player.id;
    tokio::spawn(async move {
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
                    ack: AckSender<Adapter>,
                    Extension(player): Extension<Player>,
                    State(state): State<AppState>| {
            let _timer = state
                .metrics
                .handler_duration
                .with_label_values(&[event])
                .start_timer();
            let span = event_span(event, &player, payload.as_ref().ok());
            let result = match parse::<Req>(payload, state.max_event_bytes) {
                Ok(request) => {
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
            if ack.send(&body).is_err() {
                tracing::debug!(event, "client went away before the ack");
            }
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
    io.ns("/", on_connect.with(authenticate)).await?;
    Ok(())
}
