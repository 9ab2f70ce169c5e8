//! Judge metrics. Names are what alerts refer to; keep them stable.

use joust_common::metrics::{
    counter, counter_vec, gauge, histogram, histogram_vec, latency_buckets, register,
};
use prometheus::{
    Gauge, Histogram, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Time from taking a submission off the queue to recording its verdict, by verdict.
    pub judge_duration: HistogramVec,
    /// Judging attempts by outcome.
    pub attempts: IntCounterVec,
    /// Executor calls that timed out, charged to their submissions.
    pub submission_timeouts: IntCounter,
    /// Acknowledged entries deleted from the submissions stream.
    pub trimmed: IntCounter,
    /// 0 closed, 1 half-open, 2 open, per executor.
    pub breaker_state: IntGaugeVec,
    pub breaker_transitions: IntCounterVec,
    /// Submissions not yet acknowledged (pending and undelivered).
    pub queue_depth: IntGauge,
    /// Age of the oldest unacknowledged submission.
    pub queue_lag: Gauge,
    /// Practice runs not yet acknowledged (pending and undelivered).
    pub runs_queue_depth: IntGauge,
    /// Age of the oldest practice run waiting for its result.
    pub runs_queue_lag: Gauge,
    /// Practice runs finished, by outcome (a verdict, `ran` for a custom input that ran to its
    /// end, `malformed`).
    pub runs: IntCounterVec,
    /// Time from starting a practice run to storing its result.
    pub run_duration: Histogram,
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
                "Judging attempts, by outcome (judged, duplicate, delayed, backpressure, timed_out, failed, dead_lettered, requeued, missing, malformed).",
                &["outcome"],
            ),
            submission_timeouts: counter(
                &registry,
                "judge_submission_timeouts_total",
                "Executor calls that timed out; charged to the submission, never to the executor's breaker.",
            ),
            trimmed: counter(
                &registry,
                "queue_entries_trimmed_total",
                "Acknowledged entries deleted from the submissions stream.",
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
            runs_queue_depth: gauge(
                &registry,
                "runs_queue_depth",
                "Practice runs waiting for a result (pending and undelivered).",
            ),
            runs_queue_lag: register(
                &registry,
                Gauge::new(
                    "runs_queue_lag_seconds",
                    "Age of the oldest practice run waiting for a result.",
                ),
            ),
            runs: counter_vec(
                &registry,
                "judge_runs_total",
                "Practice runs finished, by outcome (a verdict, ran, malformed).",
                &["outcome"],
            ),
            run_duration: histogram(
                &registry,
                "judge_run_duration_seconds",
                "Time from starting a practice run to storing its result.",
                latency_buckets(),
            ),
            registry,
        }
    }
}
