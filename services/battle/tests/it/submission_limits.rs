//! What a submit is refused for inside its own transaction: the battle's time being up, and the
//! player's cap of unjudged submissions.

use std::time::Duration;

use joust_battle::{
    auth::Player,
    battles::{self, Submit},
    error::ApiError,
};
use uuid::Uuid;

use crate::{TestApp, spawn_app_with};

fn submit(battle_id: Uuid, key: Option<&str>) -> Submit {
    Submit {
        battle_id,
        language: "python".into(),
        source: "print(sum(map(int, input().split())))".into(),
        idempotency_key: key.map(str::to_owned),
    }
}

/// A running battle between two new guests; the sweeper is kept out of the way, so that a
/// battle past its end stays running, as it does while a submission made in time is judged.
async fn running_battle(max_pending: u32) -> (TestApp, Player, Player, Uuid) {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.sweep_interval = Duration::from_secs(3600);
        s.max_pending_submissions = max_pending;
    })
    .await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battle = app.duel(&ada, &bo).await.battle_id;
    battles::start_if_due(&app.state, battle).await.unwrap();
    (app, ada, bo, battle)
}

async fn set_ends_at(app: &TestApp, battle: Uuid, offset_ms: i64) {
    sqlx::query("UPDATE battles SET ends_at = now() + make_interval(secs => $2::float8 / 1000) WHERE id = $1")
        .bind(battle)
        .bind(offset_ms as f64)
        .execute(&app.stores.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_submit_after_the_end_is_refused_and_not_recorded() {
    let (app, ada, _bo, battle) = running_battle(2).await;
    set_ends_at(&app, battle, -15_000).await;
    let late = battles::submit(app.state.clone(), ada.clone(), submit(battle, None)).await;
    assert!(matches!(late, Err(ApiError::BattleOver)), "{late:?}");
    assert_eq!(app.count("submissions").await, 0);
    let received = app
        .log(&ada, battle)
        .await
        .into_iter()
        .filter(|e| e.kind.as_str() == "submission.received")
        .count();
    assert_eq!(received, 0);
    let text = app.metrics_text().await;
    assert!(
        text.contains(r#"submissions_refused_total{code="BATTLE_OVER"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn a_player_has_at_most_the_cap_of_unjudged_submissions() {
    let (app, ada, bo, battle) = running_battle(2).await;
    let first = battles::submit(app.state.clone(), ada.clone(), submit(battle, Some("k1")))
        .await
        .unwrap();
    battles::submit(app.state.clone(), ada.clone(), submit(battle, Some("k2")))
        .await
        .unwrap();
    let third = battles::submit(app.state.clone(), ada.clone(), submit(battle, Some("k3"))).await;
    assert!(
        matches!(third, Err(ApiError::TooManyPending(2))),
        "{third:?}"
    );
    // A retry of a stored submission is still answered with it.
    let again = battles::submit(app.state.clone(), ada.clone(), submit(battle, Some("k1")))
        .await
        .unwrap();
    assert_eq!(again.submission_id, first.submission_id);
    // The cap is the player's own: the opponent is not held back.
    battles::submit(app.state.clone(), bo, submit(battle, None))
        .await
        .unwrap();
    // Once one has its verdict, the player may submit again.
    sqlx::query("UPDATE submissions SET status = 'judged', verdict = 'WA' WHERE id = $1")
        .bind(first.submission_id)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    battles::submit(app.state.clone(), ada, submit(battle, Some("k3")))
        .await
        .unwrap();
    assert_eq!(app.count("submissions").await, 4);
}

#[tokio::test]
async fn racing_submits_at_the_end_are_recorded_only_before_it() {
    let (app, ada, bo, battle) = running_battle(1_000).await;
    set_ends_at(&app, battle, 300).await;
    // Both players submit as fast as they can across the end, several at once.
    let racers = (0..8).map(|i| {
        let state = app.state.clone();
        let player = if i % 2 == 0 { ada.clone() } else { bo.clone() };
        tokio::spawn(async move {
            let (mut accepted, mut refused) = (0, 0);
            loop {
                match battles::submit(state.clone(), player.clone(), submit(battle, None)).await {
                    Ok(_) => accepted += 1,
                    Err(ApiError::BattleOver) => {
                        refused += 1;
                        if refused == 3 {
                            return (accepted, refused);
                        }
                    }
                    Err(e) => panic!("unexpected refusal {e:?}"),
                }
            }
        })
    });
    let (mut accepted, mut refused) = (0, 0);
    for racer in futures::future::join_all(racers).await {
        let (a, r) = racer.unwrap();
        accepted += a;
        refused += r;
    }
    assert!(accepted > 0 && refused == 24, "{accepted} accepted");
    assert_eq!(app.count("submissions").await, accepted);
    let late: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM submissions s JOIN battles b ON b.id = s.battle_id
         WHERE s.created_at >= b.ends_at",
    )
    .fetch_one(&app.stores.pool)
    .await
    .unwrap();
    assert_eq!(late, 0);
}
