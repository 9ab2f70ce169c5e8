//! Glicko-2 ratings: every ending of a battle rates both players once, in the finishing
//! transaction, `battle.finished` carries the changes, and concurrent finishes of one player's
//! battles lose no update.

use std::time::Duration;

use joust_battle::auth::Player;
use joust_common::domain::{
    self, DrawReason, Ending, EventKind, ForfeitReason,
    rating::{self, INITIAL_RATING},
};
use skillratings::{Outcomes, glicko2::Glicko2Rating};
use uuid::Uuid;

use crate::{TestApp, spawn_app};

/// `(rating, rating_exact, deviation, volatility, rated_battles)` of a player.
async fn rating_of(app: &TestApp, user: Uuid) -> (i32, f64, f64, f64, i32) {
    sqlx::query_as(
        "SELECT rating, rating_exact, rating_deviation, rating_volatility, rated_battles
         FROM users WHERE id = $1",
    )
    .bind(user)
    .fetch_one(&app.stores.pool)
    .await
    .unwrap()
}

/// A running battle between `a` and `b`, written directly: the rating rules do not care how
/// players met, and a player may be in several battles only this way.
async fn running_battle(app: &TestApp, a: Uuid, b: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status,
             fencing_token, starts_at, ends_at)
         VALUES ($1, (SELECT id FROM problems LIMIT 1), $2, $3, $4, 'running', 1, now(),
                 now() + interval '10 minutes')",
    )
    .bind(id)
    .bind(a)
    .bind(b)
    .bind(format!("test:{id}"))
    .execute(&app.stores.pool)
    .await
    .unwrap();
    id
}

fn new_player() -> Glicko2Rating {
    Glicko2Rating {
        rating: INITIAL_RATING,
        deviation: 350.0,
        volatility: 0.06,
    }
}

#[tokio::test]
async fn a_resignation_rates_both_players_once_and_the_event_says_how() {
    let app = spawn_app(Duration::from_secs(60)).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let battle = app.duel(&ada, &bo).await;
    app.resign(&ada, battle.battle_id).await.unwrap();
    // Resigning again changes nothing.
    assert!(app.resign(&ada, battle.battle_id).await.is_err());

    let (won, lost) = rating::rate(new_player(), new_player(), Outcomes::WIN);
    let bo_now = rating_of(&app, bo.id).await;
    let ada_now = rating_of(&app, ada.id).await;
    assert!((bo_now.1 - won.rating).abs() < 1e-9, "{bo_now:?}");
    assert!((ada_now.1 - lost.rating).abs() < 1e-9, "{ada_now:?}");
    assert_eq!(bo_now.0, rating::shown(won.rating));
    assert_eq!((ada_now.4, bo_now.4), (1, 1));
    assert_eq!(app.count("rating_history").await, 2);

    let log = app.log(&bo, battle.battle_id).await;
    let finished = log
        .iter()
        .find(|e| e.kind == EventKind::BattleFinished)
        .unwrap();
    let ratings = finished.data["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 2);
    for change in ratings {
        let user = Uuid::parse_str(change["user_id"].as_str().unwrap()).unwrap();
        let (before, after) = (
            change["rating_before"].as_i64().unwrap(),
            change["rating_after"].as_i64().unwrap(),
        );
        assert_eq!(before, 1200);
        assert_eq!(change["delta"].as_i64().unwrap(), after - before);
        assert_eq!(change["provisional"], true);
        if user == bo.id {
            assert!(after > before);
        } else {
            assert_eq!(user, ada.id);
            assert!(after < before);
        }
    }
}

#[tokio::test]
async fn a_draw_is_rated_and_recorded_in_the_history() {
    let app = spawn_app(Duration::from_secs(60)).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    // bo starts above ada: a draw brings them closer.
    sqlx::query(
        "UPDATE users SET rating = 1400, rating_exact = 1400, rating_deviation = 80 WHERE id = $1",
    )
    .bind(bo.id)
    .execute(&app.stores.pool)
    .await
    .unwrap();
    let battle = running_battle(&app, ada.id, bo.id).await;
    let mut tx = app.stores.pool.begin().await.unwrap();
    let ending = Ending::Draw {
        reason: DrawReason::Time,
    };
    let finished = domain::finish_battle(&mut tx, battle, ending)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let [a, b] = finished.ratings;
    assert_eq!((a.user_id, b.user_id), (ada.id, bo.id));
    assert!(a.rating_after > a.rating_before, "{a:?}");
    assert!(b.rating_after < b.rating_before, "{b:?}");
    assert!(!b.provisional && a.provisional);

    let history: Vec<(Uuid, f64, f64)> = sqlx::query_as(
        "SELECT user_id, rating_before, rating_after FROM rating_history
         WHERE battle_id = $1 ORDER BY user_id = $2 DESC",
    )
    .bind(battle)
    .bind(ada.id)
    .fetch_all(&app.stores.pool)
    .await
    .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].0, history[0].1), (ada.id, 1200.0));
    assert_eq!(rating::shown(history[0].2), a.rating_after);
    assert_eq!((history[1].0, history[1].1), (bo.id, 1400.0));
}

/// Finishes `battle` with `loser` forfeiting, in its own transaction.
async fn forfeit(app: &TestApp, battle: Uuid, loser: &Player) {
    let mut tx = app.stores.pool.begin().await.unwrap();
    let ending = Ending::Forfeit {
        loser: loser.id,
        reason: ForfeitReason::Resigned,
    };
    assert!(
        domain::finish_battle(&mut tx, battle, ending)
            .await
            .unwrap()
            .is_some()
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn two_battles_of_one_player_finishing_at_once_lose_no_update() {
    let app = spawn_app(Duration::from_secs(60)).await;
    let [ada, bo, cy] = app.guests(["ada", "bo", "cy"]).await;
    let first = running_battle(&app, ada.id, bo.id).await;
    let second = running_battle(&app, ada.id, cy.id).await;

    // The first finish holds ada's row; the second must wait for it, then read what it wrote.
    let mut tx = app.stores.pool.begin().await.unwrap();
    let ending = Ending::Forfeit {
        loser: bo.id,
        reason: ForfeitReason::Resigned,
    };
    domain::finish_battle(&mut tx, first, ending)
        .await
        .unwrap()
        .unwrap();
    let waiting = {
        let app_pool = app.stores.pool.clone();
        let cy = cy.clone();
        tokio::spawn(async move {
            let mut tx = app_pool.begin().await.unwrap();
            let ending = Ending::Forfeit {
                loser: cy.id,
                reason: ForfeitReason::Resigned,
            };
            let done = domain::finish_battle(&mut tx, second, ending)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            done.unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "the second finish did not wait for ada's row"
    );
    tx.commit().await.unwrap();
    let second_finish = waiting.await.unwrap();

    // ada won both, one after the other.
    let after_first = rating::rate(new_player(), new_player(), Outcomes::WIN).0;
    let after_second = rating::rate(after_first, new_player(), Outcomes::WIN).0;
    let ada_now = rating_of(&app, ada.id).await;
    assert_eq!(ada_now.4, 2);
    assert!(
        (ada_now.1 - after_second.rating).abs() < 1e-9,
        "{ada_now:?}"
    );
    assert_eq!(
        second_finish.ratings[0].rating_before,
        rating::shown(after_first.rating)
    );
}

#[tokio::test]
async fn many_battles_of_one_player_finishing_together_chain_their_ratings() {
    let app = spawn_app(Duration::from_secs(60)).await;
    let ada = app.guest("ada").await;
    let mut opponents = Vec::new();
    let mut battles = Vec::new();
    for i in 0..6 {
        let opponent = app.guest(&format!("opponent-{i}")).await;
        battles.push(running_battle(&app, ada.id, opponent.id).await);
        opponents.push(opponent);
    }
    let finishes = battles
        .iter()
        .zip(&opponents)
        .map(|(battle, opponent)| forfeit(&app, *battle, opponent));
    futures::future::join_all(finishes).await;

    let ada_now = rating_of(&app, ada.id).await;
    assert_eq!(ada_now.4, 6);
    // Each update started from the one before it: the history is one unbroken chain from the
    // initial rating to the current one.
    let history: Vec<(f64, f64)> =
        sqlx::query_as("SELECT rating_before, rating_after FROM rating_history WHERE user_id = $1")
            .bind(ada.id)
            .fetch_all(&app.stores.pool)
            .await
            .unwrap();
    assert_eq!(history.len(), 6);
    let mut current = INITIAL_RATING;
    for _ in 0..6 {
        let step = history
            .iter()
            .find(|(before, _)| (before - current).abs() < 1e-9)
            .unwrap_or_else(|| panic!("no update starts at {current}: {history:?}"));
        assert!(step.1 > step.0);
        current = step.1;
    }
    assert!((current - ada_now.1).abs() < 1e-9);
}
