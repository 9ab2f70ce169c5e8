//! The Socket.IO protocol (see `docs/protocol.md`): handshake authentication and one handler
//! per event. Every client event is answered through its ack with `{ok: true, data}` or
//! `{ok: false, error: {code, message}}`; payloads are parsed here, so a malformed one gets a
//! typed error instead of being silently ignored.

use std::future::Future;

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use socketioxide::{
    extract::{AckSender, Event, Extension, SocketRef, State, TryData},
    handler::ConnectHandler,
};

use crate::{
    AppState,
    auth::Player,
    battles,
    error::ApiError,
    startup::{Adapter, Io},
};

/// The protocol version clients must announce in the handshake `auth`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Every client event the server handles; `docs/protocol.md` documents each one.
pub const EVENTS: &[&str] = &[
    "challenge:create",
    "challenge:accept",
    "battle:submit",
    "battle:resume",
];

/// Room of every socket of one user, on this instance.
pub fn user_room(user: uuid::Uuid) -> String {
    format!("user:{user}")
}

#[derive(Debug, Deserialize)]
struct Handshake {
    token: String,
    protocol: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
struct HandshakeError {
    code: &'static str,
    message: &'static str,
}

async fn authenticate(
    socket: SocketRef<Adapter>,
    TryData(auth): TryData<Handshake>,
    State(state): State<AppState>,
) -> Result<(), HandshakeError> {
    let refuse = |reason: &'static str, code: &'static str, message: &'static str| {
        state
            .metrics
            .handshakes_rejected
            .with_label_values(&[reason])
            .inc();
        HandshakeError { code, message }
    };
    let auth = auth.map_err(|_| {
        refuse(
            "malformed",
            "UNAUTHORIZED",
            "auth must be {token, protocol}",
        )
    })?;
    if auth.protocol != PROTOCOL_VERSION {
        return Err(refuse(
            "protocol",
            "UNSUPPORTED_PROTOCOL",
            "this server speaks protocol 1",
        ));
    }
    let player = state
        .tokens
        .verify(&auth.token)
        .map_err(|_| refuse("token", "UNAUTHORIZED", "invalid or expired token"))?;
    socket.extensions.insert(player);
    Ok(())
}

async fn on_connect(
    socket: SocketRef<Adapter>,
    Extension(player): Extension<Player>,
    State(state): State<AppState>,
) {
    state.metrics.socket_connections.inc();
    socket.join(user_room(player.id));
    tracing::debug!(user.id = %player.id, socket.id = %socket.id, "socket connected");

    on(&socket, "challenge:create", battles::create_challenge);
    on(&socket, "challenge:accept", battles::accept_challenge);
    on(&socket, "battle:submit", battles::submit);
    on(&socket, "battle:resume", battles::resume);

    socket.on_fallback(async |Event(event): Event, ack: AckSender<Adapter>| {
        let _ = ack.send(&ApiError::UnknownEvent(event).to_ack());
    });
    socket.on_disconnect(async |State(state): State<AppState>| {
        state.metrics.socket_connections.dec();
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
    socket.on(
        event,
        async move |TryData(payload): TryData<Value>,
                    ack: AckSender<Adapter>,
                    Extension(player): Extension<Player>,
                    State(state): State<AppState>| {
            let _timer = state
                .metrics
                .handler_duration
                .with_label_values(&[event])
                .start_timer();
            let result = match parse::<Req>(payload, state.max_event_bytes) {
                Ok(request) => operation(state.clone(), player, request).await,
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
