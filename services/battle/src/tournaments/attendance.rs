//! No-shows: a tournament battle's player has `JOUST_TOURNAMENT_NO_SHOW_GRACE_MS` from the
//! battle's start (the reveal) to show up. Once that has passed, the scheduler checks each
//! running tournament battle once. A player has shown up when connected (on any instance),
//! when the reconnect grace period holds their seat (they came and left; the reconnect rules
//! take over), or when they submitted in the battle. Then:
//!
//! - both there: nothing happens, the battle goes on;
//! - one absent: the absent player forfeits (`battle.finished`, `reason: "no_show"`);
//! - both absent: the battle is a draw (`reason: "no_show"`). A round robin or Swiss bracket
//!   records the draw; an elimination bracket, which cannot, sends the higher seed through (see
//!   `bracket::Change::Battle`).
//!
//! The ending goes through `finish_battle` like every other, so it is rated and reaches the
//! bracket through the results outbox. When the instances cannot all be asked where a player
//! is, the battle is left for the next tick rather than forfeiting someone who may be there.

use joust_common::domain::{self, BattleStatus, DrawReason, Ending, FinishedBattle, ForfeitReason};
use uuid::Uuid;

use super::scheduler::{Scheduler, Step};
use crate::{battles::lifecycle, error::ApiError, presence};

/// The most battles one tick checks.
const BATCH: i64 = 100;

/// Checks the tournament battles whose no-show grace has passed. Returns how many it ended.
pub(super) async fn check(scheduler: &Scheduler) -> Result<usize, ApiError> {
    let grace_ms = scheduler.settings.no_show_grace.as_millis() as f64;
    let due = sqlx::query!(
        r#"SELECT m.battle_id AS "battle_id!", b.player_a, b.player_b
           FROM tournament_matches m JOIN battles b ON b.id = m.battle_id
           WHERE m.battle_id IS NOT NULL AND NOT m.attendance_checked AND b.status = $1
             AND b.starts_at + make_interval(secs => $2::float8 / 1000) <= now()
           ORDER BY b.starts_at LIMIT $3"#,
        BattleStatus::Running.as_str(),
        grace_ms,
        BATCH,
    )
    .fetch_all(&scheduler.state.pool)
    .await?;
    let mut ended = 0;
    for battle in due {
        match settle(
            scheduler,
            battle.battle_id,
            [battle.player_a, battle.player_b],
        )
        .await
        {
            Ok(true) => ended += 1,
            Ok(false) => {}
            Err(e) => scheduler.failed(Step::Attendance, &e),
        }
    }
    Ok(ended)
}

/// Checks one battle's players and ends it if one or both are absent; marks it checked either
/// way. `Ok(true)` when this call ended it; `Ok(false)` when both were there, it ended
/// otherwise meanwhile, or where a player is could not be known (then it stays unchecked).
async fn settle(
    scheduler: &Scheduler,
    battle_id: Uuid,
    players: [Uuid; 2],
) -> Result<bool, ApiError> {
    let state = &scheduler.state;
    let submitted = sqlx::query_scalar!(
        "SELECT DISTINCT user_id FROM submissions WHERE battle_id = $1",
        battle_id
    )
    .fetch_all(&state.pool)
    .await?;
    let mut present = [false; 2];
    for (i, player) in players.into_iter().enumerate() {
        present[i] = submitted.contains(&player)
            || presence::grace::seat_held(state, battle_id, player).await?
            || match presence::sockets_of(&scheduler.io, player).await {
                Ok(sockets) => !sockets.is_empty(),
                Err(_) => return Ok(false),
            };
    }
    let ending = match present {
        [true, true] => None,
        [false, true] => Some(Ending::Forfeit {
            loser: players[0],
            reason: ForfeitReason::NoShow,
        }),
        [true, false] => Some(Ending::Forfeit {
            loser: players[1],
            reason: ForfeitReason::NoShow,
        }),
        [false, false] => Some(Ending::Draw {
            reason: DrawReason::NoShow,
        }),
    };
    let mut tx = state.pool.begin().await?;
    let finished: Option<FinishedBattle> = match ending {
        Some(ending) => domain::finish_battle(&mut tx, battle_id, ending).await?,
        None => None,
    };
    sqlx::query!(
        "UPDATE tournament_matches SET attendance_checked = true WHERE battle_id = $1",
        battle_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(finished) = finished else {
        return Ok(false);
    };
    let absent = if present.contains(&true) {
        "one"
    } else {
        "both"
    };
    scheduler
        .metrics
        .no_shows
        .with_label_values(&[absent])
        .inc();
    tracing::info!(battle.id = %battle_id, absent, "tournament battle ended for a no-show");
    lifecycle::finished_here(state, &finished, "no_show").await;
    Ok(true)
}
