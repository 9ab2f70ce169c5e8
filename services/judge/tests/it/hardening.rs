//! What one player can do to everybody else's judging: a program that keeps timing out, a flood
//! that saturates the executor, a long backlog; and what the judge tells whom.

use std::{sync::atomic::Ordering, time::Duration};

use futures::StreamExt;
use joust_common::testing::TestStores;
use uuid::Uuid;

use crate::support::*;

const SLOW_C: &str = "/* SLOW */\n#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);}";
const BROKEN_C: &str = "int main(void) { return secret_helper_name(; }";

async fn ends_at(stores: &TestStores, battle: Uuid) -> chrono::DateTime<chrono::Utc> {
    sqlx::query_scalar("SELECT ends_at FROM battles WHERE id = $1")
        .bind(battle)
        .fetch_one(&stores.pool)
        .await
        .unwrap()
}

async fn count_events(stores: &TestStores, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE type = $1")
        .bind(kind)
        .fetch_one(&stores.pool)
        .await
        .unwrap()
}

async fn stream_len(stores: &TestStores) -> i64 {
    let mut redis = redis_connection(stores).await;
    redis::cmd("XLEN")
        .arg(joust_common::queue::submissions_stream(
            &stores.redis_prefix,
        ))
        .query_async(&mut redis)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_submission_that_keeps_timing_out_gets_tle_without_opening_the_breaker() {
    let (_executor, proxy, stores, (a, b, battle)) = proxied_battle().await;
    proxy.slow_ms.store(60_000, Ordering::SeqCst);
    let before = ends_at(&stores, battle).await;
    let mut settings = judge_settings(&stores, std::slice::from_ref(&proxy.url));
    settings.executor_timeout = Duration::from_millis(1_000);
    settings.breaker_failures = 1;
    settings.concurrency = 2;
    let judge = spawn_judge(settings).await;
    let slow = queue_submission(&stores, battle, a, "c", SLOW_C).await;
    let fine = queue_submission(&stores, battle, b, "c", WRONG_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, fine).await, "WA");
    assert_eq!(wait_for_verdict(&stores.pool, slow).await, "TLE");

    let metrics = judge.metrics().await;
    assert!(
        metrics.contains("judge_submission_timeouts_total 2"),
        "{metrics}"
    );
    assert!(
        !metrics.contains(r#"to="open""#),
        "a timeout never opens a breaker: {metrics}"
    );
    assert!(
        metrics.contains(r#"judge_attempts_total{outcome="dead_lettered"} 1"#),
        "{metrics}"
    );
    let mut redis = redis_connection(&stores).await;
    let parked: Vec<(String, Vec<(String, String)>)> = redis::cmd("XRANGE")
        .arg(format!("{}judge:dead-letter", stores.redis_prefix))
        .arg("-")
        .arg("+")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(parked.len(), 1);
    assert!(
        parked[0]
            .1
            .contains(&("submission_id".into(), slow.to_string()))
    );
    assert_eq!(
        count_events(&stores, "judging.delayed").await,
        0,
        "not an outage"
    );
    assert_eq!(
        ends_at(&stores, battle).await,
        before,
        "the battle is not extended"
    );
    judge.stop().await;
}

#[tokio::test]
async fn executor_backpressure_is_retried_without_extending_the_battle() {
    let (_executor, proxy, stores, (a, _b, battle)) = proxied_battle().await;
    proxy.busy.store(6, Ordering::SeqCst);
    let before = ends_at(&stores, battle).await;
    let mut settings = judge_settings(&stores, std::slice::from_ref(&proxy.url));
    settings.retry_delay = Duration::from_millis(50);
    settings.backpressure_max_delay = Duration::from_millis(400);
    settings.breaker_failures = 1;
    let judge = spawn_judge(settings).await;
    let id = queue_submission(&stores, battle, a, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, id).await, "AC");

    let metrics = judge.metrics().await;
    assert!(
        metrics.contains(r#"judge_attempts_total{outcome="backpressure"} 6"#),
        "{metrics}"
    );
    assert!(
        !metrics.contains(r#"to="open""#),
        "429 never opens a breaker: {metrics}"
    );
    assert_eq!(count_events(&stores, "judging.delayed").await, 0);
    assert_eq!(count_events(&stores, "battle.extended").await, 0);
    assert_eq!(
        ends_at(&stores, battle).await,
        before,
        "the battle is not extended"
    );
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM submissions WHERE id = $1")
        .bind(id)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 1, "saturation costs the submission no attempts");
    let sent = proxy.authorization.lock().unwrap().clone();
    assert_eq!(sent, Some(format!("Bearer {}", executor_token())));
    judge.stop().await;
}

#[tokio::test]
async fn one_users_backlog_delays_another_user_by_at_most_one_judging() {
    let (_executor, proxy, stores, (a, b, battle)) = proxied_battle().await;
    proxy.slow_ms.store(600, Ordering::SeqCst);
    let mut settings = judge_settings(&stores, std::slice::from_ref(&proxy.url));
    settings.concurrency = 1;
    let judge = spawn_judge(settings).await;
    let mut backlog = Vec::new();
    for _ in 0..6 {
        backlog.push(queue_submission(&stores, battle, a, "c", SLOW_C).await);
    }
    let other = queue_submission(&stores, battle, b, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, other).await, "AC");
    // Entries are deleted only once judged: whatever is not judged yet is still on the stream.
    let length = stream_len(&stores).await;
    let judged_before: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM submissions WHERE user_id = $1 AND judged_at <= (SELECT judged_at FROM submissions WHERE id = $2)",
    )
    .bind(a)
    .bind(other)
    .fetch_one(&stores.pool)
    .await
    .unwrap();
    assert!(
        judged_before <= 1,
        "{judged_before} of the backlog were judged first"
    );
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions WHERE verdict IS NULL")
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert!(
        waiting >= 4 && length >= waiting,
        "{waiting} waiting, {length} on the stream"
    );

    for id in &backlog {
        assert_eq!(wait_for_verdict(&stores.pool, *id).await, "AC");
    }
    eventually(
        Duration::from_secs(5),
        "the stream to be trimmed",
        || async { stream_len(&stores).await == 0 },
    )
    .await;
    let metrics = judge.metrics().await;
    assert!(
        metrics.contains("queue_entries_trimmed_total 7"),
        "{metrics}"
    );
    judge.stop().await;
}

#[tokio::test]
async fn compiler_output_goes_to_the_submitter_only() {
    let (_executor, port, stores, (a, _b, battle)) = executor_and_battle().await;
    let public = joust_common::battle_events::channel(&stores.redis_prefix);
    let private = joust_common::battle_events::private_channel(&stores.redis_prefix);
    let mut pubsub = subscribe(&stores, &[public, private.clone()]).await;
    let target = format!("http://127.0.0.1:{port}");
    let judge = spawn_judge(judge_settings(&stores, std::slice::from_ref(&target))).await;
    let id = queue_submission(&stores, battle, a, "c", BROKEN_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, id).await, "CE");

    let mut messages = pubsub.on_message();
    let (mut verdict, mut output) = (None, None);
    while verdict.is_none() || output.is_none() {
        let message = tokio::time::timeout(Duration::from_secs(10), messages.next())
            .await
            .expect("both messages arrive")
            .unwrap();
        let payload: serde_json::Value =
            serde_json::from_str(&message.get_payload::<String>().unwrap()).unwrap();
        if message.get_channel_name() == private {
            output = Some(payload);
        } else if payload["event"]["type"] == "submission.judged" {
            verdict = Some(payload);
        }
    }
    let (verdict, output) = (verdict.unwrap(), output.unwrap());
    assert_eq!(verdict["event"]["data"]["verdict"], "CE");
    assert!(
        !verdict.to_string().contains("secret_helper_name"),
        "{verdict}"
    );
    assert!(verdict["event"]["data"].get("compile_output").is_none());
    assert_eq!(output["user_id"], a.to_string());
    assert_eq!(output["event"], "submission:compile_output");
    assert_eq!(output["data"]["submission_id"], id.to_string());
    assert!(
        output["data"]["output"]
            .as_str()
            .unwrap()
            .contains("secret_helper_name")
    );

    let (stored, logged): (Option<String>, i64) = sqlx::query_as(
        "SELECT s.compile_output,
                (SELECT count(*) FROM battle_events WHERE data::text LIKE '%secret_helper_name%')
         FROM submissions s WHERE s.id = $1",
    )
    .bind(id)
    .fetch_one(&stores.pool)
    .await
    .unwrap();
    assert!(stored.unwrap().contains("secret_helper_name"));
    assert_eq!(logged, 0, "the event log holds no compiler output");
    judge.stop().await;
}

#[tokio::test]
async fn the_judge_refuses_to_start_without_an_executor_token_outside_development_mode() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_joust-judge"))
        // Nothing set: neither a token nor development mode.
        .env_clear()
        .env("JOUST_JUDGE_PORT", "0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("JOUST_EXECUTOR_TOKEN"), "{stderr}");
}
