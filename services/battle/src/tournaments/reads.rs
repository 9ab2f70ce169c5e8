//! The public tournament reads: the list (in keyset pages), one tournament, its bracket
//! (brackets-model JSON) and its standings, each charged to the client's address.

use axum::{
    Json,
    extract::{Extension, Path, State},
    http::request::Parts,
};
use serde::{Deserialize, Serialize};

use super::{
    TournamentsState,
    model::{Tournament, TournamentDetail, TournamentStanding},
    routes::timed,
    store, views,
};
use crate::{
    AppState,
    error::ApiError,
    profiles::queries::Cursor,
    request::{QueryParams, page_size, parse_id},
};

/// `GET /api/tournaments`: which page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// The `next` cursor of the previous page.
    pub before: Option<String>,
    /// Tournaments per page: 1 to 100, 20 by default.
    pub limit: Option<u32>,
}

/// A page of the tournament list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TournamentPage {
    /// Latest start first.
    pub tournaments: Vec<Tournament>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// Charges a public read to the client's address.
fn reader(state: &AppState, tournaments: &TournamentsState, parts: &Parts) -> Result<(), ApiError> {
    let ip = crate::handshake::client_ip(parts, &state.trusted_proxies);
    tournaments.reads.try_take(&ip).map_err(|wait| {
        state
            .metrics
            .events_limited
            .with_label_values(&["tournament_read", "ip_rate"])
            .inc();
        ApiError::RateLimited {
            retry_after_ms: (wait.as_millis() as u64).max(1),
        }
    })
}

/// `GET /api/tournaments?before=&limit=`: tournaments by start time, latest first, a page at a
/// time (keyset: pass `next` as `before`).
#[utoipa::path(get, path = "/api/tournaments", tag = "tournaments",
    params(ListQuery),
    responses(
        (status = 200, body = TournamentPage),
        (status = "4XX", description = "INVALID_PAYLOAD (a bad cursor or limit) or RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    parts: Parts,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<TournamentPage>, ApiError> {
    timed(&state, &tournaments, "tournaments:list", async {
        reader(&state, &tournaments, &parts)?;
        let limit = page_size(query.limit, store::LIST_DEFAULT, store::LIST_MAX)?;
        let before = query.before.as_deref().map(Cursor::parse).transpose()?;
        let (tournaments, next) = store::list(&state.pool, before, limit).await?;
        Ok(Json(TournamentPage {
            tournaments,
            next: next.map(|c| c.to_string()),
        }))
    })
    .await
}

/// `GET /api/tournaments/{id}`: a tournament, its players and, once started, its matches.
#[utoipa::path(get, path = "/api/tournaments/{id}", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id")),
    responses(
        (status = 200, body = TournamentDetail),
        (status = "4XX", description = "TOURNAMENT_NOT_FOUND, INVALID_PAYLOAD or RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Result<Json<TournamentDetail>, ApiError> {
    timed(&state, &tournaments, "tournaments:get", async {
        reader(&state, &tournaments, &parts)?;
        let id = parse_id(&id, "tournament id")?;
        let mut conn = state.pool.acquire().await?;
        let tournament = store::fetch(&mut conn, id).await?;
        let entrants = store::entrants(&mut conn, id).await?;
        let matches = views::matches(&mut conn, &tournament).await?;
        Ok(Json(TournamentDetail {
            tournament,
            entrants,
            matches,
        }))
    })
    .await
}

/// `GET /api/tournaments/{id}/bracket`: the bracket as brackets-model JSON (`participant`,
/// `stage`, `group`, `round`, `match`, `match_game`), as brackets-viewer.js reads it.
#[utoipa::path(get, path = "/api/tournaments/{id}/bracket", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id")),
    responses(
        (status = 200, description = "brackets-model JSON", content_type = "application/json", body = Object),
        (status = "4XX", description = "TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE (not started), INVALID_PAYLOAD or RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ))]
pub async fn bracket(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Result<Json<serde_json::Value>, ApiError> {
    timed(&state, &tournaments, "tournaments:bracket", async {
        reader(&state, &tournaments, &parts)?;
        let id = parse_id(&id, "tournament id")?;
        Ok(Json(views::export(&state.pool, id).await?))
    })
    .await
}

/// `GET /api/tournaments/{id}/standings`: the players of a started tournament, best first.
#[utoipa::path(get, path = "/api/tournaments/{id}/standings", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id")),
    responses(
        (status = 200, body = Vec<TournamentStanding>),
        (status = "4XX", description = "TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE (not started), INVALID_PAYLOAD or RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ))]
pub async fn standings(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Result<Json<Vec<TournamentStanding>>, ApiError> {
    timed(&state, &tournaments, "tournaments:standings", async {
        reader(&state, &tournaments, &parts)?;
        let id = parse_id(&id, "tournament id")?;
        Ok(Json(views::standings(&state.pool, id).await?))
    })
    .await
}
