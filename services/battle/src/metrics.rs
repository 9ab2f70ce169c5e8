//! Battle service metrics. Names are what alerts refer to; keep them stable.

use joust_common::metrics::{counter_vec, histogram_vec, latency_buckets};
use prometheus::{HistogramVec, IntCounterVec, IntGauge, Registry};

use crate::lock::LockMetrics;

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Socket event and HTTP handler latency, labelled by handler.
    pub handler_duration: HistogramVec,
    /// Battle-creation lock and fencing metrics.
    pub locks: LockMetrics,
    pub socket_connections: IntGauge,
    /// Handshakes refused, by reason.
    pub handshakes_rejected: IntCounterVec,
    /// Battle events delivered from the Redis channel to local sockets.
    pub events_relayed: IntCounterVec,
    /// Battles finished by the sweeper or a forfeit, by outcome and reason.
    pub battles_finished: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let locks = LockMetrics::new(&registry);
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
            battles_finished: counter_vec(
                &registry,
                "battles_finished_by_service_total",
                "Battles this instance finished without a verdict, by reason (draw_timeout, resigned, disconnected).",
                &["reason"],
            ),
            locks,
            socket_connections,
            registry,
        }
    }
}
