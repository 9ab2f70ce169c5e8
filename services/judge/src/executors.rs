//! Calls to the executors. Each executor instance is a target with its own circuit breaker
//! (failsafe), a per-call timeout and a bulkhead (a bound on concurrent calls), since failsafe
//! has neither; a half-open breaker lets only a bounded number of probes through. Calls go to
//! the least-loaded target whose breaker admits them.
//!
//! Only infrastructure failures (connection errors, 5xx) count against a breaker; a program's
//! verdict, a timeout and a 429 never do (see `failure`). A 429 makes the call try the next
//! executor. Every call carries the executor's bearer token.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU8, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use failsafe::{
    Config, Instrument, StateMachine, backoff,
    failure_policy::{ConsecutiveFailures, consecutive_failures},
    futures::CircuitBreaker,
};
use joust_common::{
    execution::{ExecutionRequest, ExecutionResponse, trace_headers},
    settings::KeyRing,
};
use prometheus::{IntCounterVec, IntGaugeVec};
use tokio::sync::Semaphore;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    #[error("executor unreachable: {0}")]
    Unreachable(String),
    #[error("executor call timed out")]
    Timeout,
    #[error("executor refused the judge's token (HTTP {0})")]
    Unauthorized(u16),
    #[error("executor busy (HTTP 429)")]
    Busy,
    #[error("executor failed (HTTP {0})")]
    ServerError(u16),
    #[error("executor refused the request (HTTP {status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("every executor's circuit breaker is open")]
    CircuitOpen { retry_in: Duration },
}

const CLOSED: u8 = 0;
const HALF_OPEN: u8 = 1;
const OPEN: u8 = 2;

/// Mirrors the breaker's state (failsafe exposes none) into metrics and into the target.
struct BreakerObserver {
    target: String,
    state: Arc<AtomicU8>,
    opened_at: Arc<Mutex<Option<Instant>>>,
    state_gauge: IntGaugeVec,
    transitions: IntCounterVec,
}

impl BreakerObserver {
    fn record(&self, to: &'static str, value: u8) {
        let previous = self.state.swap(value, Ordering::SeqCst);
        self.state_gauge
            .with_label_values(&[&self.target])
            .set(value.into());
        if previous != value {
            self.transitions
                .with_label_values(&[self.target.as_str(), to])
                .inc();
            tracing::warn!(executor = %self.target, to, "circuit breaker transition");
        }
    }
}

impl Instrument for BreakerObserver {
    fn on_call_rejected(&self) {}
    fn on_open(&self) {
        *self.opened_at.lock().expect("lock is never poisoned") = Some(Instant::now());
        self.record("open", OPEN);
    }
    fn on_half_open(&self) {
        self.record("half_open", HALF_OPEN);
    }
    fn on_closed(&self) {
        self.record("closed", CLOSED);
    }
}

type Breaker = StateMachine<ConsecutiveFailures<backoff::Constant>, BreakerObserver>;

/// Breaker, timeout, bulkhead and probe settings shared by every target.
#[derive(Debug, Clone)]
pub struct ExecutorPolicy {
    pub timeout: Duration,
    /// Its `current` key is sent as `Authorization: Bearer` on every call.
    pub token: KeyRing,
    pub breaker_failures: u32,
    pub breaker_open: Duration,
    pub max_concurrent_calls: usize,
    pub half_open_probes: usize,
}

struct Target {
    url: String,
    breaker: Breaker,
    state: Arc<AtomicU8>,
    opened_at: Arc<Mutex<Option<Instant>>>,
    bulkhead: Semaphore,
    probes: Semaphore,
    in_flight: AtomicUsize,
}

/// Every executor the judge may call. Cheap to clone.
#[derive(Clone)]
pub struct ExecutorPool {
    targets: Arc<Vec<Target>>,
    http: reqwest::Client,
    policy: ExecutorPolicy,
    next: Arc<AtomicUsize>,
}

impl ExecutorPool {
    pub fn new(
        urls: &[String],
        policy: ExecutorPolicy,
        state_gauge: IntGaugeVec,
        transitions: IntCounterVec,
    ) -> Self {
        let targets = urls
            .iter()
            .map(|base| {
                let base = base.trim_end_matches('/').to_owned();
                let state = Arc::new(AtomicU8::new(CLOSED));
                let opened_at = Arc::new(Mutex::new(None));
                state_gauge.with_label_values(&[&base]).set(CLOSED.into());
                let observer = BreakerObserver {
                    target: base.clone(),
                    state: state.clone(),
                    opened_at: opened_at.clone(),
                    state_gauge: state_gauge.clone(),
                    transitions: transitions.clone(),
                };
                let breaker = Config::new()
                    .failure_policy(consecutive_failures(
                        policy.breaker_failures.max(1),
                        backoff::constant(policy.breaker_open),
                    ))
                    .instrument(observer)
                    .build();
                Target {
                    url: format!("{base}/v1/executions"),
                    breaker,
                    state,
                    opened_at,
                    bulkhead: Semaphore::new(policy.max_concurrent_calls.max(1)),
                    probes: Semaphore::new(policy.half_open_probes.max(1)),
                    in_flight: AtomicUsize::new(0),
                }
            })
            .collect();
        Self {
            targets: Arc::new(targets),
            http: reqwest::Client::new(),
            policy,
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The base URLs of the executors whose breaker is open now, and how many executors
    /// there are.
    pub fn open_breakers(&self) -> (Vec<String>, usize) {
        let open = self
            .targets
            .iter()
            .filter(|t| t.state.load(Ordering::SeqCst) == OPEN)
            .map(|t| t.url.trim_end_matches("/v1/executions").to_owned())
            .collect();
        (open, self.targets.len())
    }

    /// Judges `request` on the least-loaded executor that admits the call.
    pub async fn execute(
        &self,
        request: &ExecutionRequest,
        trace: &TraceIds,
    ) -> Result<ExecutionResponse, ExecutorError> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.targets.len();
        let mut order: Vec<usize> = (0..count).map(|i| (start + i) % count).collect();
        order.sort_by_key(|&i| self.targets[i].in_flight.load(Ordering::Relaxed));
        let mut last_error = None;
        for index in order {
            let target = &self.targets[index];
            // A breaker that is not closed admits a bounded number of probes at a time.
            let _probe = if target.state.load(Ordering::SeqCst) != CLOSED {
                match target.probes.try_acquire() {
                    Ok(permit) => Some(permit),
                    Err(_) => continue,
                }
            } else {
                None
            };
            let Ok(_slot) = target.bulkhead.acquire().await else {
                continue;
            };
            target.in_flight.fetch_add(1, Ordering::Relaxed);
            let call = call(&self.http, &target.url, &self.policy, request, trace);
            let result = target
                .breaker
                .call_with(ExecutorError::is_infrastructure, call)
                .await;
            target.in_flight.fetch_sub(1, Ordering::Relaxed);
            match result {
                Ok(response) => return Ok(response),
                Err(failsafe::Error::Inner(e)) if e.is_infrastructure() => {
                    if !matches!(last_error, Some(ExecutorError::Busy)) {
                        last_error = Some(e);
                    }
                }
                // Saturated, not broken: another executor may have room.
                Err(failsafe::Error::Inner(ExecutorError::Busy)) => {
                    last_error = Some(ExecutorError::Busy)
                }
                Err(failsafe::Error::Inner(e)) => return Err(e),
                Err(failsafe::Error::Rejected) => {}
            }
        }
        Err(last_error.unwrap_or(ExecutorError::CircuitOpen {
            retry_in: self.retry_in(),
        }))
    }

    /// Until the earliest open breaker lets a probe through: the judging delay players are told.
    pub fn retry_in(&self) -> Duration {
        self.targets
            .iter()
            .filter_map(|t| *t.opened_at.lock().expect("lock is never poisoned"))
            .map(|opened| self.policy.breaker_open.saturating_sub(opened.elapsed()))
            .min()
            .unwrap_or(self.policy.breaker_open)
    }
}

/// Who an execution is for: sent to the executor as headers, so that one battle can be followed
/// through every service's logs.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceIds {
    pub submission_id: Option<Uuid>,
    pub battle_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
}

async fn call(
    http: &reqwest::Client,
    url: &str,
    policy: &ExecutorPolicy,
    request: &ExecutionRequest,
    trace: &TraceIds,
) -> Result<ExecutionResponse, ExecutorError> {
    let mut builder = http.post(url).bearer_auth(&policy.token.current);
    for (header, id) in [
        (trace_headers::SUBMISSION_ID, trace.submission_id),
        (trace_headers::BATTLE_ID, trace.battle_id),
        (trace_headers::USER_ID, trace.user_id),
    ] {
        if let Some(id) = id {
            builder = builder.header(header, id.to_string());
        }
    }
    let exchange = async {
        let response = builder
            .json(request)
            .send()
            .await
            .map_err(|e| ExecutorError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.as_u16() == 429 {
            return Err(ExecutorError::Busy);
        }
        if matches!(status.as_u16(), 401 | 403) {
            return Err(ExecutorError::Unauthorized(status.as_u16()));
        }
        if status.is_server_error() {
            return Err(ExecutorError::ServerError(status.as_u16()));
        }
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(ExecutorError::Rejected {
                status: status.as_u16(),
                body,
            });
        }
        response
            .json::<ExecutionResponse>()
            .await
            .map_err(|e| ExecutorError::Unreachable(format!("unreadable response: {e}")))
    };
    tokio::time::timeout(policy.timeout, exchange)
        .await
        .map_err(|_| ExecutorError::Timeout)?
}
