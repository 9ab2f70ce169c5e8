//! The schedule rows of a started tournament (`tournament_matches`): what the scheduler reads
//! instead of replaying brackets. Every bracket change writes, in its own transaction, the rows
//! of the matches it created or changed: when each is due, its round, its players once known
//! (first side first) and whether the bracket decided it. The battle a match gets, the notice
//! and the no-show check are the scheduler's columns, never written here.

use chrono::{DateTime, Duration, Utc};
use joust_brackets::{Match, MatchStatus, Side, Stage};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{bracket::Seeded, model::Tournament};
use crate::error::ApiError;

/// When a match of `round` is due: the start, then one round interval per round.
pub fn due(tournament: &Tournament, round: u32) -> DateTime<Utc> {
    tournament.starts_at
        + Duration::seconds(i64::from(tournament.round_interval_secs) * i64::from(round - 1))
}

/// What the scheduler needs of a match: its players (user ids, first side first) and whether it
/// is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub players: [Option<Uuid>; 2],
    pub decided: bool,
}

impl Row {
    pub fn of(m: &Match, seeded: &[Seeded]) -> Self {
        Row {
            players: Side::BOTH.map(|side| m.player(side).map(|p| seeded[p.index()].user_id)),
            decided: matches!(m.status(), MatchStatus::Completed | MatchStatus::Skipped),
        }
    }
}

/// Writes the row of every match of `stage` that is new or changed since `before` (every match
/// when `before` is `None`). A new match is due by its round; a changed one keeps its time.
pub async fn sync(
    conn: &mut PgConnection,
    tournament: &Tournament,
    before: Option<&Stage>,
    stage: &Stage,
    seeded: &[Seeded],
) -> Result<(), ApiError> {
    let mut ids = Vec::new();
    let mut times = Vec::new();
    let mut rounds = Vec::new();
    let mut first = Vec::new();
    let mut second = Vec::new();
    let mut decided = Vec::new();
    for m in stage.matches() {
        let row = Row::of(m, seeded);
        let old = before.and_then(|b| b.matches().get(m.id.index()));
        if old.is_some_and(|old| Row::of(old, seeded) == row) {
            continue;
        }
        ids.push(m.id.0 as i32);
        times.push(due(tournament, m.round));
        rounds.push(m.round as i32);
        first.push(row.players[0]);
        second.push(row.players[1]);
        decided.push(row.decided);
    }
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO tournament_matches
             (tournament_id, match_id, scheduled_at, round, player_a, player_b, decided)
         SELECT $1, * FROM UNNEST($2::int4[], $3::timestamptz[], $4::int4[], $5::uuid[],
                                  $6::uuid[], $7::bool[])
         ON CONFLICT (tournament_id, match_id) DO UPDATE
         SET player_a = EXCLUDED.player_a, player_b = EXCLUDED.player_b,
             decided = EXCLUDED.decided",
        tournament.id,
        &ids,
        &times,
        &rounds,
        &first as _,
        &second as _,
        &decided,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
