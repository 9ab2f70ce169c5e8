//! The battle service: the Socket.IO gateway players connect to and the HTTP API.
//!
//! Battle state lives in PostgreSQL (rows plus an append-only event log), with a snapshot of
//! each battle in Redis for reads; any instance can serve any player. Events written by any instance or by the judge are published on Redis and each
//! instance delivers them to its own connected sockets.

pub mod auth;
pub mod battles;
pub mod error;
mod http;
pub mod live;
pub mod lock;
pub mod matchmaking;
mod metrics;
pub mod outbox;
pub mod presence;
pub mod ratelimit;
mod relay;
pub mod settings;
pub mod snapshot;
pub mod socket;
mod startup;
pub mod state;
pub mod sweeper;

pub use settings::Settings;
pub use startup::Application;
pub use state::AppState;
