//! The independent Redis masters the battle-creation Redlock is taken on
//! (`JOUST_LOCK_REDIS_URLS`), and how many of them answer.
//!
//! rslock counts a lock as taken when a majority of the nodes set its key within the lock's
//! validity (TTL minus the elapsed time and a 1 % clock-drift allowance). When it refuses, it
//! does not say whether another holder won or too few nodes answered; [`LockNodes::probe`]
//! tells the two apart so that clients get `LOCK_BUSY` for contention and `LOCK_UNAVAILABLE`
//! when the lock service itself has lost its majority. Taking and renewing the lock lives in
//! `lock.rs`; nothing here writes a key.

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use prometheus::{IntCounterVec, IntGauge};
use redis::aio::MultiplexedConnection;
use rslock::{LockError, LockManager};
use tokio::sync::Mutex;

use crate::error::ApiError;

/// How long one node may take to answer a probe before it counts as unreachable; well under
/// the lock's TTL, so a refusal is classified in about the time the lock itself would take.
const PROBE_TIMEOUT: Duration = Duration::from_millis(250);

/// How often the reachable-nodes gauge is refreshed in the background, so that it shows a
/// node's loss or return even while no battle is being created.
const PROBE_INTERVAL: Duration = Duration::from_secs(5);

/// One lock node: its client and, once it answered, a connection kept for the next probe.
struct Node {
    client: redis::Client,
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl Node {
    async fn ping(&self) -> bool {
        let mut cached = self.connection.lock().await;
        let connection = match cached.as_mut() {
            Some(connection) => connection,
            None => {
                let connecting = self.client.get_multiplexed_async_connection();
                match tokio::time::timeout(PROBE_TIMEOUT, connecting).await {
                    Ok(Ok(connection)) => cached.insert(connection),
                    _ => return false,
                }
            }
        };
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(connection);
        let answered = matches!(tokio::time::timeout(PROBE_TIMEOUT, ping).await, Ok(Ok(_)));
        if !answered {
            // A node that comes back is reached through a fresh connection.
            *cached = None;
        }
        answered
    }
}

/// The lock's Redis masters and the gauge of how many of them answer.
pub struct LockNodes {
    nodes: Vec<Node>,
    reachable: IntGauge,
}

impl LockNodes {
    /// The nodes of `clients` (at least one), reporting to `reachable`. Inside a Tokio runtime
    /// a background task refreshes the gauge until the nodes are dropped.
    pub fn new(clients: Vec<redis::Client>, reachable: IntGauge) -> Arc<Self> {
        // Until the first probe, assume every node is up rather than alarm at start-up.
        reachable.set(clients.len() as i64);
        let nodes = Arc::new(Self {
            nodes: clients
                .into_iter()
                .map(|client| Node {
                    client,
                    connection: Mutex::new(None),
                })
                .collect(),
            reachable,
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(refresh(Arc::downgrade(&nodes)));
        }
        nodes
    }

    /// The Redlock manager over every node; its quorum is a majority of them.
    pub fn manager(&self) -> LockManager {
        LockManager::from_clients(self.nodes.iter().map(|n| n.client.clone()).collect())
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// How many nodes must agree for the lock to be taken: a majority, as rslock counts it.
    pub fn quorum(&self) -> usize {
        self.nodes.len() / 2 + 1
    }

    /// Pings every node at once and returns how many answered; updates the gauge.
    pub async fn probe(&self) -> usize {
        let answers = futures::future::join_all(self.nodes.iter().map(Node::ping)).await;
        let reachable = answers.into_iter().filter(|up| *up).count();
        self.reachable.set(reachable as i64);
        reachable
    }

    /// The error of an acquisition rslock refused: [`ApiError::LockUnavailable`] when fewer
    /// nodes than a majority answer a probe, else [`ApiError::LockBusy`]; counted in `failures`
    /// by reason.
    pub async fn refusal(&self, error: &LockError, failures: &IntCounterVec) -> ApiError {
        let reachable = self.probe().await;
        if reachable < self.quorum() {
            failures.with_label_values(&["quorum"]).inc();
            tracing::warn!(
                reachable,
                nodes = self.len(),
                "too few battle-lock nodes are reachable"
            );
            return ApiError::LockUnavailable;
        }
        let reason = match error {
            LockError::TtlExceeded => "ttl_exceeded",
            _ => "busy",
        };
        failures.with_label_values(&[reason]).inc();
        ApiError::LockBusy
    }
}

async fn refresh(nodes: Weak<LockNodes>) {
    let mut ticks = tokio::time::interval(PROBE_INTERVAL);
    loop {
        ticks.tick().await;
        let Some(nodes) = nodes.upgrade() else {
            return;
        };
        nodes.probe().await;
    }
}
