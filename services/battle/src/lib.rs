//! The battle service: the Socket.IO gateway players connect to and the HTTP API.
//!
//! Battle state lives in PostgreSQL (rows plus an append-only event log), with a snapshot of
//! each battle in Redis for reads; any instance can serve any player. Events written by any instance or by the judge are published on Redis and each
//! instance delivers them to its own connected sockets.

pub mod accounts;
pub mod ack;
pub mod api_doc;
pub mod auth;
pub mod battles;
pub mod error;
pub mod handshake;
mod http;
pub mod leaderboard;
pub mod limits;
pub mod live;
pub mod live_battles;
pub mod lobby;
pub mod lock;
pub mod lock_quorum;
pub mod matchmaking;
mod metrics;
pub mod order;
pub mod outbox;
pub mod presence;
pub mod problems;
pub mod profiles;
pub mod ratelimit;
mod relay;
pub mod replay;
pub mod request;
pub mod runs;
pub mod settings;
pub mod snapshot;
pub mod socket;
mod startup;
pub mod state;
pub mod sweeper;
pub mod text;
pub mod tournaments;

pub use settings::Settings;
pub use startup::Application;
pub use state::AppState;
