//! Battle-creation locks: a Redlock (rslock) on the pairing key keeps concurrent creations of
//! the same battle cheap to refuse, and every acquisition draws a fencing token from PostgreSQL
//! that the creating write is conditional on (see [`fence`]).
//!
//! While the work under the lock runs, a heartbeat task extends the lock with
//! `LockManager::extend` whenever its remaining validity drops below the threshold. An extension
//! that fails, or a lock that runs out of allowed extensions, cancels the work with
//! [`ApiError::LockLost`]: dropping the work's future rolls back its open transaction. The lock
//! only keeps contention cheap; the fencing token is what keeps the database correct when a
//! holder is paused past its lock's expiry without noticing.
//!
//! The lock is taken on every node of `JOUST_LOCK_REDIS_URLS` (see [`crate::lock_quorum`]); a
//! refusal with fewer reachable nodes than a majority is [`ApiError::LockUnavailable`]. A node
//! that restarts empty can let a second holder in while the first still works; fencing is what
//! keeps that window harmless.

use std::{
    collections::HashSet,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use joust_common::metrics;
use prometheus::{Gauge, Histogram, IntCounter, IntCounterVec, IntGauge, Registry};
use rslock::{LockError, LockManager};
use sqlx::{PgConnection, PgPool};
use tokio::sync::oneshot;

use crate::{error::ApiError, lock_quorum::LockNodes, settings::LockSettings};

/// Lock and fencing metrics; SREs alert on headroom and losses.
#[derive(Clone)]
pub struct LockMetrics {
    pub acquire_duration: Histogram,
    pub hold_duration: Histogram,
    /// Validity the lock had left when it was released or extended.
    pub ttl_headroom: Histogram,
    pub extensions: IntCounter,
    /// Locks whose extension failed, that ran out of extensions, or that had expired by the
    /// time their holder released them.
    pub lost: IntCounter,
    /// Battle-creating writes refused because a newer fencing token was already recorded.
    pub fencing_rejections: IntCounter,
    /// The configured TTL, so that alerts can compare hold times with it.
    pub ttl: Gauge,
    /// Acquisitions refused, by reason: `busy` (another holder), `ttl_exceeded` (taking it took
    /// longer than its validity), `quorum` (too few nodes reachable), `error`.
    pub failures: IntCounterVec,
    /// Lock nodes that answered the latest probe, next to [`Self::nodes`] configured.
    pub nodes_reachable: IntGauge,
    pub nodes: IntGauge,
}

impl LockMetrics {
    pub fn new(registry: &Registry) -> Self {
        let histogram = |name: &str, help: &str| {
            metrics::histogram(registry, name, help, metrics::latency_buckets())
        };
        let counter = |name: &str, help: &str| metrics::counter(registry, name, help);
        Self {
            acquire_duration: histogram(
                "lock_acquire_duration_seconds",
                "Time to acquire a battle-creation lock.",
            ),
            hold_duration: histogram(
                "lock_hold_duration_seconds",
                "Time a battle-creation lock was held, from acquisition to release.",
            ),
            ttl_headroom: histogram(
                "lock_ttl_headroom_seconds",
                "Validity a battle-creation lock had left when it was released or extended.",
            ),
            extensions: counter(
                "lock_extensions_total",
                "Successful extensions of battle-creation locks.",
            ),
            lost: counter(
                "lock_lost_total",
                "Battle-creation locks lost while held: failed extension, extensions exhausted, or expired before release.",
            ),
            fencing_rejections: counter(
                "fencing_rejections_total",
                "Battle-creating writes refused because their fencing token was stale.",
            ),
            ttl: metrics::register(
                registry,
                Gauge::new(
                    "lock_ttl_seconds",
                    "Time-to-live of a battle-creation lock and of each extension (JOUST_LOCK_TTL_MS).",
                ),
            ),
            failures: metrics::counter_vec(
                registry,
                "lock_failures_total",
                "Battle-creation lock acquisitions refused, by reason (busy, ttl_exceeded, quorum, error).",
                &["reason"],
            ),
            nodes_reachable: metrics::gauge(
                registry,
                "lock_nodes_reachable",
                "Redis nodes of the battle-creation lock that answered the latest probe.",
            ),
            nodes: metrics::gauge(
                registry,
                "lock_nodes",
                "Redis nodes the battle-creation lock is taken on (JOUST_LOCK_REDIS_URLS).",
            ),
        }
    }
}

#[derive(Clone)]
pub struct BattleLocks {
    manager: LockManager,
    nodes: Arc<LockNodes>,
    prefix: String,
    settings: LockSettings,
    metrics: LockMetrics,
    /// Resources whose first creation already took the fault-injection pause.
    stalled: Arc<Mutex<HashSet<String>>>,
}

/// A lock while it is held: when it was taken, until when it is valid, how often it was
/// extended.
struct Held {
    lock: rslock::Lock,
    acquired: Instant,
    valid_until: Instant,
    extensions: u32,
}

impl Held {
    fn headroom(&self) -> Duration {
        self.valid_until.saturating_duration_since(Instant::now())
    }
}

fn validity(lock: &rslock::Lock) -> Duration {
    Duration::from_millis(lock.validity_time as u64)
}

impl BattleLocks {
    /// Locks on the nodes of `settings.redis_urls`, or on `primary` alone when there are none.
    pub fn new(
        primary: redis::Client,
        prefix: &str,
        settings: LockSettings,
        metrics: LockMetrics,
    ) -> Self {
        metrics.ttl.set(settings.ttl.as_secs_f64());
        let clients = if settings.redis_urls.is_empty() {
            vec![primary]
        } else {
            settings
                .redis_urls
                .iter()
                .cloned()
                // Opening a client from parsed connection info never fails; it does not connect.
                .filter_map(|info| redis::Client::open(info).ok())
                .collect()
        };
        metrics.nodes.set(clients.len() as i64);
        let nodes = LockNodes::new(clients, metrics.nodes_reachable.clone());
        Self {
            manager: nodes.manager(),
            nodes,
            prefix: prefix.to_owned(),
            settings,
            metrics,
            stalled: Arc::default(),
        }
    }

    pub fn metrics(&self) -> &LockMetrics {
        &self.metrics
    }

    /// The Redis key of the lock on `resource`.
    pub fn key(&self, resource: &str) -> String {
        format!("{}lock:{resource}", self.prefix)
    }

    /// Runs `work` under the lock on `resource`, handing it the acquisition's fencing token.
    ///
    /// Fails with [`ApiError::LockBusy`] when another holder has the lock, with
    /// [`ApiError::LockUnavailable`] when too few lock nodes answer, and with
    /// [`ApiError::LockLost`] (after dropping `work`) when the lock could not be kept. `work`
    /// only runs once the lock is held, so a refusal has written nothing.
    pub async fn run_locked<T, F, Fut>(
        &self,
        pool: &PgPool,
        resource: &str,
        work: F,
    ) -> Result<T, ApiError>
    where
        F: FnOnce(i64) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let held = self.acquire(resource).await?;
        let token = match sqlx::query_scalar!(r#"SELECT nextval('fencing_tokens') AS "token!""#)
            .fetch_one(pool)
            .await
        {
            Ok(token) => token,
            Err(e) => {
                self.release(held).await;
                return Err(e.into());
            }
        };
        let hold = self.test_hold(resource);
        let work = async move {
            if !hold.is_zero() {
                tokio::time::sleep(hold).await;
            }
            work(token).await
        };
        if !self.settings.auto_renew {
            let result = work.await;
            self.release(held).await;
            return result;
        }
        let (stop, stopped) = oneshot::channel();
        let (lost, lost_signal) = oneshot::channel();
        let heartbeat = tokio::spawn(self.clone().heartbeat(held, stopped, lost));
        let result = tokio::select! {
            result = work => result,
            Ok(()) = lost_signal => Err(ApiError::LockLost),
        };
        let _ = stop.send(());
        match heartbeat.await {
            Ok(held) => self.release(held).await,
            // The lock key then expires on its own after the TTL.
            Err(e) => tracing::error!(error = %e, "lock heartbeat task failed"),
        }
        result
    }

    async fn acquire(&self, resource: &str) -> Result<Held, ApiError> {
        let started = Instant::now();
        let lock = match self
            .manager
            .lock(self.key(resource).as_bytes(), self.settings.ttl)
            .await
        {
            Ok(lock) => lock,
            // Either another holder has a majority or too few nodes answered: the probe tells.
            // A refusal because taking the lock took longer than its TTL (a slow Redis or a
            // loaded host) is contention to retry too: we do not hold it, and whatever was set
            // expires on its own.
            Err(e @ (LockError::Unavailable | LockError::TtlExceeded)) => {
                return Err(self.nodes.refusal(&e, &self.metrics.failures).await);
            }
            Err(e) => {
                self.metrics.failures.with_label_values(&["error"]).inc();
                return Err(ApiError::Internal(
                    anyhow::Error::new(e).context("acquiring the battle lock"),
                ));
            }
        };
        self.metrics
            .acquire_duration
            .observe(started.elapsed().as_secs_f64());
        Ok(Held {
            valid_until: started + validity(&lock),
            lock,
            acquired: Instant::now(),
            extensions: 0,
        })
    }

    /// Extends the lock before it runs out, until told to stop; signals `lost` and returns when
    /// the lock cannot be kept. Returns the lock for release either way.
    async fn heartbeat(
        self,
        mut held: Held,
        mut stop: oneshot::Receiver<()>,
        lost: oneshot::Sender<()>,
    ) -> Held {
        loop {
            let exhausted = held.extensions >= self.settings.max_extensions;
            let wake = if exhausted {
                held.valid_until
            } else {
                held.valid_until
                    .checked_sub(self.settings.extend_threshold)
                    .unwrap_or(held.acquired)
            };
            tokio::select! {
                _ = &mut stop => return held,
                () = tokio::time::sleep_until(wake.into()) => {}
            }
            if exhausted {
                tracing::warn!(
                    extensions = held.extensions,
                    "battle lock ran out of extensions; cancelling its holder"
                );
                self.metrics.lost.inc();
                let _ = lost.send(());
                return held;
            }
            let headroom = held.headroom();
            let started = Instant::now();
            match self.manager.extend(&held.lock, self.settings.ttl).await {
                Ok(extended) => {
                    self.metrics.ttl_headroom.observe(headroom.as_secs_f64());
                    self.metrics.extensions.inc();
                    held.valid_until = started + validity(&extended);
                    held.lock = extended;
                    held.extensions += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "extending the battle lock failed; cancelling its holder");
                    self.metrics.lost.inc();
                    let _ = lost.send(());
                    return held;
                }
            }
        }
    }

    async fn release(&self, held: Held) {
        let headroom = held.headroom();
        self.metrics.ttl_headroom.observe(headroom.as_secs_f64());
        self.metrics
            .hold_duration
            .observe(held.acquired.elapsed().as_secs_f64());
        if headroom.is_zero() {
            // Only reachable without renewal (or when the heartbeat just signalled a loss, which
            // it counted): the holder outlived its lock.
            if !self.settings.auto_renew {
                self.metrics.lost.inc();
            }
            tracing::warn!("battle lock expired before its holder released it");
        }
        held.lock.release().await;
    }

    /// The fault-injection pause: the first creation of each resource on this instance stalls
    /// (see [`LockSettings::test_hold`]). Stalling only the first makes the fault reproducible:
    /// a later holder, on this instance or another, writes while the first one still sleeps.
    fn test_hold(&self, resource: &str) -> Duration {
        if self.settings.test_hold.is_zero() {
            return Duration::ZERO;
        }
        let mut stalled = self
            .stalled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if stalled.insert(resource.to_owned()) {
            self.settings.test_hold
        } else {
            Duration::ZERO
        }
    }
}

/// Records `token` as the newest fencing token of `resource`, inside the transaction of the
/// write it protects. Refuses with [`ApiError::FencingRejected`] when a newer token was recorded
/// first: the caller's lock expired and a later holder already wrote.
///
/// The upsert takes the `fencing` row lock, so concurrent writers of one resource are also
/// serialized until the first commits.
pub async fn fence(
    conn: &mut PgConnection,
    metrics: &LockMetrics,
    resource: &str,
    token: i64,
) -> Result<(), ApiError> {
    let recorded = sqlx::query!(
        "INSERT INTO fencing (resource, token) VALUES ($1, $2)
         ON CONFLICT (resource) DO UPDATE SET token = EXCLUDED.token, updated_at = now()
         WHERE fencing.token < EXCLUDED.token",
        resource,
        token,
    )
    .execute(&mut *conn)
    .await?;
    if recorded.rows_affected() == 0 {
        metrics.fencing_rejections.inc();
        tracing::warn!(resource, token, "stale fencing token refused");
        return Err(ApiError::FencingRejected);
    }
    Ok(())
}
