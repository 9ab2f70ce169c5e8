//! What the authenticated read handlers of the HTTP API start from: the player named by the
//! `Authorization: Bearer` token, charged to the player's read allowance, and query strings and
//! path ids whose rejections are typed JSON errors like every other.

use axum::{
    extract::{FromRequestParts, Query},
    http::request::Parts,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{
    AppState,
    auth::Player,
    error::ApiError,
    limits::{EventClass, Refusal},
};

/// Longest query string a read handler parses; anything longer is refused unread.
pub const MAX_QUERY_BYTES: usize = 1024;

/// The player of an authenticated read request. Extracting it verifies the bearer token and
/// charges one read to the player's per-user allowance (`JOUST_RATE_READ`, shared with the
/// socket's `battle:state`, `battle:resume` and `battle:spectate`).
pub struct Reader(pub Player);

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let player = state.tokens.verify_bearer(&parts.headers)?;
        state
            .limits
            .check_user(EventClass::Read, player.id)
            .map_err(|refusal| {
                state
                    .metrics
                    .events_limited
                    .with_label_values(&[EventClass::Read.as_str(), "user_rate"])
                    .inc();
                match refusal {
                    Refusal::RateLimited(wait) => ApiError::RateLimited {
                        retry_after_ms: (wait.as_millis() as u64).max(1),
                    },
                    Refusal::InFlight => ApiError::TooManyInFlight,
                }
            })?;
        Ok(Reader(player))
    }
}

/// A query string parsed into `T`, refused as `INVALID_PAYLOAD` when it is too long or not of
/// `T`'s shape (unknown parameters included, when `T` denies them).
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if parts.uri.query().map_or(0, str::len) > MAX_QUERY_BYTES {
            return Err(ApiError::InvalidPayload(format!(
                "the query string is longer than {MAX_QUERY_BYTES} bytes"
            )));
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| QueryParams(value))
            .map_err(|e| ApiError::InvalidPayload(e.body_text()))
    }
}

/// Reads a path segment as an id, refusing anything else as `INVALID_PAYLOAD`.
pub fn parse_id(segment: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(segment).map_err(|_| ApiError::InvalidPayload(format!("{what} is not a UUID")))
}

/// A page size: `default` when absent, refused outside `1..=max`.
pub fn page_size(limit: Option<u32>, default: u32, max: u32) -> Result<i64, ApiError> {
    match limit.unwrap_or(default) {
        n @ 1.. if n <= max => Ok(i64::from(n)),
        _ => Err(ApiError::InvalidPayload(format!(
            "limit must be between 1 and {max}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page_size(None, 20, 50).unwrap(), 20);
        assert_eq!(page_size(Some(50), 20, 50).unwrap(), 50);
        assert!(page_size(Some(0), 20, 50).is_err());
        assert!(page_size(Some(51), 20, 50).is_err());
    }

    #[test]
    fn ids_must_be_uuids() {
        let id = Uuid::new_v4();
        assert_eq!(parse_id(&id.to_string(), "battle id").unwrap(), id);
        let e = parse_id("../etc", "battle id").unwrap_err();
        assert_eq!(e.code(), "INVALID_PAYLOAD");
    }
}
