//! The state every request shares.
//!
//! How it is built is in `startup`; what the handlers do with it is in `routes` and `auth`.

use std::{sync::Arc, time::Duration};

use joust_common::{execution::ExecutionMaxima, settings::KeyRing};
use joust_sandbox::{LanguageInfo, Sandbox};
use tokio::sync::Semaphore;

use crate::metrics::Metrics;

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub sandbox: Sandbox,
    /// One permit per run slot.
    pub slots: Arc<Semaphore>,
    pub queue_timeout: Duration,
    /// How long a request may take from its arrival, queueing included.
    pub request_deadline: Duration,
    /// The most a request may ask for.
    pub maxima: ExecutionMaxima,
    /// The bearer tokens accepted.
    pub tokens: Arc<KeyRing>,
    pub metrics: Metrics,
    /// What `GET /v1/languages` answers; fixed for the life of the process.
    pub languages: Arc<Vec<LanguageInfo>>,
}
