//! Judge metrics.

use joust_common::metrics::{counter_vec, histogram_vec, latency_buckets};
use prometheus::{HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Time from taking a submission to recording its verdict, by verdict.
    pub judge_duration: HistogramVec,
    /// Judging attempts by outcome (judged, duplicate, retry, failed).
    pub attempts: IntCounterVec,
    /// 0 closed, 1 half-open, 2 open.
    pub breaker_state: IntGaugeVec,
    pub breaker_transitions: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let breaker_state = IntGaugeVec::new(
            Opts::new(
                "circuit_breaker_state",
                "Executor circuit breaker state: 0 closed, 1 half-open, 2 open.",
            ),
            &["target"],
        )
        .expect("metric definition is valid");
        registry
            .register(Box::new(breaker_state.clone()))
            .expect("metric is registered once");
        Self {
            judge_duration: histogram_vec(
                &registry,
                "judge_duration_seconds",
                "Time from taking a submission off the queue to recording its verdict.",
                &["verdict"],
                latency_buckets(),
            ),
            attempts: counter_vec(
                &registry,
                "judge_attempts_total",
                "Judging attempts, by outcome.",
                &["outcome"],
            ),
            breaker_transitions: counter_vec(
                &registry,
                "circuit_breaker_transitions_total",
                "Executor circuit breaker transitions.",
                &["target", "to"],
            ),
            breaker_state,
            registry,
        }
    }
}
