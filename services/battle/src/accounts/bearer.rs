//! The `Authorization: Bearer <access token>` extractor of authenticated HTTP routes.

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::{
    AppState,
    auth::{Claims, bearer_token},
    error::ApiError,
};

/// The verified claims of the request's access token (the same token the socket handshake
/// takes). A missing, malformed, foreign or expired token is `UNAUTHORIZED`.
pub struct Bearer(pub Claims);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers)?.ok_or(ApiError::Unauthorized)?;
        state.tokens.verify_claims(token).map(Bearer)
    }
}
