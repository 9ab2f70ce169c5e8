//! `POST /v1/executions` and `GET /v1/languages`: the handlers and their error type.
//!
//! Judging itself is the sandbox's; the request's span is built in `span`, the metrics it
//! updates are defined in `metrics`.

use std::time::Instant;

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use joust_common::{
    execution::{ExecutionRequest, ExecutionResponse, Verdict},
    http::{JsonBody, error_response},
};

use joust_sandbox::LanguageInfo;
use serde::Serialize;
use tracing::{Instrument, Span};

use crate::{span::execution_span, state::AppState};

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
    #[error("{0}")]
    Invalid(String),
    #[error("all run slots are busy; retry shortly")]
    Busy,
    #[error("internal error")]
    Internal(String),
}

impl IntoResponse for ExecutionError {
    fn into_response(self) -> Response {
        match self {
            ExecutionError::Invalid(message) => {
                error_response(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_REQUEST", message)
            }
            ExecutionError::Busy => {
                let mut response =
                    error_response(StatusCode::TOO_MANY_REQUESTS, "BUSY", self.to_string());
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
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

/// Judges one request. Runs in the request's span ([`execution_span`]), so every line logged
/// while judging it, here and in the sandbox, carries its language and correlation ids.
pub async fn create_execution(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ExecutionRequest>,
) -> Response {
    let span = execution_span(&headers, request.language);
    let result = execute(state, request).instrument(span.clone()).await;
    // An internal error is logged as it becomes a response: in the span too.
    span.in_scope(|| result.into_response())
}

async fn execute(
    state: AppState,
    request: ExecutionRequest,
) -> Result<Json<ExecutionResponse>, ExecutionError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["create_execution"])
        .start_timer();
    if let Err(message) = request.validate() {
        state
            .metrics
            .rejections
            .with_label_values(&["invalid"])
            .inc();
        return Err(ExecutionError::Invalid(message));
    }
    let permit = match tokio::time::timeout(
        state.queue_timeout,
        state.slots.clone().acquire_owned(),
    )
    .await
    {
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
    state.metrics.in_flight.inc();
    let response = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        span.in_scope(|| sandbox.execute(&request))
    })
    .await;
    state.metrics.in_flight.dec();
    let response = response.map_err(|e| ExecutionError::Internal(e.to_string()))?;
    let elapsed = started.elapsed();
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
