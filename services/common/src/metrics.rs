//! Prometheus helpers: one registry per service, rendered in the text format on `/metrics`.

use prometheus::{
    HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder, exponential_buckets,
};

/// Latency buckets from 1 ms to about 16 s.
pub fn latency_buckets() -> Vec<f64> {
    exponential_buckets(0.001, 2.0, 15).expect("static bucket parameters are valid")
}

/// Creates and registers a histogram vector.
pub fn histogram_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
    buckets: Vec<f64>,
) -> HistogramVec {
    let histogram = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels)
        .expect("metric definition is valid");
    registry
        .register(Box::new(histogram.clone()))
        .expect("metric is registered once");
    histogram
}

/// Creates and registers a counter vector.
pub fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let counter =
        IntCounterVec::new(Opts::new(name, help), labels).expect("metric definition is valid");
    registry
        .register(Box::new(counter.clone()))
        .expect("metric is registered once");
    counter
}

/// Renders every metric of `registry` in the Prometheus text format.
pub fn render(registry: &Registry) -> String {
    TextEncoder::new()
        .encode_to_string(&registry.gather())
        .unwrap_or_else(|e| format!("# encoding failed: {e}\n"))
}
