//! Judging and verdict application.

use std::time::Duration;

use futures::StreamExt as _;
use joust_common::{
    battle_events,
    domain::{self, BattleStatus},
    execution::{ExecutionResponse, Verdict},
    testing::TestStores,
};

use crate::support::*;

#[tokio::test]
async fn judges_queued_submissions_and_the_first_accepted_wins() {
    let (_executor, port, stores, (a, b, battle)) = executor_and_battle().await;

    let mut pubsub = subscribe(&stores, &[battle_events::channel(&stores.redis_prefix)]).await;

    let judge = spawn_judge(judge_settings(
        &stores,
        &[format!("http://127.0.0.1:{port}")],
    ))
    .await;
    let wrong = queue_submission(&stores, battle, a, "python", "print(1)").await;
    assert_eq!(wait_for_verdict(&stores.pool, wrong).await, "WA");
    let right = queue_submission(&stores, battle, b, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, right).await, "AC");
    let late = queue_submission(&stores, battle, a, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, late).await, "AC");

    let (status, winner): (BattleStatus, Option<uuid::Uuid>) =
        sqlx::query_as("SELECT status, winner_id FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    assert_eq!(
        (status, winner),
        (BattleStatus::Finished, Some(b)),
        "the first accepted wins, a later one does not"
    );

    let mut conn = stores.pool.acquire().await.unwrap();
    let events = domain::events::since(&mut conn, battle, 0).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "submission.judged",
            "submission.judged",
            "battle.finished",
            "submission.judged"
        ]
    );
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    drop(conn);

    let mut messages = pubsub.on_message();
    let first = tokio::time::timeout(Duration::from_secs(5), messages.next())
        .await
        .unwrap()
        .unwrap();
    let published: battle_events::PublishedEvent =
        serde_json::from_str(&first.get_payload::<String>().unwrap()).unwrap();
    assert_eq!(published.event, events[0]);
    assert_eq!(published.players, vec![a, b]);

    let metrics = judge.metrics().await;
    assert!(
        metrics.contains(r#"judge_attempts_total{outcome="judged"} 3"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"judge_duration_seconds_count{verdict="AC"} 2"#),
        "{metrics}"
    );
    // The queue is sampled every second.
    eventually(Duration::from_secs(5), "an empty queue", || async {
        judge.metrics().await.contains("queue_depth 0")
    })
    .await;
    judge.stop().await;
}

#[tokio::test]
async fn applying_a_verdict_twice_changes_nothing_the_second_time() {
    let stores = TestStores::new().await;
    let (a, _b, battle) = running_battle(&stores.pool).await;
    let id = queue_submission(&stores, battle, a, "c", SUM_C).await;
    let submission = joust_judge::load_submission(&stores.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        submission.request.tests.len(),
        5,
        "every hidden test of the problem"
    );
    let response = ExecutionResponse {
        verdict: Verdict::AC,
        compile_output: None,
        validator_error: None,
        tests: vec![],
    };
    let first = joust_judge::apply_verdict(&stores.pool, &submission, &response)
        .await
        .unwrap();
    assert_eq!(first.len(), 2, "judged and finished");
    let second = joust_judge::apply_verdict(&stores.pool, &submission, &response)
        .await
        .unwrap();
    assert!(second.is_empty());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE battle_id = $1")
        .bind(battle)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn queue_metrics_report_depth_and_the_age_of_the_oldest_submission() {
    let stores = TestStores::new().await;
    let (a, _b, battle) = running_battle(&stores.pool).await;
    // No executor answers: submissions wait.
    let judge = spawn_judge(judge_settings(
        &stores,
        &[format!("http://127.0.0.1:{}", free_port())],
    ))
    .await;
    for _ in 0..3 {
        queue_submission(&stores, battle, a, "c", SUM_C).await;
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    eventually(Duration::from_secs(10), "queue metrics", || async {
        let metrics = judge.metrics().await;
        let lag: f64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix("queue_lag_seconds "))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        metrics.contains("queue_depth 3") && lag >= 1.0
    })
    .await;
    judge.stop().await;
}

async fn apply(stores: &TestStores, submission: uuid::Uuid, verdict: Verdict) -> Vec<String> {
    let loaded = joust_judge::load_submission(&stores.pool, submission)
        .await
        .unwrap()
        .unwrap();
    let response = ExecutionResponse {
        verdict,
        compile_output: None,
        validator_error: None,
        tests: vec![],
    };
    joust_judge::apply_verdict(&stores.pool, &loaded, &response)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind.as_str().to_owned())
        .collect()
}

async fn winner(stores: &TestStores, battle: uuid::Uuid) -> Option<uuid::Uuid> {
    sqlx::query_scalar("SELECT winner_id FROM battles WHERE id = $1")
        .bind(battle)
        .fetch_one(&stores.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_first_submitted_accepted_answer_wins_even_when_judged_later() {
    let stores = TestStores::new().await;
    let (a, b, battle) = running_battle(&stores.pool).await;
    let early = queue_submission(&stores, battle, a, "c", SUM_C).await;
    let late = queue_submission(&stores, battle, b, "c", SUM_C).await;

    // The later submission is judged first: the earlier one may still win, so nobody wins yet.
    assert_eq!(
        apply(&stores, late, Verdict::AC).await,
        ["submission.judged"]
    );
    assert_eq!(winner(&stores, battle).await, None);
    assert_eq!(
        apply(&stores, early, Verdict::AC).await,
        ["submission.judged", "battle.finished"]
    );
    assert_eq!(winner(&stores, battle).await, Some(a));
}

#[tokio::test]
async fn a_later_accepted_answer_wins_once_the_earlier_one_fails() {
    let stores = TestStores::new().await;
    let (a, b, battle) = running_battle(&stores.pool).await;
    let early = queue_submission(&stores, battle, a, "c", WRONG_C).await;
    let late = queue_submission(&stores, battle, b, "c", SUM_C).await;
    assert_eq!(
        apply(&stores, late, Verdict::AC).await,
        ["submission.judged"]
    );
    assert_eq!(
        apply(&stores, early, Verdict::WA).await,
        ["submission.judged", "battle.finished"]
    );
    assert_eq!(winner(&stores, battle).await, Some(b));
}

#[tokio::test]
async fn simultaneous_accepted_answers_go_to_the_player_with_fewer_wrong_attempts() {
    let stores = TestStores::new().await;
    let (a, b, battle) = running_battle(&stores.pool).await;
    let wrong = queue_submission(&stores, battle, a, "c", WRONG_C).await;
    apply(&stores, wrong, Verdict::WA).await;
    let from_a = queue_submission(&stores, battle, a, "c", SUM_C).await;
    let from_b = queue_submission(&stores, battle, b, "c", SUM_C).await;
    // Both made at the same instant.
    sqlx::query("UPDATE submissions SET created_at = (SELECT created_at FROM submissions WHERE id = $1) WHERE id = $2")
        .bind(from_a)
        .bind(from_b)
        .execute(&stores.pool)
        .await
        .unwrap();
    apply(&stores, from_a, Verdict::AC).await;
    apply(&stores, from_b, Verdict::AC).await;
    assert_eq!(winner(&stores, battle).await, Some(b));
}
