//! `GET /api/battles/live`: the battles running now, newest first, for the lobby's list of
//! battles to watch. A bounded list, not pages: it is read every few seconds and only its head
//! matters. Every battle may be watched (spectating is open to anyone signed in), so every
//! running battle is listed. Public, and limited per player (with a session token) or per
//! client address (without), like the leaderboard.
//!
//! Not here: spectating itself (`live`), and finished battles (`replay`, `profiles`).

use axum::{Extension, Json, extract::State, http::request::Parts};
use chrono::{DateTime, Utc};
use joust_common::domain::BattleStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppState,
    error::ApiError,
    leaderboard::http::{Allowance, admit},
    request::{QueryParams, page_size},
};

/// Battles listed when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most battles one request lists.
pub const MAX_LIMIT: u32 = 50;

/// The reads allowed per caller (`JOUST_LIVE_BATTLES_RATE`), a request extension; its own
/// type, so that it is not the leaderboard's allowance.
#[derive(Clone, Default)]
pub struct LiveAllowance(pub Allowance);

/// The query of `GET /api/battles/live`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LiveQuery {
    /// Battles to list: 1 to 50, 20 by default.
    pub limit: Option<u32>,
}

/// A player of a running battle.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LivePlayer {
    pub id: Uuid,
    pub name: String,
    pub rating: i32,
}

/// A battle running now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LiveBattle {
    pub id: Uuid,
    /// The two players, the challenger (or first paired) first.
    pub players: Vec<LivePlayer>,
    pub problem_slug: String,
    pub problem_title: String,
    /// When the problem was revealed.
    pub started_at: DateTime<Utc>,
    /// When the battle ends without a winner (later if judging was delayed).
    pub ends_at: DateTime<Utc>,
}

/// The running battles, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LiveBattles {
    pub battles: Vec<LiveBattle>,
}

/// `GET /api/battles/live?limit=`: the battles running now, newest first.
#[utoipa::path(
    get, path = "/api/battles/live", tag = "battles",
    params(LiveQuery),
    responses(
        (status = 200, description = "The running battles, newest first", body = LiveBattles),
        (status = 401, description = "UNAUTHORIZED: a session token that does not verify", body = crate::error::ErrorBody),
        (status = 422, description = "INVALID_PAYLOAD: a limit outside 1 to 50, or an unknown parameter", body = crate::error::ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = crate::error::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(LiveAllowance(allowance)): Extension<LiveAllowance>,
    QueryParams(query): QueryParams<LiveQuery>,
    parts: Parts,
) -> Result<Json<LiveBattles>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["battles:live"])
        .start_timer();
    admit(&state, &allowance, &parts, "live_battles")?;
    let limit = page_size(query.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let rows = sqlx::query!(
        r#"SELECT b.id, b.starts_at, b.ends_at, p.slug, p.title,
                  b.player_a, ua.name AS name_a, ua.rating AS rating_a,
                  b.player_b, ub.name AS name_b, ub.rating AS rating_b
           FROM battles b
           JOIN problems p ON p.id = b.problem_id
           JOIN users ua ON ua.id = b.player_a
           JOIN users ub ON ub.id = b.player_b
           WHERE b.status = $2
           ORDER BY b.starts_at DESC, b.id DESC
           LIMIT $1"#,
        limit,
        BattleStatus::Running.as_str(),
    )
    .fetch_all(&state.pool)
    .await?;
    let battles = rows
        .into_iter()
        .map(|r| LiveBattle {
            id: r.id,
            players: vec![
                LivePlayer {
                    id: r.player_a,
                    name: r.name_a,
                    rating: r.rating_a,
                },
                LivePlayer {
                    id: r.player_b,
                    name: r.name_b,
                    rating: r.rating_b,
                },
            ],
            problem_slug: r.slug,
            problem_title: r.title,
            started_at: r.starts_at,
            ends_at: r.ends_at,
        })
        .collect();
    Ok(Json(LiveBattles { battles }))
}
