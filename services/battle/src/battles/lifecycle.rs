//! A battle after its creation: the reveal when the countdown ends, and the endings the battle
//! service decides (a resignation, a forfeit, time running out). Every ending goes through
//! `joust_common::domain::finish_battle`, the one place where a battle ends.
//!
//! Each step is a conditional write, so whichever instance or request gets there first does it
//! and the others change nothing: no battle depends on the instance that created it.

use joust_common::{
    Language,
    domain::{
        self, BattleStatus, DrawReason, Ending, EventKind, FinishedBattle, ForfeitReason, Outcome,
        SubmissionStatus,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::require_player;
use crate::{AppState, auth::Player, error::ApiError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resign {
    pub battle_id: Uuid,
}

#[derive(Debug, Serialize)]
pub struct Resigned {
    pub battle_id: Uuid,
    pub winner_id: Uuid,
}

/// Starts the battle when its countdown ends.
pub(crate) fn schedule_start(state: AppState, battle_id: Uuid) {
    tokio::spawn(async move {
        tokio::time::sleep(state.countdown).await;
        if let Err(e) = start_if_due(&state, battle_id).await {
            tracing::error!(battle.id = %battle_id, error = format!("{e:#}"), "starting the battle failed");
        }
    });
}

/// Moves a battle whose countdown is over to `running` and reveals the problem. Idempotent:
/// whichever instance or request gets there first does it, the others see nothing to do.
pub async fn start_if_due(state: &AppState, battle_id: Uuid) -> Result<(), ApiError> {
    let mut tx = state.pool.begin().await?;
    let started = sqlx::query!(
        "UPDATE battles SET status = $2
         WHERE id = $1 AND status = $3 AND starts_at <= now()
         RETURNING problem_id, player_a, player_b",
        battle_id,
        BattleStatus::Running.as_str(),
        BattleStatus::Countdown.as_str(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(started) = started else {
        return Ok(());
    };
    let problem = sqlx::query!(
        "SELECT slug, title, statement, time_limit_ms, memory_limit_mb FROM problems WHERE id = $1",
        started.problem_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    let samples = sqlx::query!(
        "SELECT input, expected_output FROM problem_tests
         WHERE problem_id = $1 AND is_sample ORDER BY ordinal",
        started.problem_id,
    )
    .fetch_all(&mut *tx)
    .await?;
    let data = json!({
        "problem": {
            "slug": problem.slug,
            "title": problem.title,
            "statement": problem.statement,
            "time_limit_ms": problem.time_limit_ms,
            "memory_limit_mb": problem.memory_limit_mb,
            "samples": samples.iter().map(|s| json!({ "input": s.input, "output": s.expected_output })).collect::<Vec<_>>(),
            "languages": Language::ALL,
        }
    });
    let event = domain::events::append(&mut tx, battle_id, EventKind::BattleStarted, data).await?;
    tx.commit().await?;
    state
        .publish(&[started.player_a, started.player_b], &[event])
        .await;
    Ok(())
}

/// Starts every battle whose countdown is over; covers countdown timers of an instance that
/// stopped before they fired.
pub(crate) async fn start_due(state: &AppState) -> Result<usize, ApiError> {
    let due = sqlx::query_scalar!(
        "SELECT id FROM battles WHERE status = $1 AND starts_at <= now() ORDER BY starts_at LIMIT 100",
        BattleStatus::Countdown.as_str(),
    )
    .fetch_all(&state.pool)
    .await?;
    for battle_id in &due {
        start_if_due(state, *battle_id).await?;
    }
    Ok(due.len())
}

/// The player gives up: the opponent wins by forfeit.
pub async fn resign(state: AppState, player: Player, req: Resign) -> Result<Resigned, ApiError> {
    if let Some(finished) =
        forfeit(&state, req.battle_id, player.id, ForfeitReason::Resigned).await?
        && let Some(winner_id) = finished.winner
    {
        return Ok(Resigned {
            battle_id: req.battle_id,
            winner_id,
        });
    }
    // Nothing changed: say why.
    let players = sqlx::query!(
        "SELECT player_a, player_b FROM battles WHERE id = $1",
        req.battle_id,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::BattleNotFound)?;
    require_player([players.player_a, players.player_b], &player)?;
    Err(ApiError::BattleFinished)
}

/// Finishes an unfinished battle as a forfeit of `loser` (who resigned, or whose reconnect
/// grace ran out); the opponent wins. Whichever of several concurrent endings (verdict, draw,
/// forfeit) commits first is the only one. Returns the battle when this call finished it.
pub(crate) async fn forfeit(
    state: &AppState,
    battle_id: Uuid,
    loser: Uuid,
    reason: ForfeitReason,
) -> Result<Option<FinishedBattle>, ApiError> {
    let mut tx = state.pool.begin().await?;
    let ending = Ending::Forfeit { loser, reason };
    let Some(finished) = domain::finish_battle(&mut tx, battle_id, ending).await? else {
        return Ok(None);
    };
    tx.commit().await?;
    finished_here(state, &finished, reason.as_str()).await;
    Ok(Some(finished))
}

/// Finishes every running battle past its end: on a scoring problem the best score wins (see
/// [`time_ending`]), otherwise it is a draw. `SKIP LOCKED` lets instances sweeping
/// at once split the work, and `finish_battle`'s conditional write makes each draw happen once.
pub async fn finish_overdue(state: &AppState) -> Result<Vec<Uuid>, ApiError> {
    let mut tx = state.pool.begin().await?;
    let due = sqlx::query_scalar!(
        "SELECT id FROM battles
         WHERE status = $1 AND ends_at <= now()
           -- A submission made in time is judged first: it may still win the battle.
           AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.battle_id = battles.id AND s.status = $2)
         ORDER BY ends_at LIMIT 100 FOR UPDATE SKIP LOCKED",
        BattleStatus::Running.as_str(),
        SubmissionStatus::Queued.as_str(),
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut finished = Vec::with_capacity(due.len());
    for battle_id in due {
        let ending = time_ending(&mut tx, battle_id).await?;
        if let Some(battle) = domain::finish_battle(&mut tx, battle_id, ending).await? {
            finished.push(battle);
        }
    }
    tx.commit().await?;
    for battle in &finished {
        let reason = match battle.outcome {
            Outcome::Score => "score_timeout",
            _ => "draw_timeout",
        };
        finished_here(state, battle, reason).await;
    }
    Ok(finished.into_iter().map(|b| b.battle_id).collect())
}

/// How a battle ends when its time runs out: the submission with the best score above zero
/// wins (of equal scores, the one made first), so only scoring problems, whose judged
/// submissions carry a score, have a winner; otherwise nobody wins.
async fn time_ending(conn: &mut sqlx::PgConnection, battle_id: Uuid) -> sqlx::Result<Ending> {
    // Rounded so that scores summed in a different order still compare equal.
    let best = sqlx::query!(
        "SELECT id, user_id FROM submissions
         WHERE battle_id = $1 AND status = $2 AND score > 0
         ORDER BY round(score::numeric, 6) DESC, created_at, id
         LIMIT 1",
        battle_id,
        SubmissionStatus::Judged.as_str(),
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match best {
        Some(best) => Ending::BestScore {
            winner: best.user_id,
            submission_id: best.id,
        },
        None => Ending::Draw {
            reason: DrawReason::Time,
        },
    })
}

/// Counts and announces a battle this instance finished, once its transaction committed.
pub(crate) async fn finished_here(state: &AppState, battle: &FinishedBattle, reason: &str) {
    state
        .metrics
        .battles_finished
        .with_label_values(&[reason])
        .inc();
    state
        .publish(&battle.players, std::slice::from_ref(&battle.event))
        .await;
}
