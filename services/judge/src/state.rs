//! The state the judge's tasks share.

use std::time::Duration;

use sqlx::PgPool;

use crate::{ExecutorPool, metrics::Metrics};

/// What the worker needs. Cheap to clone.
#[derive(Clone)]
pub struct JudgeState {
    pub pool: PgPool,
    pub redis: redis::aio::ConnectionManager,
    pub redis_prefix: String,
    pub consumer: String,
    pub concurrency: usize,
    pub executors: ExecutorPool,
    pub retry_delay: Duration,
    pub claim_idle: Duration,
    pub max_attempts: i32,
    pub max_timeouts: i32,
    pub backpressure_max_delay: Duration,
    pub fair_window: usize,
    pub requeue_after: Duration,
    pub metrics: Metrics,
}
