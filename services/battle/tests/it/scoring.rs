//! Battles on scoring problems when time runs out: the higher best score wins, a tie goes to
//! whoever reached it first, and nobody wins without a score; rated once, like any ending.

use std::time::Duration;

use joust_battle::battles;
use joust_common::domain::{BattleStatus, EventKind, Outcome};
use uuid::Uuid;

use crate::{TestApp, spawn_app};

/// A judged submission of `user` with `score` out of 100, made `seconds_ago`.
async fn scored(app: &TestApp, battle: Uuid, user: Uuid, score: f64, seconds_ago: f64) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO submissions (id, battle_id, user_id, language, source, status, verdict,
             score, max_score, created_at)
         VALUES ($1, $2, $3, 'python', 'print(0)', 'judged', 'WA', $4, 100,
                 now() - make_interval(secs => $5))",
    )
    .bind(id)
    .bind(battle)
    .bind(user)
    .bind(score)
    .bind(seconds_ago)
    .execute(&app.stores.pool)
    .await
    .unwrap();
    id
}

/// Waits for the battle to run, lets the test add its submissions, then moves its end into
/// the past and runs the overdue pass; returns `(outcome, winner, submission_id)`.
async fn time_runs_out(
    app: &TestApp,
    battle: Uuid,
) -> (Option<Outcome>, Option<Uuid>, serde_json::Value) {
    sqlx::query("UPDATE battles SET ends_at = now() - interval '1 second' WHERE id = $1")
        .bind(battle)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    // The service's own sweeper may hold the battle's row when this pass comes (the pass then
    // skips it): wait for whichever of the two ends it.
    let mut ended = None;
    for _ in 0..300 {
        battles::finish_overdue(&app.state).await.unwrap();
        let (status, outcome, winner): (BattleStatus, Option<Outcome>, Option<Uuid>) =
            sqlx::query_as("SELECT status, outcome, winner_id FROM battles WHERE id = $1")
                .bind(battle)
                .fetch_one(&app.stores.pool)
                .await
                .unwrap();
        if status == BattleStatus::Finished {
            ended = Some((outcome, winner));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (outcome, winner) = ended.expect("the overdue battle finishes");
    let finished: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT data FROM battle_events WHERE battle_id = $1 AND type = $2")
            .bind(battle)
            .bind(EventKind::BattleFinished.as_str())
            .fetch_all(&app.stores.pool)
            .await
            .unwrap();
    assert_eq!(finished.len(), 1, "the battle ends once");
    (outcome, winner, finished[0]["submission_id"].clone())
}

async fn running_duel(app: &TestApp) -> (Uuid, Uuid, Uuid) {
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battle = app.duel(&ada, &bo).await.battle_id;
    for _ in 0..200 {
        let status: BattleStatus = sqlx::query_scalar("SELECT status FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&app.stores.pool)
            .await
            .unwrap();
        if status == BattleStatus::Running {
            return (ada.id, bo.id, battle);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("battle {battle} never started");
}

async fn rating_changes(app: &TestApp, battle: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM rating_history WHERE battle_id = $1")
        .bind(battle)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_higher_best_score_wins_when_time_runs_out() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bo, battle) = running_duel(&app).await;
    scored(&app, battle, ada, 20.0, 30.0).await;
    let best = scored(&app, battle, ada, 70.0, 20.0).await;
    scored(&app, battle, bo, 50.0, 25.0).await;
    scored(&app, battle, ada, 40.0, 5.0).await;
    let (outcome, winner, submission) = time_runs_out(&app, battle).await;
    assert_eq!((outcome, winner), (Some(Outcome::Score), Some(ada)));
    assert_eq!(submission, best.to_string());
    assert_eq!(
        rating_changes(&app, battle).await,
        2,
        "both players rated once"
    );
}

#[tokio::test]
async fn equal_best_scores_go_to_whoever_reached_it_first() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bo, battle) = running_duel(&app).await;
    scored(&app, battle, ada, 50.0, 10.0).await;
    // 20 + 30 summed in another order is the same score.
    scored(&app, battle, bo, 30.0 + 20.0, 12.0).await;
    let (outcome, winner, _) = time_runs_out(&app, battle).await;
    assert_eq!((outcome, winner), (Some(Outcome::Score), Some(bo)));
}

#[tokio::test]
async fn without_a_score_above_zero_time_is_a_draw() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, _, battle) = running_duel(&app).await;
    scored(&app, battle, ada, 0.0, 10.0).await;
    let (outcome, winner, _) = time_runs_out(&app, battle).await;
    assert_eq!((outcome, winner), (Some(Outcome::Draw), None));
}

/// Appends and publishes `submission.judged` for `user` with `score`, as the judge does.
async fn judged(app: &TestApp, battle: Uuid, user: Uuid, other: Uuid, score: f64) {
    let mut conn = app.stores.pool.acquire().await.unwrap();
    let event = joust_common::domain::events::append(
        &mut conn,
        battle,
        EventKind::SubmissionJudged,
        serde_json::json!({ "submission_id": Uuid::new_v4(), "user_id": user,
                            "verdict": "WA", "passed_tests": 1, "total_tests": 3,
                            "score": score, "max_score": 100.0 }),
    )
    .await
    .unwrap();
    joust_common::battle_events::publish(
        app.state.redis.clone(),
        &app.state.redis_prefix,
        &[user, other],
        &[event],
    )
    .await;
}

#[tokio::test]
async fn the_battle_state_shows_each_players_best_score_live() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bo, battle) = running_duel(&app).await;
    judged(&app, battle, ada, bo, 30.0).await;
    judged(&app, battle, ada, bo, 70.0).await;
    judged(&app, battle, ada, bo, 40.0).await;
    let last_seq: i64 = sqlx::query_scalar("SELECT last_seq FROM battles WHERE id = $1")
        .bind(battle)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    let asker = app.guest("cy").await;
    // The relay folds each published event into the cached snapshot that battle:state reads.
    for _ in 0..200 {
        let state = battles::battle_state(
            app.state.clone(),
            asker.clone(),
            battles::StateQuery { battle_id: battle },
        )
        .await
        .unwrap();
        if state.last_seq >= last_seq {
            let best: Vec<Option<f64>> = state.players.iter().map(|p| p.best_score).collect();
            assert_eq!(best, [Some(70.0), None], "ada's best so far; bo has none");
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the battle state never caught up with event {last_seq}");
}
