//! The lobby: who is online on any instance and what they are doing (idle, queued for a
//! match, in a battle), over HTTP (`GET /api/presence`) and the socket (`lobby:presence`).
//! Who is online comes from the heartbeats of [`presence::online`]; what they are doing is
//! read when asked, never stored, so it cannot go stale.

use axum::{Json, extract::State};
use joust_common::domain::BattleStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppState,
    auth::Player,
    error::{ApiError, ErrorBody},
    matchmaking, presence,
    request::{QueryParams, Reader, page_size},
};

/// What an online player is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Idle,
    /// Waiting in the matchmaking queue.
    Queued,
    /// Playing an unfinished battle.
    InBattle,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OnlinePlayer {
    pub id: Uuid,
    pub name: String,
    pub state: Activity,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Presence {
    /// Players online on any instance.
    pub count: i64,
    /// The `limit` players seen most recently, with what they are doing.
    pub players: Vec<OnlinePlayer>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PresenceQuery {
    /// Players listed: 1 to 200, 100 by default (the count is always of everyone).
    pub limit: Option<u32>,
}

/// Who is online, across every instance, and what they are doing: queued from the matchmaking
/// entries, in a battle from PostgreSQL (an unfinished battle wins over a stale queue entry).
pub async fn online(state: &AppState, limit: i64) -> Result<Presence, ApiError> {
    let (count, ids) = presence::online::seen(state, limit).await?;
    if ids.is_empty() {
        return Ok(Presence {
            count,
            players: Vec::new(),
        });
    }
    let mut redis = state.redis.clone();
    let queued: Vec<Option<String>> = redis::cmd("HMGET")
        .arg(matchmaking::entries_key(&state.redis_prefix))
        .arg(ids.iter().map(Uuid::to_string).collect::<Vec<_>>())
        .query_async(&mut redis)
        .await?;
    let rows = sqlx::query!(
        r#"SELECT u.id, u.name, EXISTS (
               SELECT 1 FROM battles b
               WHERE b.status <> $2 AND (b.player_a = u.id OR b.player_b = u.id)
           ) AS "in_battle!"
           FROM users u WHERE u.id = ANY($1)"#,
        &ids[..],
        BattleStatus::Finished.as_str(),
    )
    .fetch_all(&state.pool)
    .await?;
    // In the order seen, most recent first; a player deleted meanwhile is left out.
    let players = ids
        .iter()
        .zip(&queued)
        .filter_map(|(id, entry)| {
            let row = rows.iter().find(|r| r.id == *id)?;
            let state = if row.in_battle {
                Activity::InBattle
            } else if entry.is_some() {
                Activity::Queued
            } else {
                Activity::Idle
            };
            Some(OnlinePlayer {
                id: *id,
                name: row.name.clone(),
                state,
            })
        })
        .collect();
    Ok(Presence { count, players })
}

fn limit(query: &PresenceQuery) -> Result<i64, ApiError> {
    page_size(query.limit, 100, 200)
}

/// `GET /api/presence`: how many players are online on any instance, and the most recently
/// seen of them with what they are doing.
#[utoipa::path(
    get, path = "/api/presence", tag = "lobby",
    params(PresenceQuery),
    responses(
        (status = 200, body = Presence),
        (status = 401, description = "no or bad token", body = ErrorBody),
        (status = 422, description = "bad limit", body = ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_presence(
    State(state): State<AppState>,
    Reader(_player): Reader,
    QueryParams(query): QueryParams<PresenceQuery>,
) -> Result<Json<Presence>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["presence:get"])
        .start_timer();
    let limit = limit(&query)?;
    Ok(Json(online(&state, limit).await?))
}

/// The socket event `lobby:presence {limit?}`: the same answer as `GET /api/presence`.
pub async fn lobby_presence(
    state: AppState,
    _player: Player,
    query: PresenceQuery,
) -> Result<Presence, ApiError> {
    let limit = limit(&query)?;
    online(&state, limit).await
}
