//! The leaderboard: rated players (at least one finished battle) by rating, best first, ties by
//! id descending.
//!
//! Pages are keyset-paginated on `(rating, id)` (`users_leaderboard` index, read backwards), so
//! a page costs the same at any depth. A player's rank is one plus the number of rated players
//! ahead of them: those rated higher, summed from `rating_counts` (players per rating, kept by
//! a trigger), and those of the same rating with a greater id, counted on the index. Counting
//! everyone ahead on the index alone reads up to the whole index (hundreds of milliseconds at
//! a million players; see `docs/benchmarks.md`). The `active` filter keeps players whose last battle
//! finished in the last 30 days; `last_battle_at` is in the index, so it filters without
//! reading the table. The HTTP handlers are in `http`; the live top 100 in `live`.
//!
//! Not here: profiles and rating history (the profile pages), the rating rules
//! (`joust_common::domain::rating`).

pub mod http;
pub mod live;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use joust_common::domain::rating::is_provisional;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// How many players a page holds unless the client asks for fewer.
pub const DEFAULT_LIMIT: i64 = 50;
/// The most players one page may hold.
pub const MAX_LIMIT: i64 = 100;
/// How many players the live leaderboard pushes.
pub const TOP: i64 = 100;

/// One player on the leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub user_id: Uuid,
    pub name: String,
    pub rating: i32,
    /// The Glicko-2 deviation, rounded to one decimal.
    pub deviation: f64,
    /// Whether the rating is provisional (deviation above 110).
    pub provisional: bool,
    pub rated_battles: i32,
    pub last_battle_at: Option<DateTime<Utc>>,
}

/// Where a page starts: after the player with this rating and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub rating: i32,
    pub id: Uuid,
}

impl Cursor {
    /// The opaque form clients pass back as `after`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.rating, self.id))
    }

    /// Reads a cursor this service encoded; `None` for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        if text.len() > 64 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let (rating, id) = text.split_once(':')?;
        Some(Cursor {
            rating: rating.parse().ok()?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

/// Which players a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    /// Players with a battle finished in the last 30 days.
    Active30d,
}

struct Row {
    id: Uuid,
    name: String,
    rating: i32,
    rating_deviation: f64,
    rated_battles: i32,
    last_battle_at: Option<DateTime<Utc>>,
}

impl From<Row> for Standing {
    fn from(r: Row) -> Self {
        Standing {
            user_id: r.id,
            name: r.name,
            rating: r.rating,
            deviation: (r.rating_deviation * 10.0).round() / 10.0,
            provisional: is_provisional(r.rating_deviation),
            rated_battles: r.rated_battles,
            last_battle_at: r.last_battle_at,
        }
    }
}

/// Up to `limit` players after `after` (from the top when `None`), best first.
pub async fn page(
    pool: &PgPool,
    after: Option<Cursor>,
    limit: i64,
    filter: Filter,
) -> sqlx::Result<Vec<Standing>> {
    // Without a cursor the page starts above every possible key.
    let (rating, id) = after.map_or((i32::MAX, Uuid::max()), |c| (c.rating, c.id));
    let active_since = match filter {
        Filter::All => None,
        Filter::Active30d => Some(Utc::now() - chrono::Duration::days(30)),
    };
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT id, name, rating, rating_deviation, rated_battles, last_battle_at
           FROM users
           WHERE rated_battles > 0 AND (rating, id) < ($1, $2)
             AND ($4::timestamptz IS NULL OR last_battle_at > $4)
           ORDER BY rating DESC, id DESC
           LIMIT $3"#,
        rating,
        id,
        limit,
        active_since,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Standing::from).collect())
}

/// The top [`TOP`] players.
pub async fn top(pool: &PgPool) -> sqlx::Result<Vec<Standing>> {
    page(pool, None, TOP, Filter::All).await
}

/// A player's standing and rank (`None` until their first rated battle); `None` for an unknown
/// player. One statement, so one round trip: on a busy host each round trip waits to be
/// scheduled, and that wait, not PostgreSQL's work, is most of a rank's latency.
pub async fn rank(pool: &PgPool, user: Uuid) -> sqlx::Result<Option<(Standing, Option<i64>)>> {
    // Everyone rated higher, from the per-rating counts, plus those of the same rating ahead
    // on id, from the index.
    let found = sqlx::query!(
        r#"SELECT u.id, u.name, u.rating, u.rating_deviation, u.rated_battles, u.last_battle_at,
                  CASE WHEN u.rated_battles > 0 THEN
                      1 + (SELECT coalesce(sum(c.players), 0) FROM rating_counts c
                           WHERE c.rating > u.rating)::int8
                        + (SELECT count(*) FROM users o
                           WHERE o.rated_battles > 0 AND o.rating = u.rating AND o.id > u.id)
                  END AS "rank?: i64"
           FROM users u WHERE u.id = $1"#,
        user,
    )
    .fetch_optional(pool)
    .await?;
    Ok(found.map(|r| {
        let rank = r.rank;
        let row = Row {
            id: r.id,
            name: r.name,
            rating: r.rating,
            rating_deviation: r.rating_deviation,
            rated_battles: r.rated_battles,
            last_battle_at: r.last_battle_at,
        };
        (Standing::from(row), rank)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let cursor = Cursor {
            rating: 1834,
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "!!!", "MTIzNA", &"A".repeat(100), "eHh4Onl5eQ"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
