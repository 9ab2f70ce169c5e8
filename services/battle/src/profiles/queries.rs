//! The reads behind a profile: the player, the rating history, finished battles newest first
//! (keyset-paged), totals and statistics per language.

use chrono::{DateTime, Utc};
use joust_common::domain::{BattleStatus, Outcome, Verdict};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::ApiError;

/// The player a profile is of.
pub struct Found {
    pub id: Uuid,
    pub name: String,
    pub rating: i32,
    pub rating_deviation: f64,
    pub created_at: DateTime<Utc>,
}

/// Looks a player up by id or, failing that form, by name (ignoring case, as names are unique).
pub async fn find_player(pool: &PgPool, key: &str) -> Result<Found, ApiError> {
    let found =
        match Uuid::parse_str(key) {
            Ok(id) => sqlx::query_as!(
                Found,
                "SELECT id, name, rating, rating_deviation, created_at FROM users WHERE id = $1",
                id
            )
            .fetch_optional(pool)
            .await?,
            Err(_) => {
                if key.is_empty() || key.chars().count() > 32 {
                    return Err(ApiError::InvalidPayload(
                        "a player is named by an id or a name of 1 to 32 characters".into(),
                    ));
                }
                sqlx::query_as!(
                    Found,
                    "SELECT id, name, rating, rating_deviation, created_at
                 FROM users WHERE lower(name) = lower($1)",
                    key
                )
                .fetch_optional(pool)
                .await?
            }
        };
    found.ok_or(ApiError::UserNotFound)
}

/// One point of a player's rating history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RatingPoint {
    pub at: DateTime<Utc>,
    pub rating: i32,
    /// The battle that moved the rating there; absent for the starting point.
    pub battle_id: Option<Uuid>,
}

/// Rating points a profile shows at most (the newest).
const HISTORY_POINTS: i64 = 200;

/// A player's rating history, newest first: the rating after each rated battle, and, when the
/// whole history fits, the rating the player started from (at joining, with no battle).
pub async fn rating_history(pool: &PgPool, player: &Found) -> Result<Vec<RatingPoint>, ApiError> {
    let rows = sqlx::query!(
        r#"SELECT created_at, battle_id, rating_before, rating_after FROM rating_history
           WHERE user_id = $1 ORDER BY created_at DESC, battle_id DESC LIMIT $2"#,
        player.id,
        HISTORY_POINTS,
    )
    .fetch_all(pool)
    .await?;
    let start = match rows.last() {
        _ if rows.len() as i64 == HISTORY_POINTS => None,
        Some(oldest) => Some(oldest.rating_before.round() as i32),
        None => Some(player.rating),
    };
    let mut points: Vec<RatingPoint> = rows
        .into_iter()
        .map(|r| RatingPoint {
            at: r.created_at,
            rating: r.rating_after.round() as i32,
            battle_id: Some(r.battle_id),
        })
        .collect();
    points.extend(start.map(|rating| RatingPoint {
        at: player.created_at,
        rating,
        battle_id: None,
    }));
    Ok(points)
}

/// Where a page of finished battles continues: after the battle that finished at `at` with
/// `id`, in (finished_at, id) descending order. Written `<microseconds>.<id>`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let bad = || ApiError::InvalidPayload("before is not a cursor this API gave out".into());
        let (micros, id) = s.split_once('.').ok_or_else(bad)?;
        let at = micros
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(bad)?;
        let id = Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(Self { at, id })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.at.timestamp_micros(), self.id)
    }
}

/// A finished battle as the player's history shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecentBattle {
    pub battle_id: Uuid,
    pub finished_at: DateTime<Utc>,
    pub problem_slug: String,
    pub opponent_id: Uuid,
    pub opponent_name: String,
    /// `won`, `lost` or `draw`, for the profile's player.
    pub result: String,
    /// How the battle ended: `accepted`, `forfeit` or `draw`.
    pub outcome: Option<String>,
}

/// The player's finished battles newest first, `limit` of them after `before`; the second
/// value is the cursor of the next page, if there is one. Each seat's index gives its newest
/// battles in order; the two short lists are merged.
pub async fn recent_battles(
    pool: &PgPool,
    user: Uuid,
    before: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<RecentBattle>, Option<Cursor>), ApiError> {
    let finished = BattleStatus::Finished.as_str();
    let rows = sqlx::query!(
        r#"SELECT r.id AS "id!", r.finished_at AS "finished_at!", p.slug, o.id AS opponent_id,
                  o.name AS opponent_name, b.winner_id, b.outcome
           FROM (
               (SELECT id, finished_at, player_b AS opponent FROM battles
                WHERE player_a = $1 AND status = $2
                  AND ($3::timestamptz IS NULL OR (finished_at, id) < ($3, $4))
                ORDER BY finished_at DESC, id DESC LIMIT $5)
               UNION ALL
               (SELECT id, finished_at, player_a AS opponent FROM battles
                WHERE player_b = $1 AND status = $2
                  AND ($3::timestamptz IS NULL OR (finished_at, id) < ($3, $4))
                ORDER BY finished_at DESC, id DESC LIMIT $5)
           ) r
           JOIN battles b ON b.id = r.id
           JOIN problems p ON p.id = b.problem_id
           JOIN users o ON o.id = r.opponent
           ORDER BY r.finished_at DESC, r.id DESC
           LIMIT $5"#,
        user,
        finished,
        before.map(|c| c.at),
        before.map(|c| c.id),
        limit + 1,
    )
    .fetch_all(pool)
    .await?;
    let mut battles: Vec<RecentBattle> = rows
        .into_iter()
        .map(|row| RecentBattle {
            battle_id: row.id,
            finished_at: row.finished_at,
            problem_slug: row.slug,
            opponent_id: row.opponent_id,
            opponent_name: row.opponent_name,
            result: match row.winner_id {
                Some(winner) if winner == user => "won",
                Some(_) => "lost",
                None => "draw",
            }
            .to_owned(),
            outcome: row.outcome,
        })
        .collect();
    let next = if battles.len() as i64 > limit {
        battles.truncate(limit as usize);
        battles.last().map(|b| Cursor {
            at: b.finished_at,
            id: b.battle_id,
        })
    } else {
        None
    };
    Ok((battles, next))
}

/// A player's finished battles by result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub battles: i64,
    pub won: i64,
    pub lost: i64,
    pub drawn: i64,
}

pub async fn totals(pool: &PgPool, user: Uuid) -> Result<Totals, ApiError> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "battles!",
                  count(*) FILTER (WHERE winner_id = $1) AS "won!",
                  count(*) FILTER (WHERE winner_id IS NULL) AS "drawn!"
           FROM battles WHERE (player_a = $1 OR player_b = $1) AND status = $2"#,
        user,
        BattleStatus::Finished.as_str(),
    )
    .fetch_one(pool)
    .await?;
    Ok(Totals {
        battles: row.battles,
        won: row.won,
        lost: row.battles - row.won - row.drawn,
        drawn: row.drawn,
    })
}

/// What a player did in one language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LanguageStats {
    pub language: String,
    pub submissions: i64,
    /// Submissions judged `AC`.
    pub accepted: i64,
    /// Battles the player won by an accepted submission in this language.
    pub battles_won: i64,
}

pub async fn language_stats(pool: &PgPool, user: Uuid) -> Result<Vec<LanguageStats>, ApiError> {
    Ok(sqlx::query_as!(
        LanguageStats,
        r#"SELECT s.language,
                  count(*) AS "submissions!",
                  count(*) FILTER (WHERE s.verdict = $2) AS "accepted!",
                  count(DISTINCT s.battle_id) FILTER (
                      WHERE s.verdict = $2 AND b.winner_id = $1 AND b.outcome = $3
                  ) AS "battles_won!"
           FROM submissions s JOIN battles b ON b.id = s.battle_id
           WHERE s.user_id = $1
           GROUP BY s.language
           ORDER BY s.language"#,
        user,
        Verdict::AC.as_str(),
        Outcome::Accepted.as_str(),
    )
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_write() {
        let cursor = Cursor {
            at: DateTime::from_timestamp_micros(1_733_240_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::parse(&cursor.to_string()).unwrap(), cursor);
        for bad in ["", "1.2", "x.00000000-0000-0000-0000-000000000000", "12345"] {
            assert_eq!(Cursor::parse(bad).unwrap_err().code(), "INVALID_PAYLOAD");
        }
    }
}
