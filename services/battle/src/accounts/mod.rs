//! Registered accounts: register and log in with a handle and a password, short-lived access
//! tokens with rotating refresh tokens, logging out everywhere, claiming a guest account, and
//! roles. The guest login itself stays in `http.rs`; token signing in `auth.rs`.
//!
//! Every auth endpoint is limited per client IP and per handle (or account), before any
//! password is hashed, and a run of wrong passwords locks the account for a while. No mail is
//! sent: there is no e-mail address and no password reset by mail.

pub mod admin;
pub mod bearer;

pub mod credentials;
pub mod handlers;
pub mod sessions;
pub mod store;

use std::{future::Future, net::IpAddr};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

use crate::{AppState, error::ApiError};

/// Largest body an auth endpoint reads: a handle and a password fit many times over.
pub const MAX_BODY_BYTES: usize = 4096;

/// The auth routes, with their body limit.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/register", post(handlers::register))
        .route("/api/auth/login", post(handlers::login))
        .route("/api/auth/refresh", post(handlers::refresh))
        .route("/api/auth/logout", post(handlers::logout))
        .route("/api/auth/logout-all", post(handlers::logout_all))
        .route("/api/auth/claim", post(handlers::claim))
        .route("/api/auth/me", get(handlers::me))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Runs one handler's work under its `handler_duration` label and counts its failures by code
/// in `auth_failures_total`.
pub(crate) async fn observed<T>(
    state: &AppState,
    handler: &'static str,
    work: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&[handler])
        .start_timer();
    let result = work.await;
    if let Err(e) = &result {
        state
            .metrics
            .auth_failures
            .with_label_values(&[handler, e.code()])
            .inc();
    }
    result
}

/// Takes a token of the client address's auth allowance (`JOUST_AUTH_IP_RATE`).
pub(crate) fn limit_ip(state: &AppState, ip: IpAddr) -> Result<(), ApiError> {
    let Some(buckets) = &state.auth_ips else {
        return Ok(());
    };
    buckets
        .try_take(&ip)
        .map_err(|wait| limited(state, "ip_rate", wait))
}

/// Takes a token of a handle's or an account's allowance (`JOUST_AUTH_HANDLE_RATE`), whatever
/// the address.
pub(crate) fn limit_key(state: &AppState, key: String) -> Result<(), ApiError> {
    let Some(buckets) = &state.auth_handles else {
        return Ok(());
    };
    buckets
        .try_take(&key)
        .map_err(|wait| limited(state, "handle_rate", wait))
}

fn limited(state: &AppState, limit: &str, wait: std::time::Duration) -> ApiError {
    state
        .metrics
        .events_limited
        .with_label_values(&["auth", limit])
        .inc();
    ApiError::RateLimited {
        retry_after_ms: (wait.as_millis() as u64).max(1),
    }
}
