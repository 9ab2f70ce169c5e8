//! Practice runs (`battle:run`, `POST /api/battles/{id}/runs`, `GET /api/runs/{id}`): a player
//! of a running battle runs a program on the problem's sample tests or on an input of their
//! own. A run is not a submission: it is checked here, put on the runs stream (see
//! `joust_common::runs`) and answered with its id at once; the judge runs it when no
//! submission waits and sends the result to its owner's sockets alone as `run.finished`.
//! Nothing here touches the battle's state, its event log or its submissions.

use axum::{
    Json,
    extract::{Path, State},
    http::HeaderMap,
};
use joust_common::{
    Language,
    domain::BattleStatus,
    http::JsonBody,
    runs::{self, MAX_RUN_INPUT_BYTES, RunRecord, RunRequest},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppState,
    auth::Player,
    battles::{start_if_due, validate_program},
    error::ApiError,
    limits::{EventClass, Refusal},
    request::{Reader, parse_id},
};

/// `battle:run`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunEvent {
    pub battle_id: Uuid,
    pub language: String,
    pub source: String,
    #[serde(default)]
    pub input: Option<String>,
}

/// The body of `POST /api/battles/{id}/runs`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// One of the submission languages.
    #[schema(example = "python")]
    pub language: String,
    /// At most 64 KiB, like a submission's.
    pub source: String,
    /// A custom input of at most 64 KiB; without it the problem's sample tests are run.
    #[serde(default)]
    pub input: Option<String>,
}

/// The answer to a run: its id, at once; the result comes as `run.finished`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunAccepted {
    pub run_id: Uuid,
}

impl RunBody {
    fn validate(&self) -> Result<Language, ApiError> {
        let language = validate_program(&self.language, &self.source)?;
        if self
            .input
            .as_ref()
            .is_some_and(|i| i.len() > MAX_RUN_INPUT_BYTES)
        {
            return Err(ApiError::InvalidPayload(format!(
                "input is larger than {MAX_RUN_INPUT_BYTES} bytes"
            )));
        }
        Ok(language)
    }
}

/// `battle:run`: the socket's player runs a program (the event's rate is charged by the socket
/// layer, class `run`).
pub async fn run_event(
    state: AppState,
    player: Player,
    event: RunEvent,
) -> Result<RunAccepted, ApiError> {
    let body = RunBody {
        language: event.language,
        source: event.source,
        input: event.input,
    };
    start_run(&state, &player, event.battle_id, body).await
}

/// `POST /api/battles/{id}/runs`: the editor's way to run a program.
#[utoipa::path(
    post, path = "/api/battles/{id}/runs", tag = "battles", request_body = RunBody,
    params(("id" = Uuid, Path, description = "battle id")),
    responses(
        (status = 202, description = "queued; the result comes as the socket event `run.finished` and from `GET /api/runs/{id}`", body = RunAccepted),
        (status = 401, description = "no or bad token", body = crate::error::ErrorBody),
        (status = 403, description = "NOT_A_PARTICIPANT", body = crate::error::ErrorBody),
        (status = 404, description = "BATTLE_NOT_FOUND", body = crate::error::ErrorBody),
        (status = 409, description = "BATTLE_NOT_STARTED, BATTLE_FINISHED, BATTLE_OVER", body = crate::error::ErrorBody),
        (status = 422, description = "INVALID_PAYLOAD (not an object of this shape, bad language, empty or too large source or input, bad id)", body = crate::error::ErrorBody),
        (status = 429, description = "RATE_LIMITED (`JOUST_RATE_RUN`)", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<(axum::http::StatusCode, Json<RunAccepted>), ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["api:runs:create"])
        .start_timer();
    let player = state.tokens.verify_bearer(&headers)?;
    charge(&state, &player)?;
    let battle_id = parse_id(&id, "battle id")?;
    // serde would read a JSON array as the struct's fields in order; the body is an object.
    if !body.is_object() {
        return Err(ApiError::InvalidPayload(
            "the body must be a JSON object".into(),
        ));
    }
    let body: RunBody =
        serde_json::from_value(body).map_err(|e| ApiError::InvalidPayload(e.to_string()))?;
    let accepted = start_run(&state, &player, battle_id, body).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(accepted)))
}

/// `GET /api/runs/{id}`: a run, queued or finished, to its owner only; anyone else, and a run
/// whose result has expired, gets `RUN_NOT_FOUND`.
#[utoipa::path(
    get, path = "/api/runs/{id}", tag = "battles",
    params(("id" = Uuid, Path, description = "run id")),
    responses(
        (status = 200, description = "the run: `status` (`queued`, `finished`), `custom_input`, `verdict`, `compile_output` and `tests` as players see them", content_type = "application/json", body = Object),
        (status = 401, description = "no or bad token", body = crate::error::ErrorBody),
        (status = 404, description = "RUN_NOT_FOUND", body = crate::error::ErrorBody),
        (status = 422, description = "the id is not a UUID", body = crate::error::ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Reader(player): Reader,
) -> Result<Json<RunRecord>, ApiError> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["api:runs:get"])
        .start_timer();
    let run_id = parse_id(&id, "run id")?;
    let mut redis = state.redis.clone();
    match runs::load(&mut redis, &state.redis_prefix, run_id).await? {
        Some(record) if record.user_id == player.id => Ok(Json(record)),
        _ => Err(ApiError::RunNotFound),
    }
}

/// Charges one run to the player's allowance (`JOUST_RATE_RUN`, shared with `battle:run`).
fn charge(state: &AppState, player: &Player) -> Result<(), ApiError> {
    state
        .limits
        .check_user(EventClass::Run, player.id)
        .map_err(|refusal| {
            state
                .metrics
                .events_limited
                .with_label_values(&[EventClass::Run.as_str(), "user_rate"])
                .inc();
            refused(state, "RATE_LIMITED");
            match refusal {
                Refusal::RateLimited(wait) => ApiError::RateLimited {
                    retry_after_ms: (wait.as_millis() as u64).max(1),
                },
                Refusal::InFlight => ApiError::TooManyInFlight,
            }
        })
}

fn refused(state: &AppState, code: &str) {
    state.metrics.runs_refused.with_label_values(&[code]).inc();
}

/// Checks the run and who asks for it, records it as queued and puts it on the runs stream;
/// answers once both are in Redis, so an acknowledged run is judged even if a judge dies.
async fn start_run(
    state: &AppState,
    player: &Player,
    battle_id: Uuid,
    body: RunBody,
) -> Result<RunAccepted, ApiError> {
    let checked = check(state, player, battle_id, &body).await;
    let language = checked.inspect_err(|e| refused(state, e.code()))?;
    let request = RunRequest {
        run_id: Uuid::new_v4(),
        battle_id,
        user_id: player.id,
        language,
        source: body.source,
        input: body.input,
    };
    let mut redis = state.redis.clone();
    runs::store(
        &mut redis,
        &state.redis_prefix,
        &RunRecord::queued(&request),
    )
    .await?;
    runs::enqueue(&mut redis, &state.redis_prefix, &request).await?;
    tracing::info!(run.id = %request.run_id, %language, custom_input = request.input.is_some(), "run queued");
    Ok(RunAccepted {
        run_id: request.run_id,
    })
}

/// Only a player of a running battle, before its time is up, may run.
async fn check(
    state: &AppState,
    player: &Player,
    battle_id: Uuid,
    body: &RunBody,
) -> Result<Language, ApiError> {
    let language = body.validate()?;
    start_if_due(state, battle_id).await?;
    let battle = sqlx::query!(
        r#"SELECT status AS "status: BattleStatus", player_a, player_b,
                  ends_at <= now() AS "over!"
           FROM battles WHERE id = $1"#,
        battle_id,
    )
    .fetch_optional(&state.pool)
    .await?
    .map(|b| (b.status, b.player_a, b.player_b, b.over));
    let (status, player_a, player_b, over) = battle.ok_or(ApiError::BattleNotFound)?;
    if ![player_a, player_b].contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    match status {
        BattleStatus::Countdown => Err(ApiError::BattleNotStarted),
        BattleStatus::Finished => Err(ApiError::BattleFinished),
        BattleStatus::Running if over => Err(ApiError::BattleOver),
        BattleStatus::Running => Ok(language),
    }
}
