//! "Your match starts in N": the `tournament:match` socket event, sent once per match to both
//! players when the match is due within `JOUST_TOURNAMENT_NOTICE_MS` and both players are known.
//!
//! A match is claimed for its notice by setting `notified_at` (`SKIP LOCKED`, so instances
//! split the work), and the notice goes out once that is committed. A player's matches come one
//! after the other, in round order: a match waits while either player has an earlier one
//! undecided (a round robin whose rounds are all past due is played round by round). A match whose time had
//! already passed when its players became known (a round that ran late, a losers-bracket match)
//! is moved to one notice period from now, so that its players always hear of it first; the
//! scheduler only starts matches that were notified. Notices are best effort: a player who is
//! not connected misses it, and `GET /api/tournaments/{id}` shows the same schedule.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{model::TournamentState, scheduler::Scheduler};
use crate::{error::ApiError, presence::user_room};

/// The socket event.
pub const EVENT: &str = "tournament:match";

/// The most matches one tick notifies.
const BATCH: i64 = 500;

/// A player as a notice names the opponent.
#[derive(Debug, Clone, Serialize)]
pub struct Opponent {
    pub id: Uuid,
    pub name: String,
}

/// The payload of `tournament:match`, for one of the two players.
#[derive(Debug, Clone, Serialize)]
pub struct MatchNotice {
    pub tournament_id: Uuid,
    pub tournament_name: String,
    pub match_id: u32,
    pub round: u32,
    pub opponent: Opponent,
    /// When the battle is created (then a countdown, then the reveal).
    pub scheduled_at: DateTime<Utc>,
    /// `scheduled_at` from now, as the server saw it.
    pub starts_in_ms: u64,
    /// How long after the battle starts a player may arrive before forfeiting.
    pub no_show_grace_ms: u64,
}

/// Claims the matches due within the notice period and tells their players. Returns how many
/// matches were notified.
pub(super) async fn send(scheduler: &Scheduler) -> Result<usize, ApiError> {
    let state = &scheduler.state;
    let notice_ms = scheduler.settings.notice.as_millis() as f64;
    let claimed = sqlx::query!(
        r#"UPDATE tournament_matches m
           SET notified_at = now(),
               scheduled_at = CASE WHEN m.scheduled_at < now()
                   THEN now() + make_interval(secs => $1::float8 / 1000)
                   ELSE m.scheduled_at END
           FROM (SELECT d.tournament_id, d.match_id
                 FROM tournament_matches d JOIN tournaments t ON t.id = d.tournament_id
                 WHERE d.battle_id IS NULL AND NOT d.decided
                   AND d.player_a IS NOT NULL AND d.player_b IS NOT NULL
                   AND d.notified_at IS NULL AND t.state = $3
                   AND d.scheduled_at <= now() + make_interval(secs => $1::float8 / 1000)
                   -- Each player's matches in order: none while an earlier one is undecided.
                   AND NOT EXISTS (
                       SELECT 1 FROM tournament_matches o
                       WHERE o.tournament_id = d.tournament_id AND NOT o.decided
                         AND (o.round, o.match_id) < (d.round, d.match_id)
                         AND (o.player_a IN (d.player_a, d.player_b)
                              OR o.player_b IN (d.player_a, d.player_b)))
                 ORDER BY d.scheduled_at LIMIT $2
                 FOR NO KEY UPDATE OF d SKIP LOCKED) due, tournaments t
           WHERE m.tournament_id = due.tournament_id AND m.match_id = due.match_id
             AND t.id = m.tournament_id
           RETURNING m.tournament_id, t.name, m.match_id, m.round,
                     m.player_a AS "player_a!", m.player_b AS "player_b!", m.scheduled_at,
                     now() AS "now!""#,
        notice_ms,
        BATCH,
        TournamentState::Running as TournamentState,
    )
    .fetch_all(&state.pool)
    .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = claimed
        .iter()
        .flat_map(|m| [m.player_a, m.player_b])
        .collect();
    let names: HashMap<Uuid, String> =
        sqlx::query!("SELECT id, name FROM users WHERE id = ANY($1)", &ids)
            .fetch_all(&state.pool)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
    let grace_ms = scheduler.settings.no_show_grace.as_millis() as u64;
    for m in &claimed {
        let players = [m.player_a, m.player_b];
        for (me, other) in [(players[0], players[1]), (players[1], players[0])] {
            let notice = MatchNotice {
                tournament_id: m.tournament_id,
                tournament_name: m.name.clone(),
                match_id: m.match_id as u32,
                round: m.round as u32,
                opponent: Opponent {
                    id: other,
                    name: names.get(&other).cloned().unwrap_or_default(),
                },
                scheduled_at: m.scheduled_at,
                starts_in_ms: (m.scheduled_at - m.now).num_milliseconds().max(0) as u64,
                no_show_grace_ms: grace_ms,
            };
            emit(scheduler, me, &notice).await;
        }
        tracing::info!(
            tournament.id = %m.tournament_id,
            tournament.match_id = m.match_id,
            scheduled_at = %m.scheduled_at,
            "tournament match notice sent"
        );
    }
    scheduler.metrics.notices.inc_by(claimed.len() as u64);
    Ok(claimed.len())
}

/// Sends a notice to every socket of `user`, on any instance (through the adapter).
async fn emit(scheduler: &Scheduler, user: Uuid, notice: &MatchNotice) {
    // Gone only while this instance closes its namespace.
    let Some(namespace) = scheduler.io.of("/") else {
        return;
    };
    if let Err(e) = namespace.to(user_room(user)).emit(EVENT, notice).await {
        tracing::warn!(error = %e, user.id = %user, "sending a tournament match notice failed");
    }
}
