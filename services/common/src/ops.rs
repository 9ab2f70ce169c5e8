//! The operational routes every service exposes: `/healthz`, `/readyz` and `/metrics`.

use std::{future::Future, pin::Pin, sync::Arc};

use axum::{
    Router, extract::State, http::StatusCode, http::header, response::IntoResponse, routing::get,
};
use prometheus::Registry;

/// Says whether the service can do its job right now (dependencies reachable, not draining).
pub type ReadinessCheck =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// Readiness of a service that needs PostgreSQL and Redis: both answer.
pub fn store_readiness(pool: sqlx::PgPool, redis: redis::aio::ConnectionManager) -> ReadinessCheck {
    Arc::new(move || {
        let pool = pool.clone();
        let mut redis = redis.clone();
        Box::pin(async move { crate::db::ping(&pool, &mut redis).await })
    })
}

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

async fn readyz(State(state): State<OpsState>) -> impl IntoResponse {
    match (state.readiness)().await {
        Ok(()) => (StatusCode::OK, "ready".to_owned()),
        Err(reason) => (StatusCode::SERVICE_UNAVAILABLE, reason),
    }
}

async fn metrics(State(state): State<OpsState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)],
        crate::metrics::render(&state.registry),
    )
}
