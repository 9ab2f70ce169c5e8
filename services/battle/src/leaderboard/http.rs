//! `GET /api/leaderboard` and `GET /api/leaderboard/rank/{user_id}`: public reads, limited per
//! player (with a session token) or per client address (without), answered with typed errors.

use std::{net::IpAddr, sync::Arc};

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::PathRejection},
    http::request::Parts,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Cursor, DEFAULT_LIMIT, Filter, MAX_LIMIT, Standing};
use crate::{AppState, error::ApiError, ratelimit::KeyedBuckets};

/// Whose allowance a leaderboard request is charged to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    User(Uuid),
    Address(IpAddr),
}

/// Leaderboard reads allowed per caller (`JOUST_LEADERBOARD_RATE`); `None` when off. Handed to
/// the handlers as a request extension.
#[derive(Clone, Default)]
pub struct Allowance(pub Option<Arc<KeyedBuckets<Caller>>>);

impl Allowance {
    pub fn new(rate: crate::settings::Rate) -> Self {
        Self(
            (!rate.is_off())
                .then(|| Arc::new(KeyedBuckets::new(rate.per_sec, f64::from(rate.burst)))),
        )
    }
}

/// The query of `GET /api/leaderboard`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Players per page, 1 to 100 (default 50).
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// `30d`: only players with a battle finished in the last 30 days.
    pub active: Option<String>,
}

/// A page of the leaderboard.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeaderboardPage {
    pub players: Vec<Standing>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A player's place on the leaderboard.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlayerRank {
    /// 1 for the best player; absent until the player's first finished battle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<i64>,
    #[serde(flatten)]
    pub standing: Standing,
}

/// Charges one request to the caller's allowance: the player of a valid session token, or the
/// client address. A token that does not verify is refused rather than ignored. `class` labels
/// the refusals in `events_limited`.
pub fn admit(
    state: &AppState,
    allowance: &Allowance,
    parts: &Parts,
    class: &'static str,
) -> Result<(), ApiError> {
    let Some(limits) = &allowance.0 else {
        return Ok(());
    };
    let caller = match crate::auth::bearer_token(&parts.headers)? {
        Some(token) => Caller::User(state.tokens.verify(token)?.id),
        None => Caller::Address(crate::handshake::client_ip(parts, &state.trusted_proxies)),
    };
    limits.try_take(&caller).map_err(|wait| {
        state
            .metrics
            .events_limited
            .with_label_values(&[class, "caller_rate"])
            .inc();
        ApiError::RateLimited {
            retry_after_ms: (wait.as_millis() as u64).max(1),
        }
    })
}

fn invalid(message: &str) -> ApiError {
    ApiError::InvalidPayload(message.to_owned())
}

/// Reads and checks the page query.
fn parse_page(parts: &Parts) -> Result<(Option<Cursor>, i64, Filter), ApiError> {
    let Query(query) = Query::<PageQuery>::try_from_uri(&parts.uri)
        .map_err(|e| ApiError::InvalidPayload(format!("query: {}", e.body_text())))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(invalid("limit must be between 1 and 100"));
    }
    let after = match query.after.as_deref() {
        None => None,
        Some(text) => Some(Cursor::decode(text).ok_or_else(|| invalid("after is not a cursor"))?),
    };
    let filter = match query.active.as_deref() {
        None => Filter::All,
        Some("30d") => Filter::Active30d,
        Some(_) => return Err(invalid("active must be 30d")),
    };
    Ok((after, limit, filter))
}

/// `GET /api/leaderboard?limit=&after=&active=30d`: rated players, best first.
#[utoipa::path(
    get,
    path = "/api/leaderboard",
    tag = "leaderboard",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of players, best first", body = LeaderboardPage),
        (status = 401, description = "UNAUTHORIZED: a session token that does not verify"),
        (status = 422, description = "INVALID_PAYLOAD: a bad limit, cursor or filter"),
        (status = 429, description = "RATE_LIMITED"),
    )
)]
pub async fn page(
    State(state): State<AppState>,
    Extension(allowance): Extension<Allowance>,
    parts: Parts,
) -> Result<Json<LeaderboardPage>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["leaderboard:page"])
        .start_timer();
    admit(&state, &allowance, &parts, "leaderboard")?;
    let (after, limit, filter) = parse_page(&parts)?;
    let players = super::page(&state.pool, after, limit, filter).await?;
    let next = (players.len() as i64 == limit)
        .then(|| players.last())
        .flatten()
        .map(|last| {
            Cursor {
                rating: last.rating,
                id: last.user_id,
            }
            .encode()
        });
    Ok(Json(LeaderboardPage { players, next }))
}

/// `GET /api/leaderboard/rank/{user_id}`: any player's rank and standing.
#[utoipa::path(
    get,
    path = "/api/leaderboard/rank/{user_id}",
    tag = "leaderboard",
    params(("user_id" = Uuid, Path, description = "The player")),
    responses(
        (status = 200, description = "The player's rank and standing", body = PlayerRank),
        (status = 401, description = "UNAUTHORIZED: a session token that does not verify"),
        (status = 404, description = "USER_NOT_FOUND: no such player", body = crate::error::ErrorBody),
        (status = 422, description = "INVALID_PAYLOAD: not a player id"),
        (status = 429, description = "RATE_LIMITED"),
    )
)]
pub async fn rank(
    State(state): State<AppState>,
    Extension(allowance): Extension<Allowance>,
    path: Result<Path<String>, PathRejection>,
    parts: Parts,
) -> Result<Json<PlayerRank>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["leaderboard:rank"])
        .start_timer();
    admit(&state, &allowance, &parts, "leaderboard")?;
    let user_id = path
        .ok()
        .and_then(|Path(text)| Uuid::parse_str(&text).ok())
        .ok_or_else(|| invalid("user_id is not a player id"))?;
    let (standing, rank) = super::rank(&state.pool, user_id)
        .await?
        .ok_or(ApiError::UserNotFound)?;
    Ok(Json(PlayerRank { rank, standing }))
}
