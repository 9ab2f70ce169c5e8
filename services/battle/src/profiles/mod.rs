//! Player profiles over HTTP: who a player is, their rating and its history, their recent
//! battles with opponent and result, and what they did in each language.
//!
//! - this module: the handlers and the profile's shape;
//! - [`queries`]: the reads behind them.
//!
//! Profiles are public to every signed-in player; they show nothing a spectator could not see
//! (no sources, no compiler output).

pub mod queries;

use axum::{
    Json,
    extract::{Path, State},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppState,
    error::{ApiError, ErrorBody},
    request::{QueryParams, Reader, page_size, parse_id},
};
use queries::{Cursor, LanguageStats, RatingPoint, RecentBattle, Totals};

/// Battles on a profile's first page.
const PROFILE_BATTLES: i64 = 10;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub id: Uuid,
    pub name: String,
    pub rating: i32,
    /// The rating is still uncertain (few or no recent battles).
    pub provisional: bool,
    pub joined_at: DateTime<Utc>,
    /// Newest first.
    pub rating_history: Vec<RatingPoint>,
    pub totals: Totals,
    /// The newest finished battles; more with `GET /api/players/{player}/battles?before=…`.
    pub recent_battles: Vec<RecentBattle>,
    /// The `before` cursor of the next page of battles; absent when there are no more.
    pub more_battles: Option<String>,
    pub languages: Vec<LanguageStats>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BattlesQuery {
    /// The `next` (or the profile's `more_battles`) cursor of the previous page.
    pub before: Option<String>,
    /// Battles per page: 1 to 50, 20 by default.
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BattlePage {
    pub battles: Vec<RecentBattle>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// `GET /api/players/{player}`: a player's profile, by id or by name (ignoring case).
#[utoipa::path(
    get, path = "/api/players/{player}", tag = "players",
    params(("player" = String, Path, description = "player id, or name")),
    responses(
        (status = 200, body = Profile),
        (status = 401, description = "no or bad token", body = ErrorBody),
        (status = 404, description = "USER_NOT_FOUND", body = ErrorBody),
        (status = 422, description = "neither an id nor a possible name", body = ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_profile(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Reader(_player): Reader,
) -> Result<Json<Profile>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["players:get"])
        .start_timer();
    let found = queries::find_player(&state.pool, &key).await?;
    let pool = &state.pool;
    let (rating_history, totals, (recent_battles, more), languages) = tokio::try_join!(
        queries::rating_history(pool, &found),
        queries::totals(pool, found.id),
        queries::recent_battles(pool, found.id, None, PROFILE_BATTLES),
        queries::language_stats(pool, found.id),
    )?;
    Ok(Json(Profile {
        id: found.id,
        name: found.name,
        rating: found.rating,
        provisional: joust_common::domain::rating::is_provisional(found.rating_deviation),
        joined_at: found.created_at,
        rating_history,
        totals,
        recent_battles,
        more_battles: more.map(|c| c.to_string()),
        languages,
    }))
}

/// `GET /api/players/{player}/battles`: a page of the player's finished battles, newest first.
#[utoipa::path(
    get, path = "/api/players/{player}/battles", tag = "players",
    params(("player" = Uuid, Path, description = "player id"), BattlesQuery),
    responses(
        (status = 200, body = BattlePage),
        (status = 401, description = "no or bad token", body = ErrorBody),
        (status = 404, description = "USER_NOT_FOUND", body = ErrorBody),
        (status = 422, description = "bad id, cursor or limit", body = ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_battles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Reader(_player): Reader,
    QueryParams(query): QueryParams<BattlesQuery>,
) -> Result<Json<BattlePage>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["players:battles"])
        .start_timer();
    let user = parse_id(&id, "player id")?;
    let limit = page_size(query.limit, 20, 50)?;
    let before = query.before.as_deref().map(Cursor::parse).transpose()?;
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE id = $1) AS "exists!""#,
        user
    )
    .fetch_one(&state.pool)
    .await?;
    if !exists {
        return Err(ApiError::UserNotFound);
    }
    let (battles, next) = queries::recent_battles(&state.pool, user, before, limit).await?;
    Ok(Json(BattlePage {
        battles,
        next: next.map(|c| c.to_string()),
    }))
}
