//! `POST /v1/executions` and `GET /v1/languages`, the JSON answers to unknown routes and
//! methods, and the error type they share.
//!
//! Judging itself is the sandbox's; the request's span is built in `span`, its drop guards are
//! in `guards`, the token check in `auth`, the metrics it updates in `metrics`.

use std::time::Instant;

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use joust_common::{
    execution::{ExecutionRequest, ExecutionResponse, RequestRefusal, Verdict},
    http::{JsonBody, error_response},
};
use joust_sandbox::{LanguageInfo, Stop};
use serde::Serialize;
use tracing::{Instrument, Span};

use crate::{
    guards::{Abandon, InFlight},
    span::execution_span,
    state::AppState,
};

/// The body of `GET /v1/languages`.
#[derive(Debug, Serialize)]
pub struct LanguagesResponse<'a> {
    pub languages: &'a [LanguageInfo],
}

/// Every language this executor judges, with its toolchain, limits and caveats.
pub async fn list_languages(State(state): State<AppState>) -> Response {
    Json(LanguagesResponse {
        languages: &state.languages,
    })
    .into_response()
}

#[derive(Debug, thiserror::Error)]
pub enum ExecutionError {
    #[error("a valid bearer token is required")]
    Unauthorized,
    #[error(transparent)]
    Refused(#[from] RequestRefusal),
    #[error("all run slots are busy; retry shortly")]
    Busy,
    #[error("no such route")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("internal error")]
    Internal(String),
}

impl IntoResponse for ExecutionError {
    fn into_response(self) -> Response {
        match self {
            ExecutionError::Unauthorized => {
                let mut response =
                    error_response(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", self.to_string());
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            ExecutionError::Refused(refusal) => error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                refusal.code(),
                refusal.to_string(),
            ),
            ExecutionError::Busy => {
                let mut response =
                    error_response(StatusCode::TOO_MANY_REQUESTS, "BUSY", self.to_string());
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
            ExecutionError::NotFound => {
                error_response(StatusCode::NOT_FOUND, "NOT_FOUND", self.to_string())
            }
            ExecutionError::MethodNotAllowed => error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                self.to_string(),
            ),
            ExecutionError::Internal(cause) => {
                tracing::error!(error = %cause, "execution failed");
                error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "internal error",
                )
            }
        }
    }
}

/// The answer to a path no route serves.
pub async fn not_found() -> Response {
    ExecutionError::NotFound.into_response()
}

/// Gives axum's empty `405` a JSON body (keeping its `Allow` header).
pub async fn json_method_not_allowed(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() != StatusCode::METHOD_NOT_ALLOWED || is_json {
        return response;
    }
    let mut answer = ExecutionError::MethodNotAllowed.into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// Judges one request. Runs in the request's span ([`execution_span`]), so every line logged
/// while judging it, here and in the sandbox, carries its language and correlation ids.
pub async fn create_execution(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ExecutionRequest>,
) -> Response {
    let arrived = Instant::now();
    let span = execution_span(&headers, request.language);
    let result = execute(state, request, arrived)
        .instrument(span.clone())
        .await;
    // An internal error is logged as it becomes a response: in the span too.
    span.in_scope(|| result.into_response())
}

async fn execute(
    state: AppState,
    request: ExecutionRequest,
    arrived: Instant,
) -> Result<Json<ExecutionResponse>, ExecutionError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["create_execution"])
        .start_timer();
    if let Err(refusal) = request.validate(&state.maxima) {
        let reason = match refusal {
            RequestRefusal::AboveMaximum { .. } => "limit",
            RequestRefusal::Invalid(_) => "invalid",
        };
        state.metrics.rejections.with_label_values(&[reason]).inc();
        return Err(refusal.into());
    }
    let deadline = arrived + state.request_deadline;
    let stop = Stop::at(deadline);
    // Dropped with this future when the caller goes away: the compile and runs stop, and the
    // blocking task below gives its slot back.
    let abandon = Abandon::new(stop.clone(), state.metrics.stopped.clone());
    let wait = state
        .queue_timeout
        .min(deadline.saturating_duration_since(Instant::now()));
    let permit = match tokio::time::timeout(wait, state.slots.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            state.metrics.rejections.with_label_values(&["busy"]).inc();
            return Err(ExecutionError::Busy);
        }
    };
    let language = request.language;
    let started = Instant::now();
    let sandbox = state.sandbox.clone();
    // The sandbox logs from a blocking thread: it carries the request's span there.
    let span = Span::current();
    // The gauge follows the slot: both are given back when the blocking work ends.
    let in_flight = InFlight::enter(&state.metrics.in_flight);
    let work_stop = stop.clone();
    let response = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let _in_flight = in_flight;
        span.in_scope(|| sandbox.execute_until(&request, &work_stop))
    })
    .await;
    abandon.finish();
    let response = response.map_err(|e| ExecutionError::Internal(e.to_string()))?;
    let elapsed = started.elapsed();
    if stop.deadline_passed() {
        state.metrics.stopped.with_label_values(&["deadline"]).inc();
        tracing::warn!(
            deadline_ms = state.request_deadline.as_millis() as u64,
            "execution stopped at its deadline"
        );
    }
    state
        .metrics
        .execution_duration
        .with_label_values(&[language.as_str()])
        .observe(elapsed.as_secs_f64());
    state
        .metrics
        .executions
        .with_label_values(&[language.as_str(), response.verdict.as_str()])
        .inc();
    state.metrics.observe_runs(language, &response);
    if response.verdict == Verdict::IE {
        tracing::warn!(language = %language, "execution ended in an internal error");
    }
    tracing::info!(
        verdict = response.verdict.as_str(),
        tests = response.tests.len(),
        duration_ms = elapsed.as_millis() as u64,
        "execution finished"
    );
    Ok(Json(response))
}
