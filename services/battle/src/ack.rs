//! Acks that are not lost while their socket is connected.
//!
//! socketioxide queues every packet for a connection in one bounded buffer
//! (`JOUST_SOCKET_BUFFER`) and its `AckSender::send` only tries once: when the buffer is full
//! (a burst of events whose relayed messages and acks come back faster than the client reads
//! them), the ack is refused with a full-buffer error and the client never gets its answer
//! although the handler ran. [`Ack`] keeps what an ack needs (the socket and the ack id) and
//! tries again, with a short growing pause, until the packet is queued or the socket closes.
//! While an ack waits, the socket's outbox writer holds its own messages back (see `outbox`),
//! so an ack is not starved by relayed traffic.

use std::{convert::Infallible, sync::Arc, time::Duration};

use serde::Serialize;
use socketioxide::{
    SendError, SocketError,
    extract::AckSender,
    handler::{FromMessageParts, Value},
    socket::Socket,
};

use crate::{metrics::Metrics, outbox::Outbox, state::Adapter};

/// First pause before offering an ack again to a full buffer; doubled up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(1);
const MAX_PAUSE: Duration = Duration::from_millis(16);

/// The ack of one client event; a handler extractor like `AckSender`, that can retry.
pub struct Ack {
    socket: Arc<Socket<Adapter>>,
    ack_id: Option<i64>,
    /// The event's payload; only there because minting an `AckSender` asks for one. Cheap to
    /// clone (reference counted).
    value: Value,
}

impl FromMessageParts<Adapter> for Ack {
    type Error = Infallible;

    fn from_message_parts(
        socket: &Arc<Socket<Adapter>>,
        value: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Self {
            socket: socket.clone(),
            ack_id: *ack_id,
            value: value.clone(),
        })
    }
}

/// What became of an ack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// Queued for the client (or the client asked for none).
    Sent,
    /// The socket closed before there was room.
    Closed,
}

impl Ack {
    /// Queues `body` as the ack, waiting for room in the socket's buffer as long as the socket
    /// is connected.
    pub async fn send<T: Serialize + ?Sized>(self, body: &T, metrics: &Metrics) -> AckOutcome {
        if self.ack_id.is_none() {
            return AckOutcome::Sent;
        }
        let mut pause = FIRST_PAUSE;
        let mut waiting = None;
        loop {
            let mut value = self.value.clone();
            let Ok(sender) =
                AckSender::<Adapter>::from_message_parts(&self.socket, &mut value, &self.ack_id);
            match sender.send(body) {
                Ok(()) => {
                    if waiting.is_some() {
                        metrics.acks_delayed.with_label_values(&["waited"]).inc();
                    }
                    return AckOutcome::Sent;
                }
                Err(SendError::Socket(SocketError::InternalChannelFull))
                    if self.socket.connected() =>
                {
                    if waiting.is_none() {
                        // The outbox writer yields to acks while this guard lives.
                        waiting =
                            Some(self.socket.extensions.get::<Outbox>().map(|o| o.ack_wait()));
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_PAUSE);
                }
                Err(SendError::Socket(_)) => {
                    metrics.acks_delayed.with_label_values(&["closed"]).inc();
                    return AckOutcome::Closed;
                }
                Err(e) => {
                    tracing::error!(error = %e, "an ack could not be encoded");
                    return AckOutcome::Closed;
                }
            }
        }
    }
}
