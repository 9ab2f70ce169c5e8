//! Finished tournament battles reach their bracket through the `tournament_results` outbox.
//!
//! `finish_battle` (in `joust-common`) puts a row there in the very transaction that ends a
//! tournament battle, whichever service ends it: the judge (an accepted submission) as well as
//! the battle service (resignation, forfeit, time, no-show). Here one instance at a time takes
//! a row (`SKIP LOCKED`), applies it to the bracket (`bracket::change_in`, as the operator,
//! under the tournament's row lock: winner and loser placed, byes passed on, the next Swiss
//! round paired, the schedule rows of the matches that became ready written, the tournament
//! finished once the bracket is) and deletes the row, all in one transaction. So each result is
//! applied exactly once: a crash before the commit leaves the row for the next tick, and the
//! deletion commits with the change.
//!
//! Why an outbox rather than changing the bracket inside `finish_battle`: the bracket lives in
//! the battle service while the judge ends battles too, and a verdict's transaction should not
//! wait on the tournament's row lock behind every other result of the round.
//!
//! A result the bracket refuses (the organizer decided the match meanwhile, disqualified a
//! player, or cancelled the tournament) is dropped with a warning and counted.

use uuid::Uuid;

use super::{
    Actor,
    bracket::{self, Change},
    scheduler::Scheduler,
};
use crate::error::ApiError;

/// The most results one tick applies.
const BATCH: usize = 200;

/// Applies waiting results, oldest first. Returns how many it took from the outbox.
pub(super) async fn apply(scheduler: &Scheduler) -> Result<usize, ApiError> {
    let mut taken = 0;
    while taken < BATCH {
        if !apply_one(scheduler).await? {
            break;
        }
        taken += 1;
    }
    Ok(taken)
}

/// Takes one result and applies it; `false` when none is waiting (or all are being applied by
/// other instances).
async fn apply_one(scheduler: &Scheduler) -> Result<bool, ApiError> {
    let state = &scheduler.state;
    let mut tx = state.pool.begin().await?;
    let Some(result) = sqlx::query!(
        "SELECT battle_id, tournament_id, match_id, winner_id, reason FROM tournament_results
         ORDER BY recorded_at LIMIT 1 FOR UPDATE SKIP LOCKED"
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(false);
    };
    let change = Change::Battle {
        match_id: result.match_id as u32,
        winner: result.winner_id,
    };
    // A refusal is decided before the bracket writes anything, so the transaction stays usable.
    let outcome =
        match bracket::change_in(&mut tx, Actor::Operator, result.tournament_id, change).await {
            Ok(_) => "applied",
            Err(ApiError::Tournament { code, .. }) => {
                tracing::warn!(
                    tournament.id = %result.tournament_id,
                    tournament.match_id = result.match_id,
                    battle.id = %result.battle_id,
                    code,
                    "the bracket refused a battle's result; dropped"
                );
                "refused"
            }
            Err(e) => return Err(e),
        };
    settle(&mut tx, result.battle_id).await?;
    tx.commit().await?;
    scheduler
        .metrics
        .results
        .with_label_values(&[outcome])
        .inc();
    tracing::info!(
        tournament.id = %result.tournament_id,
        tournament.match_id = result.match_id,
        battle.id = %result.battle_id,
        winner.id = ?result.winner_id,
        reason = result.reason,
        outcome,
        "tournament battle result taken"
    );
    Ok(true)
}

/// Removes the result from the outbox; the battle needs no no-show check any more.
async fn settle(conn: &mut sqlx::PgConnection, battle_id: Uuid) -> Result<(), ApiError> {
    sqlx::query!(
        "DELETE FROM tournament_results WHERE battle_id = $1",
        battle_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE tournament_matches SET attendance_checked = true WHERE battle_id = $1",
        battle_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
