//! Problems over HTTP: organizers import Kattis packages (`POST /api/problems`), everyone
//! lists problems and reads a statement with its samples.
//!
//! Parsing, verification, storage and the choice of a battle's problem are `joust-problems`';
//! this module adds who may do what,
//! the limits of each route and the service's metrics for them.

pub mod routes;

use std::{net::IpAddr, sync::Arc};

use axum::{
    Extension, Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use joust_common::metrics::counter_vec;
use joust_problems::HttpExecutor;
use prometheus::{IntCounterVec, Registry};
use sqlx::PgPool;
use uuid::Uuid;

pub use routes::{ImportResponse, ProblemDetail, ProblemSummary, Sample, StatementText};

use crate::{
    AppState,
    auth::{Player, Role},
    error::ApiError,
    ratelimit::KeyedBuckets,
    settings::ProblemSettings,
};

/// The problem routes' state, handed to them as an `Extension`.
#[derive(Clone)]
pub struct ProblemsState {
    executor: HttpExecutor,
    max_package_bytes: usize,
    imports: Arc<KeyedBuckets<Uuid>>,
    reads: Arc<KeyedBuckets<IpAddr>>,
    /// Imports by outcome: `imported`, `unchanged`, `refused`, `failed`.
    imports_total: IntCounterVec,
}

impl ProblemsState {
    pub fn new(settings: &ProblemSettings, registry: &Registry) -> Self {
        let imports_total = counter_vec(
            registry,
            "problem_imports_total",
            "Problem package imports, by outcome (imported, unchanged, refused, failed).",
            &["outcome"],
        );
        for outcome in ["imported", "unchanged", "refused", "failed"] {
            imports_total.with_label_values(&[outcome]);
        }
        Self {
            executor: HttpExecutor::new(&settings.executor.url, &settings.executor.token),
            max_package_bytes: settings.max_package_bytes,
            imports: Arc::new(KeyedBuckets::new(
                settings.imports_per_min / 60.0,
                settings.imports_per_min.max(1.0),
            )),
            reads: Arc::new(KeyedBuckets::new(
                settings.reads_per_sec,
                settings.reads_per_sec.max(1.0) * 2.0,
            )),
            imports_total,
        }
    }
}

/// The one place that decides who may import problems: organizers and admins. The role is read
/// from the database, not the token, so a role taken away applies at once.
pub async fn require_organizer(pool: &PgPool, player: &Player) -> Result<(), ApiError> {
    let role = sqlx::query_scalar!(
        r#"SELECT role AS "role: Role" FROM users WHERE id = $1"#,
        player.id,
    )
    .fetch_optional(pool)
    .await?;
    match role {
        Some(Role::Organizer | Role::Admin) => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// The problem routes, for the public router.
pub fn router(settings: &ProblemSettings, registry: &Registry) -> Router<AppState> {
    let problems = ProblemsState::new(settings, registry);
    Router::new()
        .route(
            "/api/problems",
            post(routes::import_problem)
                .layer(DefaultBodyLimit::max(problems.max_package_bytes))
                .get(routes::list_problems),
        )
        .route("/api/problems/{id}", get(routes::get_problem))
        .layer(Extension(problems))
}
