//! A started tournament's bracket: drawn by `joust-brackets` at the start, stored as its seeded
//! participants and its history (`Stage::history`), loaded back by `Stage::restore` for every
//! action, and saved again as the history rows that changed plus the schedule rows of the
//! matches that are new or changed (`schedule`). Every action (an organizer's, or a finished
//! battle's result from the scheduler) runs in one transaction holding the tournament's row
//! lock, so results reported at once are applied one after the other.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use joust_brackets::{
    Entrant, Event, MatchId, MatchStatus, Outcome, ParticipantId, Seeding, Side, Stage,
};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    Actor, TournamentError,
    model::{SeedingMethod, StartRequest, Tournament, TournamentMatch, TournamentState},
    schedule,
    store::{fetch, locked},
};
use crate::error::ApiError;

/// A seeded participant: `seeded[seed]`.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub user_id: Uuid,
    pub name: String,
}

pub(super) fn internal(e: impl Into<anyhow::Error>, what: &'static str) -> ApiError {
    ApiError::Internal(e.into().context(what))
}

/// The stored stage of a started tournament; `WrongState` before it started.
pub async fn load(
    conn: &mut PgConnection,
    tournament: &Tournament,
) -> Result<(Stage, Vec<Seeded>), ApiError> {
    stored(conn, tournament)
        .await?
        .ok_or_else(|| TournamentError::WrongState(tournament.state).into())
}

/// The stored stage, if the tournament was started.
pub(super) async fn stored(
    conn: &mut PgConnection,
    tournament: &Tournament,
) -> Result<Option<(Stage, Vec<Seeded>)>, ApiError> {
    let rows = sqlx::query!(
        "SELECT user_id, name, rating FROM tournament_participants
         WHERE tournament_id = $1 ORDER BY seed",
        tournament.id
    )
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let events = sqlx::query_scalar!(
        "SELECT event FROM tournament_events WHERE tournament_id = $1 ORDER BY seq",
        tournament.id
    )
    .fetch_all(&mut *conn)
    .await?;
    let history = events
        .into_iter()
        .map(serde_json::from_value::<Event>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| internal(e, "reading a stored bracket event"))?;
    let entrants = rows
        .iter()
        .map(|r| Entrant {
            name: r.name.clone(),
            rating: r.rating,
        })
        .collect();
    let stage = Stage::restore(tournament.bracket_format(), entrants, &history)
        .map_err(|e| internal(e, "restoring a stored bracket"))?;
    let seeded = rows
        .into_iter()
        .map(|r| Seeded {
            user_id: r.user_id,
            name: r.name,
        })
        .collect();
    Ok(Some((stage, seeded)))
}

/// Writes the history events that differ from `before`'s and the schedule rows of the matches
/// that are new or changed (see `schedule::sync`), and finishes the tournament once the stage
/// is.
async fn save(
    conn: &mut PgConnection,
    tournament: &Tournament,
    before: Option<&Stage>,
    stage: &Stage,
    seeded: &[Seeded],
    by: Option<Uuid>,
) -> Result<(), ApiError> {
    let before_history = before.map_or(&[][..], Stage::history);
    for (seq, event) in stage.history().iter().enumerate() {
        if before_history.get(seq) == Some(event) {
            continue;
        }
        let json = serde_json::to_value(event).map_err(|e| internal(e, "storing an event"))?;
        sqlx::query!(
            "INSERT INTO tournament_events (tournament_id, seq, event, recorded_by)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (tournament_id, seq) DO UPDATE
             SET event = EXCLUDED.event, recorded_by = EXCLUDED.recorded_by,
                 recorded_at = now()",
            tournament.id,
            seq as i32,
            json,
            by
        )
        .execute(&mut *conn)
        .await?;
    }
    schedule::sync(conn, tournament, before, stage, seeded).await?;
    if stage.is_finished() {
        sqlx::query!(
            "UPDATE tournaments SET state = $2, updated_at = now() WHERE id = $1",
            tournament.id,
            TournamentState::Finished as TournamentState
        )
        .execute(&mut *conn)
        .await?;
        tracing::info!(tournament.id = %tournament.id, "tournament finished");
    }
    Ok(())
}

/// Starts a tournament in check-in: seeds the checked-in players (by rating, or in the
/// organizer's order) and draws the bracket.
pub async fn start(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    request: StartRequest,
) -> Result<Tournament, ApiError> {
    let mut tx = pool.begin().await?;
    let tournament = locked(&mut tx, Some(actor), id, &[TournamentState::CheckIn]).await?;
    let mut players = sqlx::query!(
        "SELECT r.user_id, u.name, u.rating FROM tournament_registrations r
         JOIN users u ON u.id = r.user_id
         WHERE r.tournament_id = $1 AND r.checked_in
         ORDER BY r.registered_at, r.user_id",
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let method = request.seeding.unwrap_or(SeedingMethod::ByRating);
    let seeding = match (method, request.order) {
        (SeedingMethod::ByRating, None) => Seeding::ByRating,
        (SeedingMethod::ByRating, Some(_)) => {
            return Err(ApiError::InvalidPayload(
                "order is given only with manual seeding".to_owned(),
            ));
        }
        (SeedingMethod::Manual, order) => {
            let order = order.ok_or_else(|| {
                ApiError::InvalidPayload("manual seeding needs an order".to_owned())
            })?;
            let mut rank: HashMap<Uuid, usize> = HashMap::new();
            for (i, user) in order.iter().enumerate() {
                rank.insert(*user, i);
            }
            if rank.len() != order.len()
                || order.len() != players.len()
                || players.iter().any(|p| !rank.contains_key(&p.user_id))
            {
                return Err(ApiError::InvalidPayload(
                    "order must name every checked-in player once".to_owned(),
                ));
            }
            players.sort_by_key(|p| rank[&p.user_id]);
            Seeding::Manual
        }
    };
    let entrants = players
        .iter()
        .map(|p| Entrant {
            name: p.name.clone(),
            rating: Some(p.rating),
        })
        .collect();
    let stage = Stage::new(tournament.bracket_format(), entrants, seeding)
        .map_err(TournamentError::from)?;
    // Account names are unique, so a participant's name says who it is.
    let by_name: HashMap<&str, Uuid> = players
        .iter()
        .map(|p| (p.name.as_str(), p.user_id))
        .collect();
    for p in stage.participants() {
        sqlx::query!(
            "INSERT INTO tournament_participants (tournament_id, seed, user_id, name, rating)
             VALUES ($1, $2, $3, $4, $5)",
            id,
            p.id.0 as i32,
            by_name[p.name.as_str()],
            p.name,
            p.rating
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "UPDATE tournaments SET state = $2, seeding = $3, updated_at = now() WHERE id = $1",
        id,
        TournamentState::Running as TournamentState,
        method as SeedingMethod
    )
    .execute(&mut *tx)
    .await?;
    let seeded: Vec<Seeded> = stage
        .participants()
        .iter()
        .map(|p| Seeded {
            user_id: by_name[p.name.as_str()],
            name: p.name.clone(),
        })
        .collect();
    save(&mut tx, &tournament, None, &stage, &seeded, actor.user()).await?;
    let tournament = fetch(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(tournament.id = %id, participants = players.len(), "tournament started");
    Ok(tournament)
}

/// What is done to a running bracket: an organizer's report, override or disqualification,
/// or the result of a match's battle.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Report(u32, Outcome),
    Override(u32, Outcome),
    Disqualify(Uuid),
    /// The match's battle finished: `winner` won it, or nobody (a draw, which an elimination
    /// bracket cannot record: the higher seed goes through instead).
    Battle {
        match_id: u32,
        winner: Option<Uuid>,
    },
}

/// Applies a change to a running tournament's bracket, in its own transaction.
pub async fn change(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    change: Change,
) -> Result<Tournament, ApiError> {
    let mut tx = pool.begin().await?;
    let tournament = change_in(&mut tx, actor, id, change).await?;
    tx.commit().await?;
    tracing::info!(tournament.id = %id, change = ?change, "bracket changed");
    Ok(tournament)
}

/// Applies a change inside the caller's transaction, under the tournament's row lock. A refusal
/// (a `TournamentError`) comes before anything is written.
pub async fn change_in(
    conn: &mut PgConnection,
    actor: Actor,
    id: Uuid,
    change: Change,
) -> Result<Tournament, ApiError> {
    let tournament = locked(conn, Some(actor), id, &[TournamentState::Running]).await?;
    let (mut stage, seeded) = load(conn, &tournament).await?;
    let before = stage.clone();
    let seed_of = |user: Uuid| {
        seeded
            .iter()
            .position(|s| s.user_id == user)
            .map(|seed| ParticipantId(seed as u32))
            .ok_or(TournamentError::ParticipantNotFound)
    };
    let applied = match change {
        Change::Report(m, outcome) => stage.record(MatchId(m), outcome),
        Change::Override(m, outcome) => stage.override_result(MatchId(m), outcome),
        Change::Disqualify(user) => stage.disqualify(seed_of(user)?),
        Change::Battle { match_id, winner } => {
            let outcome = battle_outcome(&stage, MatchId(match_id), winner.map(seed_of))?;
            stage.record(MatchId(match_id), outcome)
        }
    };
    applied.map_err(TournamentError::from)?;
    save(
        conn,
        &tournament,
        Some(&before),
        &stage,
        &seeded,
        actor.user(),
    )
    .await?;
    fetch(conn, id).await
}

/// The bracket outcome of a match whose battle `winner` won (a seed), or nobody won: a draw
/// where the format allows one, else the higher seed (the lower participant id) goes through.
fn battle_outcome(
    stage: &Stage,
    id: MatchId,
    winner: Option<Result<ParticipantId, TournamentError>>,
) -> Result<Outcome, TournamentError> {
    let m = stage.get(id)?;
    let players = Side::BOTH.map(|side| m.player(side));
    let side_of = |p: ParticipantId| {
        Side::BOTH
            .into_iter()
            .find(|side| players[side.index()] == Some(p))
    };
    match winner {
        Some(winner) => {
            let winner = winner?;
            side_of(winner)
                .map(Outcome::Winner)
                .ok_or(TournamentError::ParticipantNotFound)
        }
        None if !stage.format().is_elimination() => Ok(Outcome::Draw),
        None => match players {
            [Some(first), Some(second)] => Ok(Outcome::Winner(if first.0 <= second.0 {
                Side::First
            } else {
                Side::Second
            })),
            _ => Err(joust_brackets::BracketError::NotReady(id).into()),
        },
    }
}

/// Moves a match that has neither a result nor a battle yet to another time.
pub async fn reschedule(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    match_id: u32,
    at: DateTime<Utc>,
) -> Result<TournamentMatch, ApiError> {
    let mut tx = pool.begin().await?;
    let tournament = locked(&mut tx, Some(actor), id, &[TournamentState::Running]).await?;
    let (stage, _) = load(&mut tx, &tournament).await?;
    let m = stage
        .get(MatchId(match_id))
        .map_err(TournamentError::from)?;
    if matches!(m.status(), MatchStatus::Completed | MatchStatus::Skipped) {
        return Err(TournamentError::MatchStarted.into());
    }
    // A new time gets a new notice.
    let updated = sqlx::query!(
        "UPDATE tournament_matches SET scheduled_at = $3, notified_at = NULL
         WHERE tournament_id = $1 AND match_id = $2 AND battle_id IS NULL",
        id,
        match_id as i32,
        at
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(TournamentError::MatchStarted.into());
    }
    let view = super::views::matches(&mut tx, &tournament)
        .await?
        .into_iter()
        .find(|m| m.id == match_id)
        .ok_or(TournamentError::Bracket(
            joust_brackets::BracketError::UnknownMatch(MatchId(match_id)),
        ))?;
    tx.commit().await?;
    Ok(view)
}
