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
    /// Socket events refused by a limit before they ran, by event class and limit.
    pub events_limited: IntCounterVec,
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
    /// Submits refused after the battle's end or over the pending cap, by error code.
    pub submissions_refused: IntCounterVec,
    /// Practice runs refused, by error code (`RATE_LIMITED` of the HTTP route included; the
    /// socket's rate refusals are in `events_limited_total{class="run"}`).
    pub runs_refused: IntCounterVec,
    /// Acks that found the socket's buffer full and waited for room, and acks never sent
    /// because the socket closed first (`waited`, `closed`).
    pub acks_delayed: IntCounterVec,
    /// Auth endpoint requests that failed, by handler and error code.
    pub auth_failures: IntCounterVec,
    /// Presence heartbeats Redis failed (the instance's players may look offline until the
    /// next one).
    pub presence_failures: IntCounter,
    /// Finished battles whose live leaderboard check failed to read the top 100.
    pub leaderboard_push_failures: IntCounter,
    /// Chat lines refused with `BUSY` because no instance was subscribed to relay them.
    pub chat_lines_unrelayed: IntCounter,
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
        let events_limited = counter_vec(
            &registry,
            "socket_events_limited_total",
            "Socket events refused before running, by event class and by limit (user_rate, socket_rate, in_flight); guest logins refused per address are class guest, limit ip_rate.",
            &["class", "limit"],
        );
        for class in crate::limits::EventClass::ALL {
            for limit in ["user_rate", "socket_rate", "in_flight"] {
                events_limited.with_label_values(&[class.as_str(), limit]);
            }
        }
        events_limited.with_label_values(&["guest", "ip_rate"]);
        let submissions_refused = counter_vec(
            &registry,
            "submissions_refused_total",
            "Submits refused inside their transaction: after the battle's end or over the pending cap, by code.",
            &["code"],
        );
        let runs_refused = counter_vec(
            &registry,
            "runs_refused_total",
            "Practice runs refused before they were queued, by code.",
            &["code"],
        );
        let acks_delayed = counter_vec(
            &registry,
            "acks_delayed_total",
            "Acks that found their socket's buffer full: waited for room (waited), or the socket closed first (closed).",
            &["outcome"],
        );
        for outcome in ["waited", "closed"] {
            acks_delayed.with_label_values(&[outcome]);
        }
        let presence_failures = counter(
            &registry,
            "presence_heartbeat_failures_total",
            "Presence heartbeats of this instance that Redis failed.",
        );
        let leaderboard_push_failures = counter(
            &registry,
            "leaderboard_push_failures_total",
            "Finished battles whose live leaderboard check could not read the top 100.",
        );
        let chat_lines_unrelayed = counter(
            &registry,
            "chat_lines_unrelayed_total",
            "Chat lines refused with BUSY because no instance was subscribed to relay them.",
        );
        Self {
            presence_failures,
            leaderboard_push_failures,
            chat_lines_unrelayed,
            events_limited,
            submissions_refused,
            runs_refused,
            acks_delayed,
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
                "Battles this instance finished without a verdict, by reason (draw_timeout, score_timeout, resigned, disconnected).",
                &["reason"],
            ),
            auth_failures: counter_vec(
                &registry,
                "auth_failures_total",
                "Auth endpoint requests refused or failed, by handler and error code (INVALID_CREDENTIALS, ACCOUNT_LOCKED, REFRESH_TOKEN_REUSED, ...).",
                &["handler", "code"],
            ),
            locks,
            socket_connections,
            registry,
        }
    }
}
