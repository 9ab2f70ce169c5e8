//! Glicko-2 ratings: how one finished battle changes its two players' ratings.
//!
//! [`apply`] runs inside [`super::finish_battle`]'s transaction, so a battle's rating update
//! commits with its ending or not at all, and exactly once: `rating_history` has one row per
//! player per battle, keyed by both. The players' rows are locked in id order before they are
//! read, so two battles of the same player finishing at the same moment are applied one after
//! the other (the second reads what the first wrote), and two finishes can never wait for each
//! other's rows in opposite orders.
//!
//! Each battle is its own rating period (`skillratings::glicko2::glicko2`, tau 0.5). The
//! leaderboard orders by the whole-number `rating`, rounded from `rating_exact`.

use serde::{Deserialize, Serialize};
use skillratings::{
    Outcomes,
    glicko2::{Glicko2Config, Glicko2Rating, glicko2},
};
use sqlx::PgConnection;
use uuid::Uuid;

/// A deviation above this marks a rating as provisional: too few recent battles to trust it.
/// New players start at 350; two or three battles against settled players bring it under the
/// mark. (The same rule as lichess.org's provisional ratings.)
pub const PROVISIONAL_DEVIATION: f64 = 110.0;

/// The rating a new player starts with (`users.rating` default).
pub const INITIAL_RATING: f64 = 1200.0;

/// Whether a rating with this deviation is shown as provisional.
pub fn is_provisional(deviation: f64) -> bool {
    deviation > PROVISIONAL_DEVIATION
}

/// A player's rating before and after one battle, as `battle.finished` carries it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatingChange {
    pub user_id: Uuid,
    /// Whole-number ratings, as players see them.
    pub rating_before: i32,
    pub rating_after: i32,
    pub delta: i32,
    /// Deviations, rounded to one decimal.
    pub deviation_before: f64,
    pub deviation_after: f64,
    /// Whether the rating after the battle is provisional ([`PROVISIONAL_DEVIATION`]).
    pub provisional: bool,
}

/// The battle's result from the point of view of `players[0]`.
fn outcome_for_first(players: [Uuid; 2], winner: Option<Uuid>) -> Outcomes {
    match winner {
        Some(w) if w == players[0] => Outcomes::WIN,
        Some(_) => Outcomes::LOSS,
        None => Outcomes::DRAW,
    }
}

/// The new ratings of two players after one battle between them.
pub fn rate(
    first: Glicko2Rating,
    second: Glicko2Rating,
    outcome: Outcomes,
) -> (Glicko2Rating, Glicko2Rating) {
    glicko2(&first, &second, &outcome, &Glicko2Config::new())
}

/// Whole-number rating shown for an exact one.
pub fn shown(rating: f64) -> i32 {
    rating.round() as i32
}

fn tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Updates both players' ratings for the finished battle `battle_id` (`winner` `None` is a
/// draw), records the change in `rating_history`, and returns it in `players` order. Runs in
/// the caller's transaction.
pub async fn apply(
    conn: &mut PgConnection,
    battle_id: Uuid,
    players: [Uuid; 2],
    winner: Option<Uuid>,
) -> sqlx::Result<[RatingChange; 2]> {
    // Locked in id order: concurrent finishes sharing a player queue here instead of
    // deadlocking, and each reads the rating the previous one committed. `NO KEY UPDATE`, not
    // `UPDATE`: the battle's own update has already taken `KEY SHARE` on the winner's row (the
    // foreign key check), and so may another finish of the same winner; `FOR UPDATE` would
    // wait on those and deadlock.
    let rows = sqlx::query!(
        r#"SELECT id, rating_exact, rating_deviation, rating_volatility
           FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE"#,
        &players[..],
    )
    .fetch_all(&mut *conn)
    .await?;
    let find = |id: Uuid| {
        rows.iter()
            .find(|r| r.id == id)
            .map(|r| Glicko2Rating {
                rating: r.rating_exact,
                deviation: r.rating_deviation,
                volatility: r.rating_volatility,
            })
            .ok_or(sqlx::Error::RowNotFound)
    };
    let before = [find(players[0])?, find(players[1])?];
    let (first, second) = rate(before[0], before[1], outcome_for_first(players, winner));
    let after = [first, second];
    let column = |pick: fn(&Glicko2Rating) -> f64, of: &[Glicko2Rating; 2]| of.map(|r| pick(&r));
    // Both players in one statement: the `rating_counts` trigger then takes its row locks once,
    // in rating order (see the migration).
    sqlx::query!(
        "UPDATE users u SET rating = v.rating, rating_exact = v.exact,
             rating_deviation = v.deviation, rating_volatility = v.volatility,
             rated_battles = u.rated_battles + 1, last_battle_at = now()
         FROM UNNEST($1::uuid[], $2::int4[], $3::float8[], $4::float8[], $5::float8[])
             AS v (id, rating, exact, deviation, volatility)
         WHERE u.id = v.id",
        &players[..],
        &after.map(|r| shown(r.rating))[..],
        &column(|r| r.rating, &after)[..],
        &column(|r| r.deviation, &after)[..],
        &column(|r| r.volatility, &after)[..],
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO rating_history (battle_id, user_id, rating_before, rating_after,
             deviation_before, deviation_after, volatility_before, volatility_after)
         SELECT $1, * FROM UNNEST($2::uuid[], $3::float8[], $4::float8[], $5::float8[],
             $6::float8[], $7::float8[], $8::float8[])",
        battle_id,
        &players[..],
        &column(|r| r.rating, &before)[..],
        &column(|r| r.rating, &after)[..],
        &column(|r| r.deviation, &before)[..],
        &column(|r| r.deviation, &after)[..],
        &column(|r| r.volatility, &before)[..],
        &column(|r| r.volatility, &after)[..],
    )
    .execute(&mut *conn)
    .await?;
    let change = |i: usize| {
        let (b, a) = (before[i], after[i]);
        RatingChange {
            user_id: players[i],
            rating_before: shown(b.rating),
            rating_after: shown(a.rating),
            delta: shown(a.rating) - shown(b.rating),
            deviation_before: tenth(b.deviation),
            deviation_after: tenth(a.deviation),
            provisional: is_provisional(a.deviation),
        }
    };
    Ok([change(0), change(1)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_player() -> Glicko2Rating {
        Glicko2Rating {
            rating: INITIAL_RATING,
            deviation: 350.0,
            volatility: 0.06,
        }
    }

    #[test]
    fn a_win_moves_ratings_apart_and_a_draw_between_equals_does_not() {
        let (w, l) = rate(new_player(), new_player(), Outcomes::WIN);
        assert!(w.rating > INITIAL_RATING + 100.0, "{w:?}");
        assert!(l.rating < INITIAL_RATING - 100.0, "{l:?}");
        assert!((w.rating - INITIAL_RATING + l.rating - INITIAL_RATING).abs() < 1e-6);
        assert!(w.deviation < 350.0 && l.deviation < 350.0);
        let (a, b) = rate(new_player(), new_player(), Outcomes::DRAW);
        assert!((a.rating - INITIAL_RATING).abs() < 1e-6);
        assert!((b.rating - INITIAL_RATING).abs() < 1e-6);
    }

    #[test]
    fn the_outcome_is_seen_from_the_first_player() {
        let [a, b] = [Uuid::from_u128(1), Uuid::from_u128(2)];
        assert_eq!(outcome_for_first([a, b], Some(a)), Outcomes::WIN);
        assert_eq!(outcome_for_first([a, b], Some(b)), Outcomes::LOSS);
        assert_eq!(outcome_for_first([a, b], None), Outcomes::DRAW);
    }

    #[test]
    fn new_players_are_provisional_until_their_deviation_settles() {
        assert!(is_provisional(350.0));
        let mut player = new_player();
        let settled = Glicko2Rating {
            rating: INITIAL_RATING,
            deviation: 60.0,
            volatility: 0.06,
        };
        let mut battles = 0;
        while is_provisional(player.deviation) {
            player = rate(player, settled, Outcomes::DRAW).0;
            battles += 1;
            assert!(battles < 20, "deviation never settles: {player:?}");
        }
        assert!(battles >= 2, "settled after {battles}");
    }
}
