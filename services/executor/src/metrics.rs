//! Executor metrics: one registry, every metric with its help text, labels bounded (language,
//! verdict, handler, reason: never a user or a path).

use joust_common::metrics::{counter_vec, gauge, histogram_vec, latency_buckets};
use prometheus::{HistogramVec, IntCounterVec, IntGauge, Registry};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Finished executions by language and overall verdict.
    pub executions: IntCounterVec,
    /// Time to judge one request (compile and every test), by language.
    pub execution_duration: HistogramVec,
    /// HTTP handler latency, by handler.
    pub handler_duration: HistogramVec,
    /// Requests turned away, by reason.
    pub rejections: IntCounterVec,
    /// Requests holding a run slot now: at the slot count, new requests queue, then get 429.
    pub in_flight: IntGauge,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        Self {
            in_flight: gauge(
                &registry,
                "executions_in_flight",
                "Execution requests holding a run slot (compiling or running) on this executor.",
            ),
            executions: counter_vec(
                &registry,
                "executions_total",
                "Executions judged, by language and verdict.",
                &["language", "verdict"],
            ),
            execution_duration: histogram_vec(
                &registry,
                "execution_duration_seconds",
                "Wall time to compile and run a program against all its tests.",
                &["language"],
                latency_buckets(),
            ),
            handler_duration: histogram_vec(
                &registry,
                "handler_duration_seconds",
                "HTTP handler latency.",
                &["handler"],
                latency_buckets(),
            ),
            rejections: counter_vec(
                &registry,
                "execution_rejections_total",
                "Execution requests refused, by reason (busy, invalid).",
                &["reason"],
            ),
            registry,
        }
    }
}
