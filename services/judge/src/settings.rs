//! Judge settings, read from `JOUST_*` environment variables (see `docs/configuration.md`).

use std::time::Duration;

use joust_common::settings::{CommonSettings, SettingError, StoreSettings, env_or, env_string};

#[derive(Debug, Clone)]
pub struct Settings {
    pub common: CommonSettings,
    pub stores: StoreSettings,
    /// `JOUST_JUDGE_PORT`: port of `/healthz`, `/readyz` and `/metrics`; 0 picks a free one.
    pub port: u16,
    /// `JOUST_EXECUTOR_URL`: base URLs of the executors, comma-separated.
    pub executor_urls: Vec<String>,
    /// `JOUST_JUDGE_CONSUMER`: this worker's name in the consumer group (unique per process).
    pub consumer_name: String,
    /// `JOUST_JUDGE_CONCURRENCY`: submissions this worker judges at once.
    pub concurrency: usize,
    /// `JOUST_JUDGE_EXECUTOR_TIMEOUT_MS`: per-call timeout of an execution request.
    pub executor_timeout: Duration,
    /// `JOUST_JUDGE_EXECUTOR_CONCURRENCY`: calls in flight to one executor (the bulkhead).
    pub executor_concurrency: usize,
    /// `JOUST_JUDGE_BREAKER_FAILURES`: consecutive infrastructure failures that open a breaker.
    pub breaker_failures: u32,
    /// `JOUST_JUDGE_BREAKER_OPEN_MS`: how long a breaker stays open before a probe.
    pub breaker_open: Duration,
    /// `JOUST_JUDGE_HALF_OPEN_PROBES`: calls a half-open breaker lets through at once.
    pub half_open_probes: usize,
    /// `JOUST_JUDGE_RETRY_MS`: pause before retrying a submission whose judging failed.
    pub retry_delay: Duration,
    /// `JOUST_JUDGE_CLAIM_IDLE_MS`: a submission another worker took and has not touched for
    /// this long (the worker died) is claimed by this one.
    pub claim_idle: Duration,
    /// `JOUST_JUDGE_MAX_ATTEMPTS`: failed attempts (not outages) before a submission is
    /// dead-lettered.
    pub max_attempts: i32,
    /// `JOUST_JUDGE_REQUEUE_AFTER_MS`: a submission still queued this long after it was made,
    /// with no outage to explain it, is put back on the stream (its entry was lost).
    pub requeue_after: Duration,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        let urls = env_string("JOUST_EXECUTOR_URL", "http://127.0.0.1:8082");
        Ok(Self {
            common: CommonSettings::from_env()?,
            stores: StoreSettings::from_env(),
            port: env_or("JOUST_JUDGE_PORT", 8081)?,
            executor_urls: urls
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(String::from)
                .collect(),
            consumer_name: env_string(
                "JOUST_JUDGE_CONSUMER",
                &format!("judge-{}", std::process::id()),
            ),
            concurrency: env_or("JOUST_JUDGE_CONCURRENCY", 4)?,
            executor_timeout: Duration::from_millis(env_or(
                "JOUST_JUDGE_EXECUTOR_TIMEOUT_MS",
                60_000,
            )?),
            executor_concurrency: env_or("JOUST_JUDGE_EXECUTOR_CONCURRENCY", 4)?,
            breaker_failures: env_or("JOUST_JUDGE_BREAKER_FAILURES", 5)?,
            breaker_open: Duration::from_millis(env_or("JOUST_JUDGE_BREAKER_OPEN_MS", 5_000)?),
            half_open_probes: env_or("JOUST_JUDGE_HALF_OPEN_PROBES", 1)?,
            retry_delay: Duration::from_millis(env_or("JOUST_JUDGE_RETRY_MS", 1_000)?),
            claim_idle: Duration::from_millis(env_or("JOUST_JUDGE_CLAIM_IDLE_MS", 30_000)?),
            max_attempts: env_or("JOUST_JUDGE_MAX_ATTEMPTS", 3)?,
            requeue_after: Duration::from_millis(env_or("JOUST_JUDGE_REQUEUE_AFTER_MS", 300_000)?),
        })
    }
}
