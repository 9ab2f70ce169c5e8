//! The problem handlers: import (organizers, rate-limited per user, size-limited), the public
//! list and a problem's statement with its samples (rate-limited per client address).

use axum::{
    Json,
    body::Bytes,
    extract::{Extension, Path, State, rejection::BytesRejection},
    http::{StatusCode, request::Parts},
};
use joust_problems::{Bounds, PackageFiles, Report, store};
use serde::Serialize;
use uuid::Uuid;

use super::{ProblemsState, require_organizer};
use crate::{AppState, error::ApiError};

/// What an import did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportResponse {
    pub problem_id: Uuid,
    pub version_id: Uuid,
    pub slug: String,
    /// False when this exact package was already imported: nothing changed.
    pub created: bool,
    /// The time limit battles use, derived from the accepted submissions when the package
    /// fixes none.
    pub time_limit_ms: u64,
    pub time_limit_derived: bool,
    /// What does not refuse the package but is worth knowing.
    pub warnings: Vec<String>,
}

/// A problem in the public list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemSummary {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    /// Difficulty on the players' rating scale.
    pub rating: i32,
    pub time_limit_ms: i32,
    pub memory_limit_mb: i32,
}

/// One language's statement, in Markdown with `$…$` math for KaTeX.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StatementText {
    pub language: String,
    pub markdown: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Sample {
    pub input: String,
    pub output: String,
}

/// A problem's page: what a player needs, and nothing secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub summary: ProblemSummary,
    /// `pass-fail`, `scoring` or `interactive`.
    pub problem_type: String,
    pub statements: Vec<StatementText>,
    pub samples: Vec<Sample>,
}

impl From<store::Listed> for ProblemSummary {
    fn from(p: store::Listed) -> Self {
        Self {
            id: p.id,
            slug: p.slug,
            title: p.title,
            rating: p.rating,
            time_limit_ms: p.time_limit_ms,
            memory_limit_mb: p.memory_limit_mb,
        }
    }
}

/// `POST /api/problems`: the body is a Kattis package as a zip (`.zip` or `.kpp`) holding the
/// package, or one folder named after the problem holding it. The package is parsed, verified
/// on an executor and stored as a new version, or refused whole with every problem found.
#[utoipa::path(
    post,
    path = "/api/problems",
    tag = "problems",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the package as a zip (`.zip` or `.kpp`)"),
    responses(
        (status = 201, description = "imported as a new version", body = ImportResponse),
        (status = 200, description = "this version was already imported; nothing changed", body = ImportResponse),
        (status = 401, description = "UNAUTHORIZED"),
        (status = 403, description = "FORBIDDEN: not an organizer"),
        (status = 413, description = "PACKAGE_TOO_LARGE"),
        (status = 422, description = "PACKAGE_REFUSED, with everything wrong"),
        (status = 429, description = "RATE_LIMITED"),
    ),
    security(("bearer" = []))
)]
pub async fn import_problem(
    State(state): State<AppState>,
    Extension(problems): Extension<ProblemsState>,
    parts: Parts,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportResponse>), ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["problems:import"])
        .start_timer();
    let player = state.tokens.verify_bearer(&parts.headers)?;
    require_organizer(&state.pool, &player).await?;
    problems.imports.try_take(&player.id).map_err(|wait| {
        state
            .metrics
            .events_limited
            .with_label_values(&["problem_import", "user_rate"])
            .inc();
        ApiError::RateLimited {
            retry_after_ms: (wait.as_millis() as u64).max(1),
        }
    })?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PackageTooLarge {
                max_bytes: problems.max_package_bytes,
            }
        } else {
            ApiError::InvalidPayload(rejection.body_text())
        }
    })?;
    let count = |outcome: &str| problems.imports_total.with_label_values(&[outcome]).inc();
    let bounds = Bounds {
        archive_bytes: problems.max_package_bytes as u64,
        ..Bounds::default()
    };
    // Unpacking and converting statements (pandoc) block: off the async workers.
    let parsed = tokio::task::spawn_blocking(move || {
        let files = PackageFiles::read_zip(&body, "upload", &bounds)?;
        let package = joust_problems::parse(&files)?;
        Ok::<_, Report>((files, package))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    let (files, package) = parsed.inspect_err(|_| count("refused"))?;
    let verified = joust_problems::verify(&package, &problems.executor)
        .await
        .inspect_err(|_| count("refused"))?;
    let imported = store::import(&state.pool, &package, &files, &verified)
        .await
        .inspect_err(|_| count("failed"))?;
    count(if imported.created {
        "imported"
    } else {
        "unchanged"
    });
    tracing::info!(
        problem.slug = %package.slug,
        problem.version = %imported.version_id,
        created = imported.created,
        user_id = %player.id,
        "problem package imported"
    );
    let status = if imported.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ImportResponse {
            problem_id: imported.problem_id,
            version_id: imported.version_id,
            slug: package.slug.clone(),
            created: imported.created,
            time_limit_ms: verified.time_limit_ms,
            time_limit_derived: verified.time_limit_derived,
            warnings: package.warnings.clone(),
        }),
    ))
}

/// `GET /api/problems`: every problem's public metadata.
#[utoipa::path(
    get,
    path = "/api/problems",
    tag = "problems",
    responses(
        (status = 200, body = Vec<ProblemSummary>),
        (status = 429, description = "RATE_LIMITED"),
    )
)]
pub async fn list_problems(
    State(state): State<AppState>,
    Extension(problems): Extension<ProblemsState>,
    parts: Parts,
) -> Result<Json<Vec<ProblemSummary>>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["problems:list"])
        .start_timer();
    limit_reads(&state, &problems, &parts)?;
    let problems = store::list(&state.pool).await?;
    Ok(Json(problems.into_iter().map(Into::into).collect()))
}

/// `GET /api/problems/{id}`: a problem's statements and sample tests.
#[utoipa::path(
    get,
    path = "/api/problems/{id}",
    tag = "problems",
    params(("id" = Uuid, Path, description = "the problem's id")),
    responses(
        (status = 200, body = ProblemDetail),
        (status = 404, description = "PROBLEM_NOT_FOUND"),
        (status = 429, description = "RATE_LIMITED"),
    )
)]
pub async fn get_problem(
    State(state): State<AppState>,
    Extension(problems): Extension<ProblemsState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Result<Json<ProblemDetail>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["problems:get"])
        .start_timer();
    limit_reads(&state, &problems, &parts)?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::ProblemNotFound)?;
    let detail = store::detail(&state.pool, id)
        .await?
        .ok_or(ApiError::ProblemNotFound)?;
    let statements: Vec<StatementText> =
        serde_json::from_value(detail.statements).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(ProblemDetail {
        summary: detail.listed.into(),
        problem_type: detail.problem_type,
        statements,
        samples: detail
            .samples
            .into_iter()
            .map(|(input, output)| Sample { input, output })
            .collect(),
    }))
}

fn limit_reads(state: &AppState, problems: &ProblemsState, parts: &Parts) -> Result<(), ApiError> {
    let ip = crate::handshake::client_ip(parts, &state.trusted_proxies);
    problems.reads.try_take(&ip).map_err(|wait| {
        state
            .metrics
            .events_limited
            .with_label_values(&["problem_read", "ip_rate"])
            .inc();
        ApiError::RateLimited {
            retry_after_ms: (wait.as_millis() as u64).max(1),
        }
    })
}
