//! Executor metrics.

use joust_common::metrics::{counter_vec, histogram_vec, latency_buckets};
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
        let in_flight = IntGauge::new(
            "executions_in_flight",
            "Execution requests holding a run slot (compiling or running) on this executor.",
        )
        .expect("metric definition is valid");
        registry
            .register(Box::new(in_flight.clone()))
            .expect("metric is registered once");
        Self {
            in_flight,
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
