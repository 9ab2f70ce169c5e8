//! The one place where a battle ends.
//!
//! Every ending (an accepted submission, a resignation, a player who did not come back, time
//! running out, a tournament no-show) goes through [`finish_battle`], inside the caller's
//! transaction. It is the hook where anything that must happen exactly once per finished
//! battle attaches, in the same transaction, so it commits with the ending or not at all: the
//! rating update (`rating::apply`), and the result of a tournament match, put in the
//! `tournament_results` outbox for the battle service to apply to the bracket (see
//! `docs/tournaments.md`: the judge ends battles too, and the bracket lives in the battle
//! service).

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    battle::{BattleStatus, DrawReason, EventKind, ForfeitReason, Outcome, SubmissionStatus},
    events::{self, BattleEvent},
    rating::{self, RatingChange},
};

/// How a battle ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `submission_id`, by `winner`, is the first accepted one. It only ends the battle when no
    /// submission made before it still waits for a verdict, since that one could win instead.
    Accepted { winner: Uuid, submission_id: Uuid },
    /// `loser` gives the battle up; the opponent wins. Allowed during the countdown too.
    Forfeit { loser: Uuid, reason: ForfeitReason },
    /// Nobody wins.
    Draw { reason: DrawReason },
    /// Time ran out on a scoring problem: `submission_id`, by `winner`, has the best score
    /// (made first among equal ones).
    BestScore { winner: Uuid, submission_id: Uuid },
}

impl Ending {
    pub fn outcome(&self) -> Outcome {
        match self {
            Ending::Accepted { .. } => Outcome::Accepted,
            Ending::Forfeit { .. } => Outcome::Forfeit,
            Ending::Draw { .. } => Outcome::Draw,
            Ending::BestScore { .. } => Outcome::Score,
        }
    }

    /// Whether a battle in `status` may end this way.
    fn applies_to(&self, status: BattleStatus) -> bool {
        match self {
            Ending::Forfeit { .. } => status != BattleStatus::Finished,
            Ending::Accepted { .. } | Ending::Draw { .. } | Ending::BestScore { .. } => {
                status == BattleStatus::Running
            }
        }
    }

    /// A short label for logs and metrics: the outcome, or the reason where there is one.
    pub fn reason(&self) -> &'static str {
        match self {
            Ending::Accepted { .. } => Outcome::Accepted.as_str(),
            Ending::Forfeit { reason, .. } => reason.as_str(),
            Ending::Draw { reason } => reason.as_str(),
            Ending::BestScore { .. } => Outcome::Score.as_str(),
        }
    }
}

/// The data of a `battle.finished` event.
#[derive(Debug, Serialize)]
struct FinishedData {
    winner_id: Option<Uuid>,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    submission_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loser_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    /// Both players' rating changes, in `[player_a, player_b]` order.
    ratings: [RatingChange; 2],
}

/// A battle that [`finish_battle`] ended.
#[derive(Debug, Clone)]
pub struct FinishedBattle {
    pub battle_id: Uuid,
    pub players: [Uuid; 2],
    pub winner: Option<Uuid>,
    pub outcome: Outcome,
    /// Both players' rating changes, in `players` order.
    pub ratings: [RatingChange; 2],
    /// The `battle.finished` event, to publish once the transaction commits.
    pub event: BattleEvent,
}

/// Ends the battle the way `ending` says, in the caller's transaction, and appends its
/// `battle.finished` event. Returns `None`, changing nothing, when the battle does not exist,
/// already ended, or may not end this way now; so of several endings racing (a verdict, a
/// resignation, the draw sweep) the first to commit is the only one.
pub async fn finish_battle(
    conn: &mut PgConnection,
    battle_id: Uuid,
    ending: Ending,
) -> sqlx::Result<Option<FinishedBattle>> {
    // The row lock orders this ending after any other change of the battle in flight.
    let Some(battle) = sqlx::query!(
        r#"SELECT player_a, player_b, status AS "status: BattleStatus"
           FROM battles WHERE id = $1 FOR UPDATE"#,
        battle_id,
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    if !ending.applies_to(battle.status) {
        return Ok(None);
    }
    let players = [battle.player_a, battle.player_b];
    let winner = match ending {
        Ending::Accepted {
            winner,
            submission_id,
        } => {
            if !players.contains(&winner)
                || earlier_submission_pending(conn, battle_id, submission_id).await?
            {
                return Ok(None);
            }
            Some(winner)
        }
        Ending::Forfeit { loser, .. } => {
            if !players.contains(&loser) {
                return Ok(None);
            }
            players.into_iter().find(|p| *p != loser)
        }
        Ending::Draw { .. } => None,
        Ending::BestScore { winner, .. } => {
            if !players.contains(&winner) {
                return Ok(None);
            }
            Some(winner)
        }
    };
    let outcome = ending.outcome();
    sqlx::query!(
        "UPDATE battles SET status = $2, outcome = $3, winner_id = $4, finished_at = now()
         WHERE id = $1",
        battle_id,
        BattleStatus::Finished.as_str(),
        outcome.as_str(),
        winner,
    )
    .execute(&mut *conn)
    .await?;
    // Every ending is rated, in this transaction: once, with the ending, or not at all.
    let ratings = rating::apply(conn, battle_id, players, winner).await?;
    // A tournament match's battle leaves its result for the bracket, once (the battle ends once).
    sqlx::query!(
        "INSERT INTO tournament_results (battle_id, tournament_id, match_id, winner_id, reason)
         SELECT battle_id, tournament_id, match_id, $2, $3
         FROM tournament_matches WHERE battle_id = $1",
        battle_id,
        winner,
        ending.reason(),
    )
    .execute(&mut *conn)
    .await?;
    let (submission_id, loser_id, reason) = match ending {
        Ending::Accepted { submission_id, .. } | Ending::BestScore { submission_id, .. } => {
            (Some(submission_id), None, None)
        }
        Ending::Forfeit { loser, reason } => (None, Some(loser), Some(reason.as_str())),
        Ending::Draw { reason } => (None, None, Some(reason.as_str())),
    };
    let data = FinishedData {
        winner_id: winner,
        outcome,
        submission_id,
        loser_id,
        reason,
        ratings,
    };
    let data = serde_json::to_value(&data).expect("event data serializes");
    let event = events::append(conn, battle_id, EventKind::BattleFinished, data).await?;
    tracing::info!(battle.id = %battle_id, outcome = %outcome, reason = ending.reason(), "battle finished");
    Ok(Some(FinishedBattle {
        battle_id,
        players,
        winner,
        outcome,
        ratings,
        event,
    }))
}

/// Whether a submission of the battle made no later than `submission_id` still waits for its
/// verdict.
async fn earlier_submission_pending(
    conn: &mut PgConnection,
    battle_id: Uuid,
    submission_id: Uuid,
) -> sqlx::Result<bool> {
    let pending = sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM submissions q
               WHERE q.battle_id = $1 AND q.status = $3
                 AND q.created_at <= (SELECT created_at FROM submissions WHERE id = $2)
           ) AS "pending!""#,
        battle_id,
        submission_id,
        SubmissionStatus::Queued.as_str(),
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(pending)
}
