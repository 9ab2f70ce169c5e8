//! Which problem a matchmade battle is played on: the one whose difficulty (`problems.rating`,
//! from the package's `rating` key) is nearest the middle of the two players' ratings, among
//! the problems neither player had in their last [`RECENT_BATTLES`] battles; when every
//! problem is recent, the nearest of all. Ties are broken at random.

use sqlx::PgPool;
use uuid::Uuid;

/// How many of each player's latest battles make their problems "recent".
pub const RECENT_BATTLES: i64 = 10;

/// The problem for a battle between `players`; `None` only when there is no problem at all.
/// Used by the battle service's matchmaking.
pub async fn choose_problem(pool: &PgPool, players: [Uuid; 2]) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        r#"WITH target AS (
               SELECT coalesce(avg(rating), 1500)::float8 AS rating FROM users WHERE id = ANY($1)
           ),
           recent AS (
               SELECT r.problem_id
               FROM unnest($1::uuid[]) AS player(id)
               CROSS JOIN LATERAL (
                   SELECT problem_id, created_at FROM battles WHERE player_a = player.id
                   UNION ALL
                   SELECT problem_id, created_at FROM battles WHERE player_b = player.id
                   ORDER BY created_at DESC LIMIT $2
               ) r
           )
           SELECT p.id
           FROM problems p, target t
           ORDER BY p.id IN (SELECT problem_id FROM recent), abs(p.rating - t.rating), random()
           LIMIT 1"#,
        &players[..],
        RECENT_BATTLES,
    )
    .fetch_optional(pool)
    .await
}
