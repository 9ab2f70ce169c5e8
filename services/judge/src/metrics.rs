//! Judge metrics. Names are what alerts refer to; keep them stable.

use joust_common::metrics::{counter_vec, gauge, histogram_vec, latency_buckets, register};
use prometheus::{Gauge, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Time from taking a submission off the queue to recording its verdict, by verdict.
    pub judge_duration: HistogramVec,
    /// Judging attempts by outcome.
    pub attempts: IntCounterVec,
    /// 0 closed, 1 half-open, 2 open, per executor.
    pub breaker_state: IntGaugeVec,
    pub breaker_transitions: IntCounterVec,
    /// Submissions not yet acknowledged (pending and undelivered).
    pub queue_depth: IntGauge,
    /// Age of the oldest unacknowledged submission.
    pub queue_lag: Gauge,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
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
                "Judging attempts, by outcome (judged, duplicate, delayed, failed, dead_lettered, requeued, missing, malformed).",
                &["outcome"],
            ),
            breaker_transitions: counter_vec(
                &registry,
                "circuit_breaker_transitions_total",
                "Executor circuit breaker transitions.",
                &["target", "to"],
            ),
            breaker_state: register(
                &registry,
                IntGaugeVec::new(
                    Opts::new(
                        "circuit_breaker_state",
                        "Executor circuit breaker state: 0 closed, 1 half-open, 2 open.",
                    ),
                    &["target"],
                ),
            ),
            queue_depth: gauge(
                &registry,
                "queue_depth",
                "Submissions waiting for a verdict (pending and undelivered).",
            ),
            queue_lag: register(
                &registry,
                Gauge::new(
                    "queue_lag_seconds",
                    "Age of the oldest submission waiting for a verdict.",
                ),
            ),
            registry,
        }
    }
}
