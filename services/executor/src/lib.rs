//! The executor service: `POST /v1/executions` judges a program against tests in the sandbox.
//!
//! CPU-bound and stateless. It listens on loopback by default and answers only callers with
//! its bearer token. Concurrency is bounded; a request that cannot start within the queue
//! timeout is answered `429` with `Retry-After` instead of waiting without bound, and every
//! request ends by its deadline (see `joust_common::execution` for the contract).

mod auth;
mod guards;
mod metrics;
mod routes;
pub mod settings;
mod span;
mod startup;
mod state;

pub use settings::Settings;
pub use startup::{Application, router};
pub use state::AppState;
