//! What a started tournament shows: its matches with their schedule, the bracket as
//! brackets-model JSON, and the standings, all read from the stored stage.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use joust_brackets::{Decision, MatchStatus, Outcome, Side, export::to_brackets_model};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    bracket::{internal, load, stored},
    model::{Tournament, TournamentMatch, TournamentStanding, TournamentState},
    schedule::due,
    store::fetch,
};
use crate::error::ApiError;

/// The matches of a started tournament with their schedule; none before it starts.
pub async fn matches(
    conn: &mut PgConnection,
    tournament: &Tournament,
) -> Result<Vec<TournamentMatch>, ApiError> {
    if matches!(
        tournament.state,
        TournamentState::Draft | TournamentState::Registration | TournamentState::CheckIn
    ) {
        return Ok(Vec::new());
    }
    // None when cancelled before it started.
    let Some((stage, seeded)) = stored(conn, tournament).await? else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query!(
        "SELECT match_id, scheduled_at, battle_id FROM tournament_matches
         WHERE tournament_id = $1",
        tournament.id
    )
    .fetch_all(&mut *conn)
    .await?;
    let schedule: HashMap<i32, (DateTime<Utc>, Option<Uuid>)> = rows
        .into_iter()
        .map(|r| (r.match_id, (r.scheduled_at, r.battle_id)))
        .collect();
    Ok(stage
        .matches()
        .iter()
        .map(|m| {
            let (scheduled_at, battle_id) = schedule
                .get(&(m.id.0 as i32))
                .copied()
                .unwrap_or((due(tournament, m.round), None));
            TournamentMatch {
                id: m.id.0,
                group: m.group,
                round: m.round,
                number: m.number,
                status: status_name(m.status()).to_owned(),
                players: Side::BOTH.map(|side| m.player(side).map(|p| seeded[p.index()].user_id)),
                outcome: m.outcome.map(|(o, decision)| {
                    let side = match o {
                        Outcome::Winner(Side::First) => "first",
                        Outcome::Winner(Side::Second) => "second",
                        Outcome::Draw => "draw",
                    };
                    match decision {
                        Decision::Played => side.to_owned(),
                        Decision::Bye => format!("{side} (bye)"),
                        Decision::Forfeit => format!("{side} (forfeit)"),
                    }
                }),
                scheduled_at,
                battle_id,
            }
        })
        .collect())
}

fn status_name(status: MatchStatus) -> &'static str {
    match status {
        MatchStatus::Locked => "locked",
        MatchStatus::Waiting => "waiting",
        MatchStatus::Ready => "ready",
        MatchStatus::Completed => "completed",
        MatchStatus::Skipped => "skipped",
    }
}

/// The bracket as brackets-model JSON (the tables brackets-viewer.js reads).
pub async fn export(pool: &PgPool, id: Uuid) -> Result<serde_json::Value, ApiError> {
    let mut conn = pool.acquire().await?;
    let tournament = fetch(&mut conn, id).await?;
    let (stage, _) = load(&mut conn, &tournament).await?;
    serde_json::to_value(to_brackets_model(&stage, 0, &tournament.name))
        .map_err(|e| internal(e, "exporting a bracket"))
}

/// The standings of a started tournament, best first.
pub async fn standings(pool: &PgPool, id: Uuid) -> Result<Vec<TournamentStanding>, ApiError> {
    let mut conn = pool.acquire().await?;
    let tournament = fetch(&mut conn, id).await?;
    let (stage, seeded) = load(&mut conn, &tournament).await?;
    Ok(joust_brackets::standings::standings(&stage)
        .into_iter()
        .map(|s| TournamentStanding {
            user_id: seeded[s.participant.index()].user_id,
            name: seeded[s.participant.index()].name.clone(),
            seed: s.participant.0,
            rank: s.rank,
            group: s.group,
            played: s.played,
            wins: s.wins,
            draws: s.draws,
            losses: s.losses,
            byes: s.byes,
            forfeits: s.forfeits,
            points: s.points,
            buchholz: s.buchholz,
            sonneborn_berger: s.sonneborn_berger,
            disqualified: s.disqualified,
        })
        .collect())
}
