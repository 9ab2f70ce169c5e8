//! Judge settings: defaults for a developer machine, each overridden by a `JOUST_*`
//! environment variable (see `docs/configuration.md`).

use std::time::Duration;

use joust_common::{
    execution::DEVELOPMENT_EXECUTOR_TOKEN,
    settings::{
        CommonSettings, KeyRing, SettingError, StoreSettings, env_list, env_ms, env_or, env_secret,
        env_string,
    },
};

#[derive(Debug, Clone)]
pub struct Settings {
    pub common: CommonSettings,
    pub stores: StoreSettings,
    /// `JOUST_JUDGE_PORT`: port of `/healthz`, `/readyz` and `/metrics`; 0 picks a free one.
    pub port: u16,
    /// `JOUST_OPS_HOST`: interface of that port. The judge serves nothing to players, and its
    /// readiness names PostgreSQL and Redis, so it stays private whatever `JOUST_HOST` says.
    pub ops_host: String,
    /// `JOUST_EXECUTOR_URL`: base URLs of the executors, comma-separated.
    pub executor_urls: Vec<String>,
    /// `JOUST_JUDGE_CONSUMER`: this worker's name in the consumer group (unique per process).
    pub consumer_name: String,
    /// `JOUST_JUDGE_CONCURRENCY`: submissions this worker judges at once.
    pub concurrency: usize,
    /// `JOUST_EXECUTOR_TOKEN` (and `JOUST_EXECUTOR_PREVIOUS_TOKEN` during a rotation): the
    /// bearer token sent to the executors. Required outside development mode.
    pub executor_token: KeyRing,
    /// `JOUST_JUDGE_EXECUTOR_TIMEOUT_MS`: per-call timeout of an execution request. Longer than
    /// the executor's own per-request deadline, which answers TLE in time: a call that still
    /// times out is charged to its submission.
    pub executor_timeout: Duration,
    /// `JOUST_JUDGE_MAX_TIMEOUTS`: timed-out calls after which a submission gets TLE and is
    /// dead-lettered.
    pub max_timeouts: i32,
    /// `JOUST_JUDGE_BACKPRESSURE_MAX_MS`: the longest pause between retries while every
    /// executor answers 429 (the pause doubles from `JOUST_JUDGE_RETRY_MS`).
    pub backpressure_max_delay: Duration,
    /// `JOUST_JUDGE_FAIR_WINDOW`: stream entries a worker holds to choose fairly between users.
    pub fair_window: usize,
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
            ops_host: "127.0.0.1".to_owned(),
            executor_urls: vec!["http://127.0.0.1:8082".to_owned()],
            consumer_name: format!("judge-{}", std::process::id()),
            concurrency: 4,
            executor_token: KeyRing::single(DEVELOPMENT_EXECUTOR_TOKEN),
            executor_timeout: Duration::from_secs(45),
            max_timeouts: 2,
            backpressure_max_delay: Duration::from_secs(10),
            fair_window: 64,
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
        let common = CommonSettings::from_env()?;
        Ok(Self {
            executor_token: env_secret(
                "JOUST_EXECUTOR_TOKEN",
                "JOUST_EXECUTOR_PREVIOUS_TOKEN",
                DEVELOPMENT_EXECUTOR_TOKEN,
                common.dev_mode,
            )?,
            common,
            stores: StoreSettings::from_env(),
            port: env_or("JOUST_JUDGE_PORT", d.port)?,
            ops_host: env_string("JOUST_OPS_HOST", &d.ops_host),
            executor_urls: env_list("JOUST_EXECUTOR_URL", d.executor_urls)?,
            consumer_name: env_string("JOUST_JUDGE_CONSUMER", &d.consumer_name),
            concurrency: env_or("JOUST_JUDGE_CONCURRENCY", d.concurrency)?,
            executor_timeout: env_ms("JOUST_JUDGE_EXECUTOR_TIMEOUT_MS", d.executor_timeout)?,
            max_timeouts: env_or("JOUST_JUDGE_MAX_TIMEOUTS", d.max_timeouts)?,
            backpressure_max_delay: env_ms(
                "JOUST_JUDGE_BACKPRESSURE_MAX_MS",
                d.backpressure_max_delay,
            )?,
            fair_window: env_or("JOUST_JUDGE_FAIR_WINDOW", d.fair_window)?,
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
