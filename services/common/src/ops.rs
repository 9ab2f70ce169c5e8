//! The operational routes every service exposes: `/healthz`, `/readyz` and `/metrics`. A
//! service facing players serves [`public_routes`] to them and [`routes`] on a separate
//! operations listener, so that metrics and the reasons of unreadiness (which name its stores)
//! stay private.
//!
//! Readiness has three answers: ready; degraded (serving, with part of the job impaired: keep
//! it in rotation, but look); not ready (take it out of rotation). The operations `/readyz`
//! answers `ready`, `degraded: <reason>` (both 200) or `not ready: <reason>` (503); the public
//! one says only `ready` or `not ready`.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use axum::{
    Router, extract::State, http::StatusCode, http::header, response::IntoResponse, routing::get,
};
use prometheus::{IntGaugeVec, Opts, Registry};

/// What a readiness check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Doing its whole job.
    Ready,
    /// Serving, with part of the job impaired (the reason says which).
    Degraded(String),
    /// Cannot do its job (a store unreachable, shutting down).
    NotReady(String),
}

impl Readiness {
    /// The status and body of the operations `/readyz`.
    fn detailed(self) -> (StatusCode, String) {
        match self {
            Self::Ready => (StatusCode::OK, "ready".to_owned()),
            Self::Degraded(reason) => (StatusCode::OK, format!("degraded: {reason}")),
            Self::NotReady(reason) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {reason}"),
            ),
        }
    }
}

/// Says whether the service can do its job right now (dependencies reachable, not draining).
pub type ReadinessCheck =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Readiness> + Send>> + Send + Sync>;

/// The PostgreSQL and Redis a service needs, probed one by one: each probe sets
/// `store_up{store}` (1 reachable, 0 not), which the store-unreachable alert watches.
#[derive(Clone)]
pub struct StoreHealth {
    pool: sqlx::PgPool,
    redis: redis::aio::ConnectionManager,
    up: IntGaugeVec,
}

impl StoreHealth {
    /// Registers `store_up` in `registry`.
    pub fn new(
        registry: &Registry,
        pool: sqlx::PgPool,
        redis: redis::aio::ConnectionManager,
    ) -> Self {
        let up = crate::metrics::register(
            registry,
            IntGaugeVec::new(
                Opts::new(
                    "store_up",
                    "1 when the last probe of a store (postgres, redis) succeeded, 0 when it failed.",
                ),
                &["store"],
            ),
        );
        Self { pool, redis, up }
    }

    /// Probes both stores and records the results: ready, or not ready naming the stores
    /// that failed.
    pub async fn check(&self) -> Readiness {
        let mut redis = self.redis.clone();
        let (postgres, redis) = tokio::join!(
            crate::db::ping_postgres(&self.pool),
            crate::db::ping_redis(&mut redis)
        );
        let mut failures = Vec::new();
        for (store, result) in [("postgres", postgres), ("redis", redis)] {
            self.up
                .with_label_values(&[store])
                .set(i64::from(result.is_ok()));
            if let Err(e) = result {
                failures.push(e);
            }
        }
        if failures.is_empty() {
            Readiness::Ready
        } else {
            Readiness::NotReady(failures.join("; "))
        }
    }

    /// Probes every `period` until the process ends, so that `store_up` stays current when
    /// nobody asks `/readyz`.
    pub fn spawn_probe(&self, period: Duration) {
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                if let Readiness::NotReady(reason) = health.check().await {
                    tracing::warn!(reason, "a store is unreachable");
                }
                tokio::time::sleep(period).await;
            }
        });
    }

    /// A readiness check that is just this probe.
    pub fn readiness(&self) -> ReadinessCheck {
        let health = self.clone();
        Arc::new(move || {
            let health = health.clone();
            Box::pin(async move { health.check().await })
        })
    }
}

/// How often services probe their stores for `store_up`.
pub const STORE_PROBE_PERIOD: Duration = Duration::from_secs(5);

#[derive(Clone)]
struct OpsState {
    registry: Registry,
    readiness: ReadinessCheck,
}

/// Routes for liveness, readiness and metrics, to be merged into a service's router.
pub fn routes<S: Clone + Send + Sync + 'static>(
    registry: Registry,
    readiness: ReadinessCheck,
) -> Router<S> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(OpsState {
            registry,
            readiness,
        })
}

/// What a load balancer needs on a public port: `/healthz`, and `/readyz` answering 200 or
/// 503 without saying why (a degraded service is still ready).
pub fn public_routes<S: Clone + Send + Sync + 'static>(readiness: ReadinessCheck) -> Router<S> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(|State(readiness): State<ReadinessCheck>| async move {
                match readiness().await {
                    Readiness::Ready | Readiness::Degraded(_) => (StatusCode::OK, "ready"),
                    Readiness::NotReady(_) => (StatusCode::SERVICE_UNAVAILABLE, "not ready"),
                }
            }),
        )
        .with_state(readiness)
}

async fn readyz(State(state): State<OpsState>) -> impl IntoResponse {
    (state.readiness)().await.detailed()
}

async fn metrics(State(state): State<OpsState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)],
        crate::metrics::render(&state.registry),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degraded_is_still_ready_and_says_why() {
        assert_eq!(
            Readiness::Degraded("breaker open: http://e:1".into()).detailed(),
            (StatusCode::OK, "degraded: breaker open: http://e:1".into())
        );
        assert_eq!(
            Readiness::NotReady("draining".into()).detailed(),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: draining".into()
            )
        );
        assert_eq!(
            Readiness::Ready.detailed(),
            (StatusCode::OK, "ready".into())
        );
    }
}
