//! The tournament write handlers: every one needs a bearer token and is charged to the user's
//! tournament allowance. Each handler is timed in the handler histogram and each refusal
//! counted by code. The public reads are in `reads.rs`.

use std::future::Future;

use axum::{
    Json,
    extract::{Extension, Path, State},
    http::{StatusCode, request::Parts},
};
use chrono::{Duration, Utc};
use joust_common::http::JsonBody;
use uuid::Uuid;

use super::{
    Actor, TournamentsState, bracket,
    bracket::Change,
    model::{
        CreateTournament, DisqualifyRequest, MAX_LEAD_DAYS, ResultRequest, ScheduleRequest,
        StartRequest, Tournament, TournamentMatch,
    },
    store::{self, Transition},
};
use crate::{AppState, error::ApiError, request::parse_id};

/// Times `work` under `label` and counts its refusal, if any.
pub(super) async fn timed<T>(
    state: &AppState,
    tournaments: &TournamentsState,
    label: &'static str,
    work: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&[label])
        .start_timer();
    work.await.inspect_err(|e| tournaments.count(e))
}

/// The user of a write request, charged one tournament action.
fn writer(
    state: &AppState,
    tournaments: &TournamentsState,
    parts: &Parts,
) -> Result<Uuid, ApiError> {
    let player = state.tokens.verify_bearer(&parts.headers)?;
    tournaments.actions.try_take(&player.id).map_err(|wait| {
        state
            .metrics
            .events_limited
            .with_label_values(&["tournament", "user_rate"])
            .inc();
        ApiError::RateLimited {
            retry_after_ms: (wait.as_millis() as u64).max(1),
        }
    })?;
    Ok(player.id)
}

fn match_id(segment: &str) -> Result<u32, ApiError> {
    segment
        .parse()
        .map_err(|_| ApiError::InvalidPayload("match id is not a number".to_owned()))
}

/// `POST /api/tournaments`: a new tournament in `draft`, organized by the caller.
#[utoipa::path(post, path = "/api/tournaments", tag = "tournaments",
    request_body = CreateTournament,
    responses(
        (status = 201, description = "created, in `draft`", body = Tournament),
        (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN (not an organizer), INVALID_PAYLOAD, PROBLEM_NOT_FOUND, RATE_LIMITED, or a body code", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    parts: Parts,
    JsonBody(request): JsonBody<CreateTournament>,
) -> Result<(StatusCode, Json<Tournament>), ApiError> {
    timed(&state, &tournaments, "tournaments:create", async {
        let user = writer(&state, &tournaments, &parts)?;
        let new = request.check(Utc::now(), tournaments.min_secs)?;
        let tournament = store::create(&state.pool, user, new).await?;
        Ok((StatusCode::CREATED, Json(tournament)))
    })
    .await
}

/// A write on one tournament by its path id: authenticated, charged, timed and counted.
async fn act<T>(
    state: &AppState,
    tournaments: &TournamentsState,
    label: &'static str,
    parts: &Parts,
    id: &str,
    work: impl AsyncFnOnce(Uuid, Uuid) -> Result<T, ApiError>,
) -> Result<Json<T>, ApiError> {
    timed(state, tournaments, label, async {
        let user = writer(state, tournaments, parts)?;
        let id = parse_id(id, "tournament id")?;
        work(user, id).await.map(Json)
    })
    .await
}

macro_rules! tournament_write {
    ($(#[$doc:meta])* $name:ident, $path:literal, $method:ident, $label:literal,
     |$state:ident, $user:ident, $id:ident| $body:expr) => {
        $(#[$doc])*
        #[utoipa::path($method, path = $path, tag = "tournaments",
            params(("id" = Uuid, Path, description = "the tournament's id")),
            responses(
                (status = 200, description = "the tournament after the change", body = Tournament),
                (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN, TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE and the other tournament codes, INVALID_PAYLOAD, RATE_LIMITED", body = crate::error::ErrorBody),
                (status = 503, description = "BUSY", body = crate::error::ErrorBody),
            ),
            security(("bearer" = [])))]
        pub async fn $name(
            State($state): State<AppState>,
            Extension(tournaments): Extension<TournamentsState>,
            Path(id): Path<String>,
            parts: Parts,
        ) -> Result<Json<Tournament>, ApiError> {
            act(&$state, &tournaments, $label, &parts, &id, async |$user, $id| $body).await
        }
    };
}

tournament_write!(
    /// `POST /api/tournaments/{id}/registration`: the caller (a registered account) enters,
    /// while registration is open.
    register, "/api/tournaments/{id}/registration", post, "tournaments:register",
    |state, user, id| store::register(&state.pool, id, user).await
);
tournament_write!(
    /// `DELETE /api/tournaments/{id}/registration`: the caller withdraws, until the start.
    unregister, "/api/tournaments/{id}/registration", delete, "tournaments:unregister",
    |state, user, id| store::unregister(&state.pool, id, user).await
);
tournament_write!(
    /// `POST /api/tournaments/{id}/check-in`: a registered caller checks in during the window.
    check_in, "/api/tournaments/{id}/check-in", post, "tournaments:check_in",
    |state, user, id| store::check_in(&state.pool, id, user).await
);
tournament_write!(
    /// `POST /api/tournaments/{id}/open-registration`: `draft` → `registration`.
    open_registration, "/api/tournaments/{id}/open-registration", post,
    "tournaments:open_registration",
    |state, user, id| store::transition(&state.pool, Actor::User(user), id, Transition::OpenRegistration).await
);
tournament_write!(
    /// `POST /api/tournaments/{id}/open-check-in`: `registration` → `check_in`.
    open_check_in, "/api/tournaments/{id}/open-check-in", post, "tournaments:open_check_in",
    |state, user, id| store::transition(&state.pool, Actor::User(user), id, Transition::OpenCheckIn).await
);
tournament_write!(
    /// `POST /api/tournaments/{id}/cancel`: any state before `finished` → `cancelled`.
    cancel, "/api/tournaments/{id}/cancel", post, "tournaments:cancel",
    |state, user, id| store::transition(&state.pool, Actor::User(user), id, Transition::Cancel).await
);

/// `POST /api/tournaments/{id}/start`: `check_in` → `running`; seeds the checked-in players
/// and draws the bracket.
#[utoipa::path(post, path = "/api/tournaments/{id}/start", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id")),
    request_body = StartRequest,
    responses(
        (status = 200, description = "started", body = Tournament),
        (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN, TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE, TOO_FEW_PARTICIPANTS, BAD_GROUP_COUNT, BAD_ROUND_COUNT, INVALID_PAYLOAD, RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(id): Path<String>,
    parts: Parts,
    JsonBody(request): JsonBody<StartRequest>,
) -> Result<Json<Tournament>, ApiError> {
    act(
        &state,
        &tournaments,
        "tournaments:start",
        &parts,
        &id,
        async |user, id| bracket::start(&state.pool, Actor::User(user), id, request).await,
    )
    .await
}

/// `POST /api/tournaments/{id}/disqualify`: the player forfeits every match from now on.
#[utoipa::path(post, path = "/api/tournaments/{id}/disqualify", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id")),
    request_body = DisqualifyRequest,
    responses(
        (status = 200, description = "disqualified", body = Tournament),
        (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN, TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE, PARTICIPANT_NOT_FOUND, ALREADY_DISQUALIFIED, RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn disqualify(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(id): Path<String>,
    parts: Parts,
    JsonBody(request): JsonBody<DisqualifyRequest>,
) -> Result<Json<Tournament>, ApiError> {
    act(
        &state,
        &tournaments,
        "tournaments:disqualify",
        &parts,
        &id,
        async |user, id| {
            let change = Change::Disqualify(request.user_id);
            bracket::change(&state.pool, Actor::User(user), id, change).await
        },
    )
    .await
}

/// Reports (`overriding` false) or overrides a match's result.
async fn result(
    state: AppState,
    tournaments: TournamentsState,
    parts: Parts,
    (id, m): (String, String),
    request: ResultRequest,
    overriding: bool,
) -> Result<Json<Tournament>, ApiError> {
    let label = if overriding {
        "tournaments:override"
    } else {
        "tournaments:report"
    };
    act(
        &state,
        &tournaments,
        label,
        &parts,
        &id,
        async |user, id| {
            let m = match_id(&m)?;
            let outcome = request.outcome.into();
            let change = if overriding {
                Change::Override(m, outcome)
            } else {
                Change::Report(m, outcome)
            };
            bracket::change(&state.pool, Actor::User(user), id, change).await
        },
    )
    .await
}

/// `POST /api/tournaments/{id}/matches/{match_id}/result`: reports a ready match's result.
#[utoipa::path(post, path = "/api/tournaments/{id}/matches/{match_id}/result", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id"),
           ("match_id" = u32, Path, description = "the bracket's match id")),
    request_body = ResultRequest,
    responses(
        (status = 200, description = "recorded; the bracket moved on", body = Tournament),
        (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN, TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE, UNKNOWN_MATCH, MATCH_NOT_READY, MATCH_ALREADY_DECIDED, DRAW_NOT_ALLOWED, RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(path): Path<(String, String)>,
    parts: Parts,
    JsonBody(request): JsonBody<ResultRequest>,
) -> Result<Json<Tournament>, ApiError> {
    result(state, tournaments, parts, path, request, false).await
}

/// `PUT /api/tournaments/{id}/matches/{match_id}/result`: replaces a played result, as long
/// as no match it fed has been played.
#[utoipa::path(put, path = "/api/tournaments/{id}/matches/{match_id}/result", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id"),
           ("match_id" = u32, Path, description = "the bracket's match id")),
    request_body = ResultRequest,
    responses(
        (status = 200, description = "replaced; the bracket was replayed", body = Tournament),
        (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN, TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE, UNKNOWN_MATCH, NOTHING_TO_OVERRIDE, LATER_MATCH_PLAYED, DRAW_NOT_ALLOWED, RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn override_result(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path(path): Path<(String, String)>,
    parts: Parts,
    JsonBody(request): JsonBody<ResultRequest>,
) -> Result<Json<Tournament>, ApiError> {
    result(state, tournaments, parts, path, request, true).await
}

/// `PUT /api/tournaments/{id}/matches/{match_id}/schedule`: moves a match not yet played.
#[utoipa::path(put, path = "/api/tournaments/{id}/matches/{match_id}/schedule", tag = "tournaments",
    params(("id" = Uuid, Path, description = "the tournament's id"),
           ("match_id" = u32, Path, description = "the bracket's match id")),
    request_body = ScheduleRequest,
    responses(
        (status = 200, description = "the match, rescheduled", body = TournamentMatch),
        (status = "4XX", description = "refused: UNAUTHORIZED, FORBIDDEN, TOURNAMENT_NOT_FOUND, TOURNAMENT_STATE, UNKNOWN_MATCH, MATCH_STARTED, INVALID_PAYLOAD, RATE_LIMITED", body = crate::error::ErrorBody),
        (status = 503, description = "BUSY", body = crate::error::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn reschedule(
    State(state): State<AppState>,
    Extension(tournaments): Extension<TournamentsState>,
    Path((id, m)): Path<(String, String)>,
    parts: Parts,
    JsonBody(request): JsonBody<ScheduleRequest>,
) -> Result<Json<TournamentMatch>, ApiError> {
    act(
        &state,
        &tournaments,
        "tournaments:reschedule",
        &parts,
        &id,
        async |user, id| {
            let m = match_id(&m)?;
            let now = Utc::now();
            let at = request.scheduled_at;
            if at < now - Duration::days(1) || at > now + Duration::days(MAX_LEAD_DAYS) {
                return Err(ApiError::InvalidPayload(format!(
                    "scheduled_at must be between a day ago and {MAX_LEAD_DAYS} days ahead"
                )));
            }
            bracket::reschedule(&state.pool, Actor::User(user), id, m, at).await
        },
    )
    .await
}
