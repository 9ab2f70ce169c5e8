//! Practice runs against a real executor: after submissions, on the samples or a custom input,
//! the result stored and sent to its owner alone, and a run a dead judge held run again.

use std::time::Duration;

use futures::StreamExt as _;
use joust_common::{
    battle_events::{self, PrivateMessage},
    execution::Verdict,
    runs::{self, RUNS_GROUP, RunRecord, RunRequest, RunStatus},
    testing::TestStores,
};
use uuid::Uuid;

use joust_judge::Settings;

use crate::support::*;

fn request(
    battle: Uuid,
    user: Uuid,
    language: &str,
    source: &str,
    input: Option<&str>,
) -> RunRequest {
    RunRequest {
        run_id: Uuid::new_v4(),
        battle_id: battle,
        user_id: user,
        language: joust_common::Language::parse(language).unwrap(),
        source: source.into(),
        input: input.map(String::from),
    }
}

async fn queue_run(stores: &TestStores, run: &RunRequest) {
    let mut redis = joust_common::db::connect_redis(&stores.redis_url)
        .await
        .unwrap()
        .1;
    runs::store(&mut redis, &stores.redis_prefix, &RunRecord::queued(run))
        .await
        .unwrap();
    runs::enqueue(&mut redis, &stores.redis_prefix, run)
        .await
        .unwrap();
}

async fn record(stores: &TestStores, run: Uuid) -> RunRecord {
    let mut redis = joust_common::db::connect_redis(&stores.redis_url)
        .await
        .unwrap()
        .1;
    runs::load(&mut redis, &stores.redis_prefix, run)
        .await
        .unwrap()
        .expect("the run's record exists")
}

async fn wait_finished(stores: &TestStores, run: Uuid) -> RunRecord {
    for _ in 0..600 {
        let record = record(stores, run).await;
        if record.status == RunStatus::Finished {
            return record;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {run} did not finish in time");
}

#[tokio::test]
async fn submissions_are_judged_before_runs_and_runs_reach_their_owner_alone() {
    let (_executor, port, stores, (a, b, battle)) = executor_and_battle().await;
    let mut pubsub = subscribe(
        &stores,
        &[battle_events::private_channel(&stores.redis_prefix)],
    )
    .await;

    // Both queued before any judge runs: the runs first, then a submission.
    let samples = request(battle, a, "c", SUM_C, None);
    let custom = request(
        battle,
        a,
        "python",
        "print(sum(map(int, input().split())))",
        Some("3 4\n"),
    );
    let crash = request(
        battle,
        a,
        "python",
        "import sys\nprint('half', file=sys.stderr)\nraise SystemExit(3)",
        Some(""),
    );
    for run in [&samples, &custom, &crash] {
        queue_run(&stores, run).await;
    }
    let submission = queue_submission(&stores, battle, b, "c", WRONG_C).await;

    let judge = spawn_judge(Settings {
        concurrency: 1,
        ..judge_settings(&stores, &[format!("http://127.0.0.1:{port}")])
    })
    .await;
    // One judging slot: the submission is judged before any run starts.
    let mut first = None;
    for _ in 0..1200 {
        if record(&stores, samples.run_id).await.status == RunStatus::Finished
            || record(&stores, custom.run_id).await.status == RunStatus::Finished
        {
            first = Some(verdict(&stores.pool, submission).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        first,
        Some(Some("WA".to_owned())),
        "the submission had its verdict when a run finished"
    );

    let on_samples = wait_finished(&stores, samples.run_id).await;
    assert_eq!(on_samples.verdict, Some(Verdict::AC));
    assert!(!on_samples.custom_input);
    assert_eq!(
        on_samples.tests.len(),
        1,
        "the seeded problem's one sample, no secret test"
    );
    assert!(on_samples.tests[0].sample);
    assert_eq!(on_samples.tests[0].output.as_deref(), Some("3\n"));

    let on_custom = wait_finished(&stores, custom.run_id).await;
    assert_eq!(
        on_custom.verdict, None,
        "a custom input has nothing to compare with"
    );
    assert!(on_custom.custom_input);
    assert_eq!(on_custom.tests[0].output.as_deref(), Some("7\n"));

    let crashed = wait_finished(&stores, crash.run_id).await;
    assert_eq!(crashed.verdict, Some(Verdict::RTE));
    assert_eq!(crashed.tests[0].exit_code, Some(3));
    assert!(
        crashed.tests[0]
            .stderr
            .as_deref()
            .unwrap_or("")
            .contains("half"),
        "{crashed:?}"
    );

    // Each result went to its owner alone, as `run.finished`.
    let mut messages = pubsub.on_message();
    let mut delivered = Vec::new();
    while delivered.len() < 3 {
        let message = tokio::time::timeout(Duration::from_secs(10), messages.next())
            .await
            .expect("a private message")
            .unwrap();
        let message: PrivateMessage =
            serde_json::from_str(&message.get_payload::<String>().unwrap()).unwrap();
        if message.event == runs::RUN_FINISHED_EVENT {
            assert_eq!(message.user_id, a);
            delivered.push(message.data["run_id"].as_str().unwrap().to_owned());
        }
    }
    delivered.sort();
    let mut expected: Vec<String> = [&samples, &custom, &crash]
        .iter()
        .map(|r| r.run_id.to_string())
        .collect();
    expected.sort();
    assert_eq!(delivered, expected);

    // No trace in the battle: one submission, its one event, the runs stream emptied.
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE battle_id = $1")
        .bind(battle)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(events, 1);
    let submissions: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions")
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(submissions, 1);
    let mut conn = redis_connection(&stores).await;
    let left: i64 = redis::cmd("XLEN")
        .arg(runs::runs_stream(&stores.redis_prefix))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let metrics = judge.metrics().await;
    assert!(
        metrics.contains(r#"judge_runs_total{outcome="AC"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"judge_runs_total{outcome="ran"} 1"#),
        "{metrics}"
    );
    judge.stop().await;
}

#[tokio::test]
async fn a_run_a_dead_judge_held_is_run_by_another() {
    let (_executor, port, stores, (a, _b, battle)) = executor_and_battle().await;
    let run = request(battle, a, "python", "print(input())", Some("echo\n"));
    queue_run(&stores, &run).await;
    // A judge takes the entry and dies without acknowledging it.
    let mut redis = joust_common::db::connect_redis(&stores.redis_url)
        .await
        .unwrap()
        .1;
    joust_judge::runs::ensure_group(&mut redis, &stores.redis_prefix)
        .await
        .unwrap();
    let taken: redis::streams::StreamReadReply = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg(RUNS_GROUP)
        .arg("dead-judge")
        .arg("COUNT")
        .arg(1)
        .arg("STREAMS")
        .arg(runs::runs_stream(&stores.redis_prefix))
        .arg(">")
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(taken.keys[0].ids.len(), 1);

    let judge = spawn_judge(judge_settings(
        &stores,
        &[format!("http://127.0.0.1:{port}")],
    ))
    .await;
    let finished = wait_finished(&stores, run.run_id).await;
    assert_eq!(finished.tests[0].output.as_deref(), Some("echo\n"));
    judge.stop().await;
}
