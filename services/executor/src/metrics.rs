//! Executor metrics: one registry, every metric with its help text, labels bounded (language,
//! verdict, handler, reason: never a user or a path).

use std::sync::Mutex;

use joust_common::{
    Language,
    execution::ExecutionResponse,
    metrics::{counter_vec, gauge, histogram_vec, latency_buckets},
};
use joust_sandbox::{CacheStats, process_cache_stats};
use prometheus::{
    HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    core::{Collector, Desc},
    exponential_buckets,
    proto::MetricFamily,
};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Finished executions by language and overall verdict.
    pub executions: IntCounterVec,
    /// Time to judge one request (compile and every test), by language.
    pub execution_duration: HistogramVec,
    /// HTTP handler latency, by handler.
    pub handler_duration: HistogramVec,
    /// Requests turned away, by reason (`unauthorized`, `invalid`, `limit`, `busy`).
    pub rejections: IntCounterVec,
    /// Requests whose work was stopped before it ended, by reason (`deadline`, `abandoned`).
    pub stopped: IntCounterVec,
    /// Runs of a program on one test, by language and the test's verdict.
    pub runs: IntCounterVec,
    /// Fuel one run consumed (the deterministic CPU time), by language.
    pub run_fuel: HistogramVec,
    /// Wall time of one run on this machine, by language.
    pub run_wall: HistogramVec,
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
            runs: counter_vec(
                &registry,
                "sandbox_runs_total",
                "Runs of a program on one test, by language and verdict.",
                &["language", "verdict"],
            ),
            run_fuel: histogram_vec(
                &registry,
                "sandbox_run_fuel",
                "Fuel (wasm instructions, the deterministic CPU time) one run consumed.",
                &["language"],
                exponential_buckets(1e4, 4.0, 14).expect("static bucket parameters are valid"),
            ),
            run_wall: histogram_vec(
                &registry,
                "sandbox_run_wall_seconds",
                "Wall time of one run of a program on one test.",
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
                "Execution requests refused, by reason (unauthorized, invalid, limit, busy).",
                &["reason"],
            ),
            stopped: counter_vec(
                &registry,
                "executions_stopped_total",
                "Execution requests whose compile and runs were stopped early, by reason \
                 (deadline: the request deadline passed; abandoned: the caller went away).",
                &["reason"],
            ),
            registry: {
                registry
                    .register(Box::new(SandboxCaches::new()))
                    .expect("the sandbox cache metrics are registered once");
                registry
            },
        }
    }

    /// Counts the runs of one execution, one per test: its verdict, fuel and wall time.
    pub fn observe_runs(&self, language: Language, response: &ExecutionResponse) {
        let language = language.as_str();
        for test in &response.tests {
            self.runs
                .with_label_values(&[language, test.verdict.as_str()])
                .inc();
            self.run_fuel
                .with_label_values(&[language])
                .observe(test.fuel as f64);
            self.run_wall
                .with_label_values(&[language])
                .observe(test.wall_ms as f64 / 1000.0);
        }
    }
}

/// The sandbox's caches of submissions (`disk`: precompiled code, `memory`: prepared
/// programs), read from the sandbox whenever the metrics are gathered.
struct SandboxCaches {
    bytes: IntGaugeVec,
    max_bytes: IntGaugeVec,
    entries: IntGaugeVec,
    evictions: IntCounterVec,
    hits: IntCounterVec,
    misses: IntCounterVec,
    /// The totals already added to `evictions`, `hits` and `misses`, disk then memory.
    counted: Mutex<[[u64; 3]; 2]>,
}

impl SandboxCaches {
    fn new() -> Self {
        let gauge = |name: &str, help: &str| {
            IntGaugeVec::new(Opts::new(name, help), &["cache"]).expect("a valid gauge")
        };
        let counter = |name: &str, help: &str| {
            IntCounterVec::new(Opts::new(name, help), &["cache"]).expect("a valid counter")
        };
        Self {
            bytes: gauge(
                "sandbox_cache_bytes",
                "Bytes held by a sandbox cache (disk, memory).",
            ),
            max_bytes: gauge(
                "sandbox_cache_max_bytes",
                "Bound of a sandbox cache (disk, memory), in bytes.",
            ),
            entries: gauge(
                "sandbox_cache_entries",
                "Programs held by a sandbox cache (disk, memory).",
            ),
            evictions: counter(
                "sandbox_cache_evictions_total",
                "Programs evicted from a sandbox cache (disk, memory) to stay under its bound.",
            ),
            hits: counter(
                "sandbox_cache_hits_total",
                "Lookups that found their program in a sandbox cache (disk, memory).",
            ),
            misses: counter(
                "sandbox_cache_misses_total",
                "Lookups that did not find their program in a sandbox cache (disk, memory).",
            ),
            counted: Mutex::new([[0; 3]; 2]),
        }
    }
}

impl Collector for SandboxCaches {
    fn desc(&self) -> Vec<&Desc> {
        [
            self.bytes.desc(),
            self.max_bytes.desc(),
            self.entries.desc(),
            self.evictions.desc(),
            self.hits.desc(),
            self.misses.desc(),
        ]
        .concat()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let stats = process_cache_stats();
        let mut counted = self.counted.lock().unwrap_or_else(|e| e.into_inner());
        let caches: [(&str, CacheStats); 2] = [("disk", stats.disk), ("memory", stats.memory)];
        for (i, (cache, stats)) in caches.into_iter().enumerate() {
            let gauge = |g: &IntGaugeVec, v: u64| {
                g.with_label_values(&[cache])
                    .set(i64::try_from(v).unwrap_or(i64::MAX))
            };
            gauge(&self.bytes, stats.bytes);
            gauge(&self.max_bytes, stats.max_bytes);
            gauge(&self.entries, stats.entries);
            let counters = [
                (&self.evictions, stats.evictions),
                (&self.hits, stats.hits),
                (&self.misses, stats.misses),
            ];
            for (j, (counter, total)) in counters.into_iter().enumerate() {
                let new = total.saturating_sub(counted[i][j]);
                counter.with_label_values(&[cache]).inc_by(new);
                counted[i][j] = counted[i][j].max(total);
            }
        }
        [
            self.bytes.collect(),
            self.max_bytes.collect(),
            self.entries.collect(),
            self.evictions.collect(),
            self.hits.collect(),
            self.misses.collect(),
        ]
        .concat()
    }
}

#[cfg(test)]
mod tests {
    use prometheus::{Encoder, TextEncoder};

    use super::*;

    #[test]
    fn the_sandbox_caches_are_on_the_metrics_page() {
        let metrics = Metrics::new();
        let mut page = Vec::new();
        TextEncoder::new()
            .encode(&metrics.registry.gather(), &mut page)
            .unwrap();
        let page = String::from_utf8(page).unwrap();
        for line in [
            "sandbox_cache_bytes{cache=\"disk\"}",
            "sandbox_cache_max_bytes{cache=\"memory\"}",
            "sandbox_cache_entries{cache=\"memory\"}",
            "sandbox_cache_evictions_total{cache=\"disk\"}",
            "sandbox_cache_hits_total{cache=\"memory\"}",
            "sandbox_cache_misses_total{cache=\"disk\"}",
        ] {
            assert!(page.contains(line), "{line} missing from:\n{page}");
        }
    }
}
