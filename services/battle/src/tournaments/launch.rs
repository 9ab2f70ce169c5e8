//! Due matches become battles, each exactly once, whichever instances try and whenever they
//! stop. A match is due when both players are known, the bracket has not decided it, its players
//! were told, its time has come, it has no battle, and neither player has an earlier match (by
//! round) still undecided. Each instance lists the due matches and
//! creates their battles, a few at once, starting at a random place in the list so that
//! instances mostly take different matches. Every creation:
//!
//! - runs under the Redlock of the match (`tournament:<tournament id>:<match id>`, renewed while
//!   it runs), which keeps concurrent attempts cheap: the others are refused at once;
//! - records its fencing token for that key in the transaction that writes, so a holder whose
//!   lock expired while it was paused is refused by the database;
//! - re-reads the match under its row lock, and sets its `battle_id` only while it is still
//!   null (and a battle plays one match: the column is unique), in the transaction that inserts
//!   the battle. The battle's pairing key is the match's, so the one-active-battle-per-pairing
//!   index also refuses a second live battle.
//!
//! So a match gets its battle or, if the creating instance dies first, nothing: the next tick
//! of any instance creates it. The battle plays the pool's problem for the round (rounds cycle
//! through the pool, so every match of a round plays the same problem) for the tournament's
//! battle length.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use joust_common::domain::BattleEvent;
use uuid::Uuid;

use super::{
    model::TournamentState,
    scheduler::{Scheduler, Step},
};
use crate::{
    battles::creation::{BattleCreated, NewBattle, announce, insert_battle},
    error::ApiError,
    lock,
};

/// The most due matches one tick looks at.
const BATCH: i64 = 1000;

/// The lock and pairing key of a match.
pub fn match_key(tournament: Uuid, match_id: i32) -> String {
    format!("tournament:{tournament}:{match_id}")
}

/// A battle this instance created for a match.
struct Launched {
    battle: BattleCreated,
    event: BattleEvent,
    players: [Uuid; 2],
    scheduled_at: DateTime<Utc>,
}

/// Creates the battle of every due match this instance gets to first. Returns how many it
/// created; a match another instance is creating, or created, is skipped.
pub(super) async fn start_due(scheduler: &Scheduler) -> Result<usize, ApiError> {
    let mut due = sqlx::query!(
        "SELECT m.tournament_id, m.match_id
         FROM tournament_matches m JOIN tournaments t ON t.id = m.tournament_id
         WHERE m.battle_id IS NULL AND NOT m.decided
           AND m.player_a IS NOT NULL AND m.player_b IS NOT NULL
           AND m.notified_at IS NOT NULL AND m.scheduled_at <= now() AND t.state = $1
           AND NOT EXISTS (
               SELECT 1 FROM tournament_matches o
               WHERE o.tournament_id = m.tournament_id AND NOT o.decided
                 AND (o.round, o.match_id) < (m.round, m.match_id)
                 AND (o.player_a IN (m.player_a, m.player_b)
                      OR o.player_b IN (m.player_a, m.player_b)))
         ORDER BY m.scheduled_at, m.tournament_id, m.match_id LIMIT $2",
        TournamentState::Running as TournamentState,
        BATCH,
    )
    .fetch_all(&scheduler.state.pool)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let offset = (Uuid::new_v4().as_u128() % due.len() as u128) as usize;
    due.rotate_left(offset);
    let started = futures::stream::iter(due)
        .map(|m| async move {
            match launch(scheduler, m.tournament_id, m.match_id).await {
                Ok(started) => started,
                Err(e) => {
                    scheduler.failed(Step::Launch, &e);
                    false
                }
            }
        })
        .buffer_unordered(scheduler.settings.start_concurrency)
        .filter(|started| std::future::ready(*started))
        .count()
        .await;
    Ok(started)
}

/// Creates the match's battle unless it has one; `Ok(false)` when another instance holds the
/// match or got there first.
async fn launch(scheduler: &Scheduler, tournament: Uuid, match_id: i32) -> Result<bool, ApiError> {
    let state = &scheduler.state;
    let key = match_key(tournament, match_id);
    let created = state
        .locks
        .run_locked(&state.pool, &key, |token| {
            let key = &key;
            async move {
                let mut tx = state.pool.begin().await?;
                lock::fence(&mut tx, state.locks.metrics(), key, token).await?;
                let Some(m) = sqlx::query!(
                    r#"SELECT m.player_a AS "player_a!", m.player_b AS "player_b!", m.round,
                              m.scheduled_at, t.problem_pool, t.battle_secs
                       FROM tournament_matches m JOIN tournaments t ON t.id = m.tournament_id
                       WHERE m.tournament_id = $1 AND m.match_id = $2 AND m.battle_id IS NULL
                         AND NOT m.decided AND m.player_a IS NOT NULL AND m.player_b IS NOT NULL
                         AND t.state = $3
                       FOR NO KEY UPDATE OF m"#,
                    tournament,
                    match_id,
                    TournamentState::Running as TournamentState,
                )
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Ok(None);
                };
                let pool = &m.problem_pool;
                let problem_id = *pool
                    .get((m.round.max(1) as usize - 1) % pool.len().max(1))
                    .ok_or_else(|| {
                        ApiError::Internal(anyhow::anyhow!("tournament without problems"))
                    })?;
                let players = [m.player_a, m.player_b];
                let new = NewBattle {
                    problem_id,
                    players,
                    pairing_key: key,
                    fencing_token: token,
                    spectator_sources: false,
                    length: Duration::from_secs(m.battle_secs.max(1) as u64),
                };
                let (battle, event) = insert_battle(state, &mut tx, &new).await?;
                sqlx::query!(
                    "UPDATE tournament_matches SET battle_id = $3
                     WHERE tournament_id = $1 AND match_id = $2 AND battle_id IS NULL",
                    tournament,
                    match_id,
                    battle.battle_id,
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(Launched {
                    battle,
                    event,
                    players,
                    scheduled_at: m.scheduled_at,
                }))
            }
        })
        .await;
    let launched = match created {
        Ok(Some(launched)) => launched,
        Ok(None) => return Ok(false),
        // Another instance holds the match, or wrote first.
        Err(ApiError::LockBusy | ApiError::FencingRejected | ApiError::BattleExists) => {
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    let lag = (Utc::now() - launched.scheduled_at)
        .to_std()
        .unwrap_or_default();
    scheduler.metrics.started.inc();
    scheduler.metrics.start_lag.observe(lag.as_secs_f64());
    tracing::info!(
        tournament.id = %tournament,
        tournament.match_id = match_id,
        battle.id = %launched.battle.battle_id,
        lag_ms = lag.as_millis() as u64,
        "tournament match started"
    );
    announce(state, &launched.battle, &launched.players, launched.event).await;
    Ok(true)
}
