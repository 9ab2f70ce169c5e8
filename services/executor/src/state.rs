//! The state every request shares.
//!
//! How it is built is in `startup`; what the handlers do with it is in `routes`.

use std::{sync::Arc, time::Duration};

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
    pub metrics: Metrics,
    /// What `GET /v1/languages` answers; fixed for the life of the process.
    pub languages: Arc<Vec<LanguageInfo>>,
}
