//! Battle service metrics. Names are what alerts refer to; keep them stable.

use joust_common::metrics::{
    counter, counter_vec, gauge, histogram, histogram_vec, latency_buckets,
};
use prometheus::{Histogram, HistogramVec, IntCounter, IntCounterVec, IntGauge, Registry};

use crate::{lock::LockMetrics, outbox::Priority};

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
    /// Messages a socket's outbox dropped to make room, by priority.
    pub events_dropped: IntCounterVec,
    /// Local sockets a battle room's message was delivered to.
    pub room_size: Histogram,
    /// Time from publishing a ping on the events channel to receiving it back.
    pub pubsub_roundtrip: Histogram,
    /// Players who came back while a reconnect grace period held their seat.
    pub reconnects: IntCounter,
    /// Battle snapshot reads, by where the answer came from (`cache`, or `log` when rebuilt).
    pub snapshot_reads: IntCounterVec,
    /// Snapshot reads and writes Redis failed (the log answered instead), by operation.
    pub snapshot_failures: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let locks = LockMetrics::new(&registry);
        let socket_connections = gauge(
            &registry,
            "socket_connections",
            "Open Socket.IO connections on this instance.",
        );
        let events_dropped = counter_vec(
            &registry,
            "events_dropped_total",
            "Outbound socket messages dropped because a connection could not keep up, by priority.",
            &["priority"],
        );
        for priority in Priority::ALL {
            // Present at zero, so that alerts and dashboards see the series before a drop.
            events_dropped.with_label_values(&[priority.as_str()]);
        }
        let room_size = histogram(
            &registry,
            "room_size",
            "Sockets of this instance a battle's message was delivered to (players and spectators).",
            vec![0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 25.0, 100.0, 1000.0],
        );
        let reconnects = counter(
            &registry,
            "reconnects_total",
            "Players who connected again while a reconnect grace period held their seat.",
        );
        let pubsub_roundtrip = histogram(
            &registry,
            "redis_pubsub_roundtrip_seconds",
            "Time from publishing a ping on the battle events channel to this instance receiving it.",
            latency_buckets(),
        );
        let snapshot_reads = counter_vec(
            &registry,
            "battle_snapshot_reads_total",
            "Battle state reads, by source: the Redis snapshot (cache) or a replay of the event log (log).",
            &["source"],
        );
        let snapshot_failures = counter_vec(
            &registry,
            "battle_snapshot_failures_total",
            "Battle snapshot operations that failed in Redis (read, write, decode); the event log answered instead.",
            &["operation"],
        );
        for source in ["cache", "log"] {
            snapshot_reads.with_label_values(&[source]);
        }
        for operation in ["read", "write", "decode"] {
            snapshot_failures.with_label_values(&[operation]);
        }
        Self {
            snapshot_reads,
            snapshot_failures,
            pubsub_roundtrip,
            events_dropped,
            room_size,
            reconnects,
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
