//! Crashes, outages, slow and failing executors: nothing is lost and nothing is applied twice.

use std::{collections::HashMap, sync::atomic::Ordering, time::Duration};

use joust_common::testing::TestStores;
use uuid::Uuid;

use crate::support::*;

#[tokio::test]
async fn a_worker_killed_mid_job_leaves_the_submission_to_another_exactly_once() {
    let (_executor, proxy, stores, (a, _b, battle)) = proxied_battle().await;
    proxy.delay_ms.store(3_000, Ordering::SeqCst);

    let mut doomed = start_judge_process(&stores, &proxy.url, 1_000);
    let id = queue_submission(&stores, battle, a, "c", SUM_C).await;
    eventually(
        Duration::from_secs(30),
        "the first worker to call the executor",
        || async { proxy.seen.load(Ordering::SeqCst) >= 1 },
    )
    .await;
    doomed.kill();
    proxy.delay_ms.store(0, Ordering::SeqCst);

    let mut settings = judge_settings(&stores, std::slice::from_ref(&proxy.url));
    settings.claim_idle = Duration::from_millis(1_000);
    let survivor = spawn_judge(settings).await;
    assert_eq!(wait_for_verdict(&stores.pool, id).await, "AC");
    assert_eq!(judged_events(&stores.pool, id).await, 1);
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM submissions WHERE id = $1")
        .bind(id)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 2, "the killed attempt counts");
    survivor.stop().await;
}

#[tokio::test]
async fn an_executor_outage_delays_judging_then_drains_the_backlog() {
    let (mut executor, port, stores, (a, b, battle)) = executor_and_battle().await;
    let ends_at_before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT ends_at FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    let target = format!("http://127.0.0.1:{port}");
    let judge = spawn_judge(judge_settings(&stores, std::slice::from_ref(&target))).await;

    executor.kill();
    let ids = vec![
        queue_submission(&stores, battle, a, "c", WRONG_C).await,
        queue_submission(&stores, battle, b, "c", WRONG_C).await,
        queue_submission(&stores, battle, a, "c", WRONG_C).await,
    ];
    let open = format!("circuit_breaker_state{{target=\"{target}\"}} 2");
    eventually(Duration::from_secs(20), "the breaker to open", || async {
        judge.metrics().await.contains(&open)
    })
    .await;
    eventually(
        Duration::from_secs(20),
        "every player to be told judging is delayed",
        || async {
            let delayed: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM battle_events WHERE type = 'judging.delayed'",
            )
            .fetch_one(&stores.pool)
            .await
            .unwrap();
            delayed == 3
        },
    )
    .await;
    for id in &ids {
        assert_eq!(
            verdict(&stores.pool, *id).await,
            None,
            "nothing is judged during the outage"
        );
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    let _executor = start_executor(port).await;
    for id in &ids {
        assert_eq!(wait_for_verdict(&stores.pool, *id).await, "WA");
        assert_eq!(judged_events(&stores.pool, *id).await, 1);
    }
    let delayed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE type = 'judging.delayed'")
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    assert_eq!(delayed, 3, "told once per submission");
    let metrics = judge.metrics().await;
    for to in ["open", "half_open", "closed"] {
        let line = format!("circuit_breaker_transitions_total{{target=\"{target}\",to=\"{to}\"}}");
        assert!(metrics.contains(&line), "{line} missing in {metrics}");
    }
    assert!(
        metrics.contains(&format!("circuit_breaker_state{{target=\"{target}\"}} 0")),
        "{metrics}"
    );
    // The battle is extended by the outage, once however many submissions waited.
    let ends_at_after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT ends_at FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    let extension = (ends_at_after - ends_at_before).num_milliseconds();
    assert!(
        (2_000..30_000).contains(&extension),
        "extended by {extension} ms"
    );
    let extended: i64 =
        sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE type = 'battle.extended'")
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    assert!(extended >= 1);
    judge.stop().await;
}

#[tokio::test]
async fn a_poison_submission_is_dead_lettered_and_reported_once() {
    let (_executor, proxy, stores, (a, b, battle)) = proxied_battle().await;
    let mut settings = judge_settings(&stores, std::slice::from_ref(&proxy.url));
    settings.max_attempts = 2;
    settings.breaker_failures = 10;
    let judge = spawn_judge(settings).await;
    let poison = queue_submission(
        &stores,
        battle,
        a,
        "c",
        "/* POISON */ int main(void) { return 0; }",
    )
    .await;
    let healthy = queue_submission(&stores, battle, b, "c", WRONG_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, healthy).await, "WA");
    assert_eq!(wait_for_verdict(&stores.pool, poison).await, "IE");
    assert_eq!(judged_events(&stores.pool, poison).await, 1, "told once");
    let message: Option<String> = sqlx::query_scalar(
        "SELECT data->>'message' FROM battle_events WHERE type = 'submission.judged' AND data->>'submission_id' = $1",
    )
    .bind(poison.to_string())
    .fetch_one(&stores.pool)
    .await
    .unwrap();
    assert!(message.unwrap().contains("internal error"));
    let mut redis = redis_connection(&stores).await;
    let parked: Vec<(String, HashMap<String, String>)> = redis::cmd("XRANGE")
        .arg(joust_judge::worker::dead_letter_key(&stores.redis_prefix))
        .arg("-")
        .arg("+")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].1["submission_id"], poison.to_string());
    assert!(
        judge
            .metrics()
            .await
            .contains(r#"judge_attempts_total{outcome="dead_lettered"} 1"#)
    );
    judge.stop().await;
}

#[tokio::test]
async fn five_hundred_submissions_survive_a_killed_worker_and_a_killed_executor() {
    let (port_a, port_b) = (free_port(), free_port());
    let _executor_a = start_executor(port_a).await;
    let mut executor_b = start_executor(port_b).await;
    let executors = format!("http://127.0.0.1:{port_a},http://127.0.0.1:{port_b}");
    let stores = TestStores::new().await;

    let mut expected = HashMap::new();
    for _duel in 0..50 {
        let (a, b, battle) = running_battle(&stores.pool).await;
        for i in 0..10 {
            let (user, source, verdict) = if i % 2 == 0 {
                (a, WRONG_C, "WA")
            } else {
                (b, SUM_C, "AC")
            };
            let id = queue_submission(&stores, battle, user, "c", source).await;
            expected.insert(id, verdict);
        }
    }
    assert_eq!(expected.len(), 500);

    let mut doomed = start_judge_process(&stores, &executors, 2_000);
    let _survivor = start_judge_process(&stores, &executors, 2_000);
    let judged = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM submissions WHERE status = 'judged'")
            .fetch_one(&stores.pool)
            .await
            .unwrap()
    };
    eventually(Duration::from_secs(120), "100 verdicts", || async {
        judged().await >= 100
    })
    .await;
    doomed.kill();
    eventually(Duration::from_secs(120), "200 verdicts", || async {
        judged().await >= 200
    })
    .await;
    executor_b.kill();
    eventually(Duration::from_secs(300), "500 verdicts", || async {
        judged().await == 500
    })
    .await;

    let rows: Vec<(Uuid, String)> = sqlx::query_as("SELECT id, verdict FROM submissions")
        .fetch_all(&stores.pool)
        .await
        .unwrap();
    for (id, verdict) in rows {
        assert_eq!(verdict, expected[&id], "{id}");
    }
    let duplicates: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT data->>'submission_id' FROM battle_events WHERE type = 'submission.judged'
         GROUP BY 1 HAVING count(*) > 1) AS d",
    )
    .fetch_one(&stores.pool)
    .await
    .unwrap();
    assert_eq!(duplicates, 0);
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE type = 'submission.judged'")
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    assert_eq!(events, 500);
    let mut redis = redis_connection(&stores).await;
    let pending: Vec<redis::Value> = redis::cmd("XPENDING")
        .arg(joust_common::queue::submissions_stream(
            &stores.redis_prefix,
        ))
        .arg(joust_common::queue::JUDGE_GROUP)
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(
        pending.first(),
        Some(&redis::Value::Int(0)),
        "nothing left pending"
    );
}

#[tokio::test]
async fn a_half_open_breaker_lets_one_probe_through_at_a_time() {
    use joust_common::{
        Language,
        execution::{ExecutionRequest, TestCase},
    };
    use joust_judge::{ExecutorError, ExecutorPolicy, ExecutorPool, TraceIds};
    use prometheus::{IntCounterVec, IntGaugeVec, Opts};

    let (_executor, proxy) = executor_behind_proxy().await;
    let pool = ExecutorPool::new(
        std::slice::from_ref(&proxy.url),
        ExecutorPolicy {
            token: joust_common::settings::KeyRing::single(executor_token()),
            timeout: Duration::from_secs(10),
            breaker_failures: 1,
            breaker_open: Duration::from_millis(500),
            max_concurrent_calls: 8,
            half_open_probes: 1,
        },
        IntGaugeVec::new(Opts::new("state", "state"), &["target"]).unwrap(),
        IntCounterVec::new(Opts::new("transitions", "transitions"), &["target", "to"]).unwrap(),
    );
    let request = |source: &str| ExecutionRequest {
        language: Language::C,
        source: source.into(),
        tests: vec![TestCase {
            input: "1 2".into(),
            expected_output: "3".into(),
            sample: false,
        }],
        time_limit_ms: 1_000,
        memory_limit_mb: 64,
        checker: Default::default(),
        run_all: false,
    };
    // One server error opens the breaker.
    let failed = pool
        .execute(
            &request("/* POISON */ int main(void){}"),
            &TraceIds::default(),
        )
        .await;
    assert!(
        matches!(failed, Err(ExecutorError::ServerError(500))),
        "{failed:?}"
    );
    let rejected = pool.execute(&request(SUM_C), &TraceIds::default()).await;
    assert!(
        matches!(rejected, Err(ExecutorError::CircuitOpen { .. })),
        "{rejected:?}"
    );

    // After the open period, of five concurrent calls only one reaches the executor.
    tokio::time::sleep(Duration::from_millis(700)).await;
    proxy.delay_ms.store(500, Ordering::SeqCst);
    let before = proxy.seen.load(Ordering::SeqCst);
    let calls = (0..5).map(|_| {
        let (pool, request) = (pool.clone(), request(SUM_C));
        tokio::spawn(async move { pool.execute(&request, &TraceIds::default()).await })
    });
    let results: Vec<_> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(proxy.seen.load(Ordering::SeqCst) - before, 1, "{results:?}");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    // The probe succeeded: the breaker is closed and every call goes through again.
    proxy.delay_ms.store(0, Ordering::SeqCst);
    assert!(
        pool.execute(&request(SUM_C), &TraceIds::default())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_lost_stream_and_group_are_recreated_and_judging_goes_on() {
    let (_executor, port, stores, (a, _b, battle)) = executor_and_battle().await;
    let judge = spawn_judge(judge_settings(
        &stores,
        &[format!("http://127.0.0.1:{port}")],
    ))
    .await;
    let before = queue_submission(&stores, battle, a, "c", WRONG_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, before).await, "WA");

    // Redis loses the stream with its consumer group.
    let mut redis = redis_connection(&stores).await;
    let _: i64 = redis::cmd("DEL")
        .arg(joust_common::queue::submissions_stream(
            &stores.redis_prefix,
        ))
        .query_async(&mut redis)
        .await
        .unwrap();
    let after = queue_submission(&stores, battle, a, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&stores.pool, after).await, "AC");
    judge.stop().await;
}

#[tokio::test]
async fn submissions_whose_stream_entries_were_lost_are_requeued_and_judged_once() {
    let (_executor, port, stores, (a, b, battle)) = executor_and_battle().await;
    // Stored long ago, never on the stream (or lost with it); one more that is recent.
    let mut lost = Vec::new();
    for user in [a, b] {
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO submissions (id, battle_id, user_id, language, source, enqueued, created_at)
             VALUES ($1, $2, $3, 'c', $4, true, now() - interval '10 minutes')",
        )
        .bind(id)
        .bind(battle)
        .bind(user)
        .bind(WRONG_C)
        .execute(&stores.pool)
        .await
        .unwrap();
        lost.push(id);
    }
    let mut settings = judge_settings(&stores, &[format!("http://127.0.0.1:{port}")]);
    settings.requeue_after = Duration::from_secs(60);
    let judge = spawn_judge(settings).await;
    for id in &lost {
        assert_eq!(wait_for_verdict(&stores.pool, *id).await, "WA");
        assert_eq!(judged_events(&stores.pool, *id).await, 1);
    }
    // A recent queued submission is left to the stream: it is not requeued.
    let recent = Uuid::new_v4();
    sqlx::query("INSERT INTO submissions (id, battle_id, user_id, language, source) VALUES ($1, $2, $3, 'c', $4)")
        .bind(recent)
        .bind(battle)
        .bind(a)
        .bind(SUM_C)
        .execute(&stores.pool)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(verdict(&stores.pool, recent).await, None);
    assert!(
        judge
            .metrics()
            .await
            .contains(r#"judge_attempts_total{outcome="requeued"} 2"#)
    );
    judge.stop().await;
}
