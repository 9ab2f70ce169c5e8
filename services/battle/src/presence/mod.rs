//! Where players are connected, and what happens to their seats when they go.
//!
//! - this module: the rooms that name a player's sockets, and the one query that asks every
//!   instance where a player is connected;
//! - [`grace`]: the reconnect grace period of a player who left mid-battle;
//! - [`online`]: who is online across every instance, kept by heartbeats with a TTL.

pub mod grace;
pub mod online;

use socketioxide::socket::Sid;
use uuid::Uuid;

use crate::state::Io;

/// Room of every socket of one user (each instance holds its own members).
pub fn user_room(user: Uuid) -> String {
    format!("user:{user}")
}

/// The other instances could not be asked; each caller decides what to assume instead.
#[derive(Debug, thiserror::Error)]
pub enum PresenceUnknown {
    #[error("this instance is closing its namespace")]
    Closing,
    #[error("asking the other instances failed: {0}")]
    Remote(String),
}

/// The sockets of `user` on every instance. Fails when the instances cannot all be asked, so
/// that no caller mistakes "could not ask" for "not connected".
pub async fn sockets_of(io: &Io, user: Uuid) -> Result<Vec<Sid>, PresenceUnknown> {
    let namespace = io.of("/").ok_or(PresenceUnknown::Closing)?;
    let sockets = namespace
        .within(user_room(user))
        .fetch_sockets()
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, user.id = %user, "asking the other instances for a player's sockets failed");
            PresenceUnknown::Remote(e.to_string())
        })?;
    Ok(sockets.iter().map(|s| s.data().id).collect())
}

/// The sockets of `user` on this instance alone: what a caller can still know when
/// [`sockets_of`] fails.
pub fn local_sockets_of(io: &Io, user: Uuid) -> Vec<Sid> {
    io.of("/").map_or_else(Vec::new, |namespace| {
        namespace
            .local()
            .within(user_room(user))
            .sockets()
            .iter()
            .map(|s| s.id)
            .collect()
    })
}
