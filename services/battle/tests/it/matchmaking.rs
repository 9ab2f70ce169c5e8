//! The matchmaking queue: rating windows, language separation, and pairing that takes every
//! player at most once however many join at the same time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use joust_battle::{
    auth::Player,
    error::ApiError,
    matchmaking::{self, Join, Joined, Leave},
    settings::MatchSettings,
};
use uuid::Uuid;

use crate::{TestApp, spawn_app_with};

/// An app whose sweeper does not pair on its own, so that each test decides when windows are
/// looked at again.
async fn app() -> TestApp {
    spawn_app_with(Duration::from_secs(60), |s| {
        s.sweep_interval = Duration::from_secs(3600);
        s.matchmaking = MatchSettings {
            window: 100.0,
            growth_per_sec: 50.0,
            max_window: 1000.0,
            deviation_weight: 0.5,
        };
    })
    .await
}

/// A player with a settled rating (deviation 50: the window grows by 25 points).
async fn rated(app: &TestApp, name: &str, rating: i32) -> Player {
    rated_with(app, name, rating, 50.0).await
}

async fn rated_with(app: &TestApp, name: &str, rating: i32, deviation: f64) -> Player {
    let player = app.guest(name).await;
    sqlx::query(
        "UPDATE users SET rating = $1, rating_exact = $1, rating_deviation = $3 WHERE id = $2",
    )
    .bind(rating)
    .bind(player.id)
    .bind(deviation)
    .execute(&app.stores.pool)
    .await
    .unwrap();
    player
}

async fn join(app: &TestApp, player: &Player, language: &str) -> Result<Joined, ApiError> {
    matchmaking::join(
        app.state.clone(),
        player.clone(),
        Join {
            language: language.into(),
        },
    )
    .await
}

async fn players_of(app: &TestApp, battle_id: Uuid) -> Vec<Uuid> {
    let (a, b): (Uuid, Uuid) =
        sqlx::query_as("SELECT player_a, player_b FROM battles WHERE id = $1")
            .bind(battle_id)
            .fetch_one(&app.stores.pool)
            .await
            .unwrap();
    let mut players = vec![a, b];
    players.sort();
    players
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn players_are_paired_closest_rating_first_within_their_language() {
    let app = app().await;
    let ada = rated(&app, "ada", 1200).await;
    let gil = rated(&app, "gil", 1350).await;
    let dee = rated(&app, "dee", 1280).await;
    let bo = rated(&app, "bo", 1280).await;

    // 150 apart: outside a fresh 100-point window.
    assert_eq!(
        join(&app, &ada, "python").await.unwrap(),
        Joined::Queued { rating: 1200 }
    );
    assert_eq!(
        join(&app, &gil, "python").await.unwrap(),
        Joined::Queued { rating: 1350 }
    );
    // The closest rating of all, but another language.
    assert_eq!(
        join(&app, &dee, "rust").await.unwrap(),
        Joined::Queued { rating: 1280 }
    );
    // Both python players are within bo's window; gil (70 away) is closer than ada (80).
    let Joined::Matched { battle_id, .. } = join(&app, &bo, "python").await.unwrap() else {
        panic!("bo should have been matched");
    };
    assert_eq!(
        players_of(&app, battle_id).await,
        sorted(vec![bo.id, gil.id])
    );
    let created: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM battle_events WHERE battle_id = $1 AND type = 'battle.created'",
    )
    .bind(battle_id)
    .fetch_one(&app.stores.pool)
    .await
    .unwrap();
    assert_eq!(created, 1);

    // A player in a battle, or already waiting, cannot join again.
    assert!(matches!(
        join(&app, &bo, "python").await,
        Err(ApiError::AlreadyInBattle)
    ));
    assert!(matches!(
        join(&app, &dee, "rust").await,
        Err(ApiError::AlreadyQueued)
    ));
    assert!(matches!(
        join(&app, &dee, "cobol").await,
        Err(ApiError::InvalidPayload(_))
    ));
    let battles = app.count("battles").await;
    assert_eq!(battles, 1);
}

#[tokio::test]
async fn the_window_widens_with_waiting_time() {
    let app = app().await;
    let ada = rated(&app, "ada", 1200).await;
    let cy = rated(&app, "cy", 1450).await;
    let dee = rated(&app, "dee", 1210).await;
    let joined_at = now_ms();
    join(&app, &ada, "python").await.unwrap();
    join(&app, &cy, "python").await.unwrap();
    join(&app, &dee, "cpp").await.unwrap();

    // 250 apart: the windows are about 100 now, and 100 + 50 * 4 = 300 after four seconds.
    assert_eq!(
        matchmaking::pair_waiting(&app.state, joined_at)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        matchmaking::pair_waiting(&app.state, joined_at + 4_000)
            .await
            .unwrap(),
        1
    );
    let (battle_id,): (Uuid,) = sqlx::query_as("SELECT id FROM battles")
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(
        players_of(&app, battle_id).await,
        sorted(vec![ada.id, cy.id])
    );

    // dee plays cpp and has nobody, however long the wait.
    assert_eq!(
        matchmaking::pair_waiting(&app.state, joined_at + 3_600_000)
            .await
            .unwrap(),
        0
    );
    matchmaking::leave(app.state.clone(), dee.clone(), Leave {})
        .await
        .unwrap();
    assert!(matches!(
        matchmaking::leave(app.state.clone(), dee.clone(), Leave {}).await,
        Err(ApiError::NotQueued)
    ));
    // Leaving really left: a new cpp player finds nobody.
    let eve = rated(&app, "eve", 1210).await;
    assert_eq!(
        join(&app, &eve, "cpp").await.unwrap(),
        Joined::Queued { rating: 1210 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_joins_pair_every_player_exactly_once() {
    let app = app().await;
    let mut players = Vec::new();
    for i in 0..20 {
        players.push(rated(&app, &format!("p{i}"), 1500).await);
    }
    let joins = players.iter().map(|p| {
        let (state, player) = (app.state.clone(), p.clone());
        tokio::spawn(async move {
            matchmaking::join(
                state,
                player,
                Join {
                    language: "python".into(),
                },
            )
            .await
        })
    });
    let results: Vec<Joined> = futures::future::join_all(joins)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();
    let matched = results
        .iter()
        .filter(|r| matches!(r, Joined::Matched { .. }))
        .count();
    assert_eq!(matched, 10, "{results:?}");

    // Ten battles, and every player is in exactly one of them.
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as("SELECT player_a, player_b FROM battles")
        .fetch_all(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 10);
    let seated = sorted(rows.iter().flat_map(|(a, b)| [*a, *b]).collect());
    assert_eq!(seated, sorted(players.iter().map(|p| p.id).collect()));
    let mut redis = app.state.redis.clone();
    let waiting: i64 = redis::cmd("HLEN")
        .arg(matchmaking::entries_key(&app.state.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(waiting, 0);
}

#[tokio::test]
async fn uncertain_ratings_are_paired_further_apart_than_settled_ones() {
    let app = app().await;
    // 200 apart and settled: 100 + 0.5 * 50 = 125 is too narrow.
    let ada = rated(&app, "ada", 1200).await;
    let bo = rated(&app, "bo", 1400).await;
    join(&app, &ada, "python").await.unwrap();
    assert_eq!(
        join(&app, &bo, "python").await.unwrap(),
        Joined::Queued { rating: 1400 }
    );
    // 200 apart with a new player's deviation: 100 + 0.5 * 350 = 275 fits at once, and the
    // larger deviation of the pair counts whoever asks.
    let cy = rated_with(&app, "cy", 1200, 350.0).await;
    let dee = rated(&app, "dee", 1000).await;
    join(&app, &cy, "cpp").await.unwrap();
    let Joined::Matched { battle_id, .. } = join(&app, &dee, "cpp").await.unwrap() else {
        panic!("dee should have been paired with cy");
    };
    assert_eq!(
        players_of(&app, battle_id).await,
        sorted(vec![cy.id, dee.id])
    );
    // The settled pair still waits.
    assert_eq!(
        matchmaking::pair_waiting(&app.state, now_ms())
            .await
            .unwrap(),
        0
    );
}
