//! Many players accepting one challenge at once, over three instances of the service sharing
//! PostgreSQL and Redis: the claim in PostgreSQL answers the losers at once.

use std::time::{Duration, Instant};

use joust_battle::{
    auth::Player,
    battles::{self, AcceptChallenge, CreateChallenge},
    error::ApiError,
};
use uuid::Uuid;

use crate::{spawn_app, spawn_instance};

/// `n` players, inserted directly (the HTTP API is not what is tested here).
async fn players(pool: &sqlx::PgPool, n: usize) -> Vec<Player> {
    let mut players = Vec::with_capacity(n);
    for i in 0..n {
        let player = Player {
            id: Uuid::new_v4(),
            name: format!("p{i}"),
        };
        sqlx::query("INSERT INTO users (id, name) VALUES ($1, $2)")
            .bind(player.id)
            .bind(&player.name)
            .execute(pool)
            .await
            .unwrap();
        players.push(player);
    }
    players
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_accepters_over_three_instances_all_learn_the_outcome_promptly() {
    let app = spawn_app(Duration::from_secs(30)).await;
    let instances = [
        app.state.clone(),
        spawn_instance(&app, Duration::from_secs(30)).await,
        spawn_instance(&app, Duration::from_secs(30)).await,
    ];
    let creator = app.guest("ada").await;
    let challenge =
        battles::create_challenge(app.state.clone(), creator, CreateChallenge::default())
            .await
            .unwrap();
    let accepters = players(&app.stores.pool, 100).await;
    // Every instance has its database connections open before the race starts: the bound is
    // about answering, not about connecting.
    for state in &instances {
        let held = futures::future::join_all((0..16).map(|_| state.pool.acquire())).await;
        assert!(held.iter().all(Result::is_ok));
    }
    let attempts = accepters.into_iter().enumerate().map(|(i, player)| {
        let state = instances[i % instances.len()].clone();
        let code = challenge.code.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let result = battles::accept_challenge(state, player, AcceptChallenge { code }).await;
            (result, started.elapsed())
        })
    });
    let results: Vec<_> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let winners = results.iter().filter(|(r, _)| r.is_ok()).count();
    let unavailable = results
        .iter()
        .filter(|(r, _)| matches!(r, Err(ApiError::ChallengeUnavailable)))
        .count();
    let slowest = results.iter().map(|(_, t)| *t).max().unwrap();
    assert_eq!(
        (winners, unavailable),
        (1, 99),
        "{:?}",
        results
            .iter()
            .map(|(r, _)| r.as_ref().err())
            .collect::<Vec<_>>()
    );
    // Refusals do not queue for the battle lock: even on a loaded machine everyone hears well
    // within the lock's TTL (speed itself is measured by `make bench-battle`).
    assert!(slowest < Duration::from_secs(5), "slowest {slowest:?}");
    assert_eq!(app.count("battles").await, 1);
}

#[tokio::test]
async fn a_claim_whose_battle_cannot_be_created_leaves_the_challenge_open() {
    let app = spawn_app(Duration::from_secs(30)).await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let challenge = battles::create_challenge(app.state.clone(), ada, CreateChallenge::default())
        .await
        .unwrap();
    // Someone else holds the pairing's lock: the claimed creation fails.
    let lock = app
        .state
        .locks
        .key(&format!("challenge:{}", challenge.code));
    let mut redis = app.state.redis.clone();
    let _: () = redis::cmd("SET")
        .arg(&lock)
        .arg("someone-else")
        .arg("PX")
        .arg(60_000)
        .query_async(&mut redis)
        .await
        .unwrap();
    let accept = || {
        battles::accept_challenge(
            app.state.clone(),
            bo.clone(),
            AcceptChallenge {
                code: challenge.code.clone(),
            },
        )
    };
    let refused = accept().await;
    assert!(matches!(refused, Err(ApiError::LockBusy)), "{refused:?}");
    let status: String = sqlx::query_scalar("SELECT status FROM challenges WHERE code = $1")
        .bind(&challenge.code)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(status, "open");
    let _: () = redis::cmd("DEL")
        .arg(&lock)
        .query_async(&mut redis)
        .await
        .unwrap();
    accept().await.unwrap();
    assert_eq!(app.count("battles").await, 1);
}
