//! Challenge expiry and the open-challenge cap (the event rate limits are driven through real
//! sockets in `services/e2e/abuse/floods.test.mjs`).

use std::time::Duration;

use joust_battle::{
    battles::{self, AcceptChallenge, CreateChallenge},
    error::ApiError,
    sweeper,
};

use crate::spawn_app_with;

#[tokio::test]
async fn a_player_has_at_most_the_cap_of_open_challenges_even_in_a_burst() {
    let app = spawn_app_with(Duration::from_secs(1), |s| s.max_open_challenges = 3).await;
    let ada = app.guest("ada").await;
    let attempts = (0..40).map(|_| {
        battles::create_challenge(app.state.clone(), ada.clone(), CreateChallenge::default())
    });
    let results = futures::future::join_all(attempts).await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(created, 3);
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, ApiError::TooManyChallenges)),
    );
    assert_eq!(app.count("challenges").await, 3);
}

#[tokio::test]
async fn challenges_expire_and_expired_ones_cannot_be_accepted() {
    let ttl = Duration::from_secs(120);
    let app = spawn_app_with(Duration::from_secs(1), |s| {
        s.challenge_ttl = ttl;
        s.max_open_challenges = 1;
    })
    .await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let created =
        battles::create_challenge(app.state.clone(), ada.clone(), CreateChallenge::default())
            .await
            .unwrap();
    let left = created.expires_at - chrono::Utc::now();
    assert!(
        left <= chrono::Duration::from_std(ttl).unwrap() && left > chrono::Duration::seconds(100),
        "{left}"
    );
    // Time passes: the challenge is past its expiry (the database's clock decides).
    sqlx::query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE code = $1")
        .bind(&created.code)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    let accept = || {
        battles::accept_challenge(
            app.state.clone(),
            bo.clone(),
            AcceptChallenge {
                code: created.code.clone(),
            },
        )
    };
    assert!(matches!(accept().await, Err(ApiError::ChallengeExpired)));
    // Also while the sweeper holds the row to expire it: the code is expired, not taken.
    let mut sweeper_tx = app.stores.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM challenges WHERE code = $1 FOR UPDATE")
        .bind(&created.code)
        .execute(&mut *sweeper_tx)
        .await
        .unwrap();
    assert!(matches!(accept().await, Err(ApiError::ChallengeExpired)));
    sweeper_tx.rollback().await.unwrap();
    // An expired challenge no longer counts against the cap.
    battles::create_challenge(app.state.clone(), ada.clone(), CreateChallenge::default())
        .await
        .unwrap();
    sweeper::sweep_once(&app.state, &app.io).await;
    let status: String = sqlx::query_scalar("SELECT status FROM challenges WHERE code = $1")
        .bind(&created.code)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(status, "expired");
    assert!(matches!(accept().await, Err(ApiError::ChallengeExpired)));
    assert_eq!(app.count("battles").await, 0);
}

#[tokio::test]
async fn an_exhausted_database_pool_answers_busy_not_internal() {
    let app = crate::spawn_app(Duration::from_secs(1)).await;
    let ada = app.guest("ada").await;
    // Every connection of the service's pool is taken (the pool holds 16).
    let mut held = Vec::new();
    while let Ok(Ok(conn)) =
        tokio::time::timeout(Duration::from_millis(500), app.state.pool.acquire()).await
    {
        held.push(conn);
    }
    assert!(held.len() >= 16, "{} connections", held.len());
    let e = battles::create_challenge(app.state.clone(), ada, CreateChallenge::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "BUSY");
    assert!(e.retry_after_ms().is_some_and(|ms| ms >= 1));
}
