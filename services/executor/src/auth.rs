//! The bearer token every call but the health routes carries: `Authorization: Bearer <token>`,
//! checked against the current and, during a rotation, the previous `JOUST_EXECUTOR_TOKEN`.
//!
//! A missing or wrong token is `401 UNAUTHORIZED`, counted as the rejection `unauthorized`.
//! The routes it guards are wired in `startup`.

use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use joust_common::execution::BEARER_PREFIX;

use crate::{routes::ExecutionError, state::AppState};

/// Lets the request through only with an accepted token.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix(BEARER_PREFIX))
        .map(str::trim);
    let accepted = presented.is_some_and(|token| {
        // Every key is compared, so the time taken does not say which one matched.
        state.tokens.accepted().fold(false, |found, key| {
            found | same_bytes(key.as_bytes(), token.as_bytes())
        })
    });
    if accepted {
        return next.run(request).await;
    }
    state
        .metrics
        .rejections
        .with_label_values(&["unauthorized"])
        .inc();
    ExecutionError::Unauthorized.into_response()
}

/// Equality whose time depends only on the lengths, not on where the bytes first differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::same_bytes;

    #[test]
    fn compares_whole_byte_strings() {
        assert!(same_bytes(b"secret-token", b"secret-token"));
        assert!(!same_bytes(b"secret-token", b"secret-tokeN"));
        assert!(!same_bytes(b"secret-token", b"secret"));
        assert!(!same_bytes(b"", b"x"));
    }
}
