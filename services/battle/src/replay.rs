//! Battles read back over HTTP, during and after their life: the summary, the whole event log
//! (paged by `seq`), and the submissions with their sources.
//!
//! The log is as public as spectating (any signed-in player may read any battle's), and holds
//! no source. Sources are shown only once the battle has ended: to its two players always, to
//! anyone else only when the battle was created with `spectator_sources` (chosen by the
//! challenger). Before the end the submissions are refused whole (`BATTLE_NOT_OVER`), so a
//! source can never leak to the opponent mid-battle. Compiler output stays private to its
//! author and is not part of a replay.

use axum::{
    Json,
    extract::{Path, State},
};
use chrono::{DateTime, Utc};
use joust_common::domain::BattleStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppState,
    error::ApiError,
    request::{QueryParams, Reader, page_size, parse_id},
};

/// A player as a replay names them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlayerRef {
    pub id: Uuid,
    pub name: String,
}

/// What a battle is: who played what, and how it ended.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BattleSummary {
    pub id: Uuid,
    /// `countdown`, `running` or `finished`.
    pub status: String,
    pub problem_slug: String,
    pub problem_title: String,
    pub players: Vec<PlayerRef>,
    pub winner_id: Option<Uuid>,
    /// `accepted`, `forfeit` or `draw`, once finished.
    pub outcome: Option<String>,
    /// Whether spectators may read the sources once the battle has ended.
    pub spectator_sources: bool,
    /// The newest event's `seq`: the log holds events 1 to `last_seq`.
    pub last_seq: i64,
    pub created_at: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Events after this `seq` (0, the default, for the start of the log).
    pub after_seq: Option<i64>,
    /// Events per page: 1 to 1000, 500 by default.
    pub limit: Option<u32>,
}

/// One entry of a battle's event log, as `battle:event` delivers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoggedEvent {
    pub battle_id: Uuid,
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub at: DateTime<Utc>,
    pub data: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub events: Vec<LoggedEvent>,
    /// Pass as `after_seq` for the next page; absent on the last page.
    pub next_after_seq: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubmissionsQuery {
    /// The `next` cursor of the previous page.
    pub after: Option<Uuid>,
    /// Submissions per page: 1 to 50, 20 by default.
    pub limit: Option<u32>,
}

/// A submission of a finished battle, with its source.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReplaySubmission {
    pub id: Uuid,
    pub user_id: Uuid,
    pub language: String,
    pub source: String,
    /// `queued` or `judged`.
    pub status: String,
    pub verdict: Option<String>,
    /// The public part of the judgement (per-test verdicts and times).
    pub result: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub judged_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubmissionPage {
    pub submissions: Vec<ReplaySubmission>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<Uuid>,
}

async fn summary(state: &AppState, battle_id: Uuid) -> Result<BattleSummary, ApiError> {
    let row = sqlx::query!(
        r#"SELECT b.id, b.status, p.slug, p.title, b.player_a, ua.name AS name_a, b.player_b,
                  ub.name AS name_b, b.winner_id, b.outcome, b.spectator_sources, b.last_seq,
                  b.created_at, b.starts_at, b.ends_at, b.finished_at
           FROM battles b
           JOIN problems p ON p.id = b.problem_id
           JOIN users ua ON ua.id = b.player_a
           JOIN users ub ON ub.id = b.player_b
           WHERE b.id = $1"#,
        battle_id,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::BattleNotFound)?;
    Ok(BattleSummary {
        id: row.id,
        status: row.status,
        problem_slug: row.slug,
        problem_title: row.title,
        players: vec![
            PlayerRef {
                id: row.player_a,
                name: row.name_a,
            },
            PlayerRef {
                id: row.player_b,
                name: row.name_b,
            },
        ],
        winner_id: row.winner_id,
        outcome: row.outcome,
        spectator_sources: row.spectator_sources,
        last_seq: row.last_seq,
        created_at: row.created_at,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        finished_at: row.finished_at,
    })
}

/// `GET /api/battles/{id}`: the battle's summary.
#[utoipa::path(
    get, path = "/api/battles/{id}", tag = "battles",
    params(("id" = Uuid, Path, description = "battle id")),
    responses(
        (status = 200, body = BattleSummary),
        (status = 401, description = "no or bad token", body = crate::error::ErrorBody),
        (status = 404, description = "BATTLE_NOT_FOUND", body = crate::error::ErrorBody),
        (status = 422, description = "the id is not a UUID", body = crate::error::ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_battle(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Reader(_player): Reader,
) -> Result<Json<BattleSummary>, ApiError> {
    let _timer = timer(&state, "battles:get");
    let battle_id = parse_id(&id, "battle id")?;
    Ok(Json(summary(&state, battle_id).await?))
}

/// `GET /api/battles/{id}/events`: a page of the battle's event log, in `seq` order.
#[utoipa::path(
    get, path = "/api/battles/{id}/events", tag = "battles",
    params(("id" = Uuid, Path, description = "battle id"), EventsQuery),
    responses(
        (status = 200, body = EventPage),
        (status = 401, description = "no or bad token", body = crate::error::ErrorBody),
        (status = 404, description = "BATTLE_NOT_FOUND", body = crate::error::ErrorBody),
        (status = 422, description = "bad id or query", body = crate::error::ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Reader(_player): Reader,
    QueryParams(query): QueryParams<EventsQuery>,
) -> Result<Json<EventPage>, ApiError> {
    let _timer = timer(&state, "battles:events");
    let battle_id = parse_id(&id, "battle id")?;
    let limit = page_size(query.limit, 500, 1000)?;
    let after_seq = query.after_seq.unwrap_or(0);
    if after_seq < 0 {
        return Err(ApiError::InvalidPayload(
            "after_seq must not be negative".into(),
        ));
    }
    let last_seq = sqlx::query_scalar!("SELECT last_seq FROM battles WHERE id = $1", battle_id)
        .fetch_optional(&state.pool)
        .await?
        .ok_or(ApiError::BattleNotFound)?;
    let events = sqlx::query_as!(
        LoggedEvent,
        r#"SELECT battle_id, seq, type AS kind, data AS "data: serde_json::Value", created_at AS at
           FROM battle_events WHERE battle_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"#,
        battle_id,
        after_seq,
        limit,
    )
    .fetch_all(&state.pool)
    .await?;
    let next_after_seq = events
        .last()
        .map(|e| e.seq)
        .filter(|seq| *seq < last_seq && events.len() as i64 == limit);
    Ok(Json(EventPage {
        events,
        next_after_seq,
    }))
}

/// `GET /api/battles/{id}/submissions`: a page of the battle's submissions with their sources,
/// oldest first; only once the battle has ended, and to spectators only when it allows.
#[utoipa::path(
    get, path = "/api/battles/{id}/submissions", tag = "battles",
    params(("id" = Uuid, Path, description = "battle id"), SubmissionsQuery),
    responses(
        (status = 200, body = SubmissionPage),
        (status = 401, description = "no or bad token", body = crate::error::ErrorBody),
        (status = 403, description = "SOURCES_PRIVATE: a spectator, and the battle does not share sources", body = crate::error::ErrorBody),
        (status = 404, description = "BATTLE_NOT_FOUND", body = crate::error::ErrorBody),
        (status = 409, description = "BATTLE_NOT_OVER", body = crate::error::ErrorBody),
        (status = 422, description = "bad id or query", body = crate::error::ErrorBody),
        (status = 429, description = "RATE_LIMITED", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_submissions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Reader(player): Reader,
    QueryParams(query): QueryParams<SubmissionsQuery>,
) -> Result<Json<SubmissionPage>, ApiError> {
    let _timer = timer(&state, "battles:submissions");
    let battle_id = parse_id(&id, "battle id")?;
    let limit = page_size(query.limit, 20, 50)?;
    let battle = sqlx::query!(
        r#"SELECT status AS "status: BattleStatus", player_a, player_b, spectator_sources
           FROM battles WHERE id = $1"#,
        battle_id,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::BattleNotFound)?;
    if battle.status != BattleStatus::Finished {
        return Err(ApiError::BattleNotOver);
    }
    let is_player = player.id == battle.player_a || player.id == battle.player_b;
    if !is_player && !battle.spectator_sources {
        return Err(ApiError::SourcesPrivate);
    }
    if let Some(after) = query.after {
        let known = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM submissions WHERE id = $1 AND battle_id = $2) AS "known!""#,
            after,
            battle_id,
        )
        .fetch_one(&state.pool)
        .await?;
        if !known {
            return Err(ApiError::InvalidPayload(
                "after is not a submission of this battle".into(),
            ));
        }
    }
    // Keyset: after the (created_at, id) of the cursor's submission.
    let submissions = sqlx::query_as!(
        ReplaySubmission,
        r#"SELECT s.id, s.user_id, s.language, s.source, s.status, s.verdict,
                  s.result AS "result: serde_json::Value", s.created_at, s.judged_at
           FROM submissions s
           WHERE s.battle_id = $1
             AND ($2::uuid IS NULL OR (s.created_at, s.id) > (
                  SELECT c.created_at, c.id FROM submissions c
                  WHERE c.id = $2 AND c.battle_id = $1))
           ORDER BY s.created_at, s.id
           LIMIT $3"#,
        battle_id,
        query.after,
        limit + 1,
    )
    .fetch_all(&state.pool)
    .await?;
    let mut submissions = submissions;
    let next = if submissions.len() as i64 > limit {
        submissions.truncate(limit as usize);
        submissions.last().map(|s| s.id)
    } else {
        None
    };
    Ok(Json(SubmissionPage { submissions, next }))
}

fn timer(state: &AppState, handler: &str) -> prometheus::HistogramTimer {
    state
        .metrics
        .handler_duration
        .with_label_values(&[handler])
        .start_timer()
}
