//! The HTTP API beside the socket gateway.

use std::{future::Future, path::Path, pin::Pin};

use axum::{
    Json,
    extract::{Request, State},
    http::request::Parts,
    response::{IntoResponse, Response},
};
use joust_common::http::JsonBody;
use serde::{Deserialize, Serialize};
use tower::{Layer, ServiceExt};
use tower_http::{
    compression::CompressionLayer,
    services::{ServeDir, ServeFile},
};
use uuid::Uuid;

use crate::{AppState, auth::Player, error::ApiError, text::DisplayName};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestRequest {
    /// 1 to 32 visible characters after NFC normalization and trimming; unique ignoring case.
    #[schema(example = "ada")]
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GuestResponse {
    pub user_id: Uuid,
    pub name: String,
    pub token: String,
}

/// `POST /api/auth/guest {name}`: creates a guest player and returns its session token. The
/// name is a [`DisplayName`], unique ignoring case.
#[utoipa::path(post, path = "/api/auth/guest", tag = "auth", request_body = GuestRequest,
    responses(
        (status = 200, description = "a new guest and its token", body = GuestResponse),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn create_guest(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(request): JsonBody<GuestRequest>,
) -> Result<Json<GuestResponse>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["auth:guest"])
        .start_timer();
    if let Some(logins) = &state.guest_logins {
        let ip = crate::handshake::client_ip(&parts, &state.trusted_proxies);
        logins.try_take(&ip).map_err(|wait| {
            state
                .metrics
                .events_limited
                .with_label_values(&["guest", "ip_rate"])
                .inc();
            ApiError::RateLimited {
                retry_after_ms: (wait.as_millis() as u64).max(1),
            }
        })?;
    }
    let name = DisplayName::parse(&request.name)?;
    let player = Player {
        id: Uuid::new_v4(),
        name: name.into_inner(),
    };
    // Names are unique ignoring case (`users_name_lower`).
    let inserted = sqlx::query!(
        "INSERT INTO users (id, name) VALUES ($1, $2)",
        player.id,
        player.name,
    )
    .execute(&state.pool)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::NameTaken);
        }
        Err(e) => return Err(e.into()),
    }
    let token = state.tokens.issue(&player);
    Ok(Json(GuestResponse {
        user_id: player.id,
        name: player.name,
        token,
    }))
}

/// Any path the API does not have: a JSON error like every other.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The router's fallback when the web app is served (`JOUST_WEB_DIR`): its pages and assets
/// from the static export, and its `404.html` for a missing page. Paths under `/api` keep the
/// JSON `NOT_FOUND` of [`not_found`], so an API client never gets a page instead of an error.
pub fn web_app(dir: &Path) -> impl Fn(Request) -> WebResponse + Clone + Send + Sync + 'static {
    // Gzipped for clients that accept it: the app's scripts shrink to about a third.
    let pages = CompressionLayer::new().layer(
        ServeDir::new(dir)
            .append_index_html_on_directories(true)
            .not_found_service(ServeFile::new(dir.join("404.html"))),
    );
    move |request: Request| -> WebResponse {
        let pages = pages.clone();
        Box::pin(async move {
            let path = request.uri().path();
            if path == "/api" || path.starts_with("/api/") {
                return ApiError::NotFound.into_response();
            }
            match pages.oneshot(request).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            }
        })
    }
}

/// What [`web_app`] answers with.
pub type WebResponse = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A path the API has, with another method: a JSON error like every other.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
