//! Calls to the executor, behind a circuit breaker and a per-call timeout. Only infrastructure
//! failures (connection errors, timeouts, 5xx, 429) count against the breaker; a program's
//! verdict never does.

use std::time::Duration;

use failsafe::{
    Config, Instrument, StateMachine, backoff,
    failure_policy::{ConsecutiveFailures, consecutive_failures},
    futures::CircuitBreaker,
};
use joust_common::execution::{ExecutionRequest, ExecutionResponse};
use prometheus::{IntCounterVec, IntGaugeVec};

#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    #[error("executor unreachable: {0}")]
    Unreachable(String),
    #[error("executor call timed out")]
    Timeout,
    #[error("executor busy or failing (HTTP {0})")]
    Unavailable(u16),
    #[error("executor refused the request (HTTP {status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("circuit breaker open")]
    CircuitOpen,
}

impl ExecutorError {
    /// Whether this failure says something about the executor's health.
    pub fn is_infrastructure(&self) -> bool {
        !matches!(
            self,
            ExecutorError::Rejected { .. } | ExecutorError::CircuitOpen
        )
    }
}

/// Publishes breaker transitions as metrics.
struct BreakerMetrics {
    target: String,
    state: IntGaugeVec,
    transitions: IntCounterVec,
}

impl BreakerMetrics {
    fn record(&self, to: &str, value: i64) {
        self.state.with_label_values(&[&self.target]).set(value);
        self.transitions
            .with_label_values(&[self.target.as_str(), to])
            .inc();
        tracing::info!(target_url = %self.target, to, "circuit breaker transition");
    }
}

impl Instrument for BreakerMetrics {
    fn on_call_rejected(&self) {}
    fn on_open(&self) {
        self.record("open", 2);
    }
    fn on_half_open(&self) {
        self.record("half_open", 1);
    }
    fn on_closed(&self) {
        self.record("closed", 0);
    }
}

type Breaker = StateMachine<ConsecutiveFailures<backoff::Constant>, BreakerMetrics>;

#[derive(Clone)]
pub struct ExecutorClient {
    http: reqwest::Client,
    url: String,
    timeout: Duration,
    breaker: Breaker,
}

impl ExecutorClient {
    pub fn new(
        base_url: &str,
        timeout: Duration,
        failures: u32,
        open_for: Duration,
        state: IntGaugeVec,
        transitions: IntCounterVec,
    ) -> Self {
        let metrics = BreakerMetrics {
            target: base_url.to_owned(),
            state,
            transitions,
        };
        let breaker = Config::new()
            .failure_policy(consecutive_failures(
                failures.max(1),
                backoff::constant(open_for),
            ))
            .instrument(metrics)
            .build();
        Self {
            http: reqwest::Client::new(),
            url: format!("{}/v1/executions", base_url.trim_end_matches('/')),
            timeout,
            breaker,
        }
    }

    pub async fn execute(
        &self,
        request: &ExecutionRequest,
    ) -> Result<ExecutionResponse, ExecutorError> {
        let call = self.call(request);
        match self
            .breaker
            .call_with(ExecutorError::is_infrastructure, call)
            .await
        {
            Ok(response) => Ok(response),
            Err(failsafe::Error::Inner(e)) => Err(e),
            Err(failsafe::Error::Rejected) => Err(ExecutorError::CircuitOpen),
        }
    }

    async fn call(&self, request: &ExecutionRequest) -> Result<ExecutionResponse, ExecutorError> {
        let send = self.http.post(&self.url).json(request).send();
        let response = tokio::time::timeout(self.timeout, send)
            .await
            .map_err(|_| ExecutorError::Timeout)?
            .map_err(|e| ExecutorError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(ExecutorError::Unavailable(status.as_u16()));
        }
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(ExecutorError::Rejected {
                status: status.as_u16(),
                body,
            });
        }
        tokio::time::timeout(self.timeout, response.json::<ExecutionResponse>())
            .await
            .map_err(|_| ExecutorError::Timeout)?
            .map_err(|e| ExecutorError::Unreachable(format!("unreadable response: {e}")))
    }
}
