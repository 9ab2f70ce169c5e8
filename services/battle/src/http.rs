//! The HTTP API beside the socket gateway.

use axum::{Json, extract::State};
use joust_common::http::JsonBody;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{AppState, auth::Player, error::ApiError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuestRequest {
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct GuestResponse {
    pub user_id: Uuid,
    pub name: String,
    pub token: String,
}

/// `POST /api/auth/guest {name}`: creates a guest player and returns its session token.
pub async fn create_guest(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<GuestRequest>,
) -> Result<Json<GuestResponse>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["auth:guest"])
        .start_timer();
    let name = request.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 32 || name.chars().any(char::is_control) {
        return Err(ApiError::InvalidPayload(
            "name must be 1 to 32 printable characters".into(),
        ));
    }
    let player = Player {
        id: Uuid::new_v4(),
        name,
    };
    sqlx::query!(
        "INSERT INTO users (id, name) VALUES ($1, $2)",
        player.id,
        player.name,
    )
    .execute(&state.pool)
    .await?;
    let token = state.tokens.issue(&player);
    Ok(Json(GuestResponse {
        user_id: player.id,
        name: player.name,
        token,
    }))
}
