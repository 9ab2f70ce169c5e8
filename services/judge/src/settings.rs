//! Judge settings: defaults for a developer machine, each overridden by a `JOUST_*`
//! environment variable (see `docs/configuration.md`).

use std::time::Duration;

use joust_common::settings::{
    CommonSettings, SettingError, StoreSettings, env_ms, env_or, env_string,
};

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

impl Default for Settings {
    fn default() -> Self {
        Self {
            common: CommonSettings::default(),
            stores: StoreSettings::default(),
            port: 8081,
            executor_urls: vec!["http://127.0.0.1:8082".to_owned()],
            consumer_name: format!("judge-{}", std::process::id()),
            concurrency: 4,
            executor_timeout: Duration::from_secs(60),
            executor_concurrency: 4,
            breaker_failures: 5,
            breaker_open: Duration::from_secs(5),
            half_open_probes: 1,
            retry_delay: Duration::from_secs(1),
            claim_idle: Duration::from_secs(30),
            max_attempts: 3,
            requeue_after: Duration::from_secs(300),
        }
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        let d = Self::default();
        Ok(Self {
            common: CommonSettings::from_env()?,
            stores: StoreSettings::from_env(),
            port: env_or("JOUST_JUDGE_PORT", d.port)?,
            executor_urls: match std::env::var("JOUST_EXECUTOR_URL") {
                Ok(urls) if !urls.trim().is_empty() => urls
                    .split(',')
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(String::from)
                    .collect(),
                _ => d.executor_urls,
            },
            consumer_name: env_string("JOUST_JUDGE_CONSUMER", &d.consumer_name),
            concurrency: env_or("JOUST_JUDGE_CONCURRENCY", d.concurrency)?,
            executor_timeout: env_ms("JOUST_JUDGE_EXECUTOR_TIMEOUT_MS", d.executor_timeout)?,
            executor_concurrency: env_or(
                "JOUST_JUDGE_EXECUTOR_CONCURRENCY",
                d.executor_concurrency,
            )?,
            breaker_failures: env_or("JOUST_JUDGE_BREAKER_FAILURES", d.breaker_failures)?,
            breaker_open: env_ms("JOUST_JUDGE_BREAKER_OPEN_MS", d.breaker_open)?,
            half_open_probes: env_or("JOUST_JUDGE_HALF_OPEN_PROBES", d.half_open_probes)?,
            retry_delay: env_ms("JOUST_JUDGE_RETRY_MS", d.retry_delay)?,
            claim_idle: env_ms("JOUST_JUDGE_CLAIM_IDLE_MS", d.claim_idle)?,
            max_attempts: env_or("JOUST_JUDGE_MAX_ATTEMPTS", d.max_attempts)?,
            requeue_after: env_ms("JOUST_JUDGE_REQUEUE_AFTER_MS", d.requeue_after)?,
        })
    }
}
