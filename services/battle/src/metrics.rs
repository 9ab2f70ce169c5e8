//! Battle service metrics. Names are what alerts refer to; keep them stable.

use joust_common::metrics::{counter_vec, histogram_vec, latency_buckets};
use prometheus::{Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Registry};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Socket event and HTTP handler latency, labelled by handler.
    pub handler_duration: HistogramVec,
    pub lock_acquire_duration: Histogram,
    pub socket_connections: IntGauge,
    /// Handshakes refused, by reason.
    pub handshakes_rejected: IntCounterVec,
    /// Battle events delivered from the Redis channel to local sockets.
    pub events_relayed: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let lock_acquire_duration = Histogram::with_opts(
            HistogramOpts::new(
                "lock_acquire_duration_seconds",
                "Time to acquire a battle-creation lock.",
            )
            .buckets(latency_buckets()),
        )
        .expect("metric definition is valid");
        registry
            .register(Box::new(lock_acquire_duration.clone()))
            .expect("metric is registered once");
        let socket_connections = IntGauge::new(
            "socket_connections",
            "Open Socket.IO connections on this instance.",
        )
        .expect("metric definition is valid");
        registry
            .register(Box::new(socket_connections.clone()))
            .expect("metric is registered once");
        Self {
            handler_duration: histogram_vec(
                &registry,
                "handler_duration_seconds",
                "Socket event and HTTP handler latency.",
                &["handler"],
                latency_buckets(),
            ),
            handshakes_rejected: counter_vec(
                &registry,
                "handshakes_rejected_total",
                "Socket.IO handshakes refused, by reason.",
                &["reason"],
            ),
            events_relayed: counter_vec(
                &registry,
                "battle_events_relayed_total",
                "Battle events pushed to sockets of this instance, by type.",
                &["type"],
            ),
            lock_acquire_duration,
            socket_connections,
            registry,
        }
    }
}
