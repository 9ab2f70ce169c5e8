//! Pieces every Joust service shares: settings parsing, telemetry, the operational HTTP routes,
//! storage helpers, the executor's wire types and the battle event log.
//!
//! Service-specific logic does not live here; only what two or more services must agree on.

pub mod battle_events;
pub mod db;
pub mod domain;
pub mod execution;
pub mod http;
pub mod metrics;
pub mod ops;
pub mod queue;
pub mod runs;
pub mod settings;
pub mod shutdown;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use domain::Language;
