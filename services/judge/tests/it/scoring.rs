//! A battle on a scoring problem judged end to end: a real executor runs every test, the
//! judge scores the submission, and only the maximum score ends the battle at once.

use joust_common::{
    domain::{
        self, BattleStatus,
        scoring::{ScoringFormat, build},
    },
    execution::Checker,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::*;

/// `(group, name, input, answer)`: a sample, a 40-point group of small sums and a 60-point
/// group of larger ones.
const TESTS: [(&str, &str, &str, &str); 5] = [
    ("sample", "1", "1 1\n", "2\n"),
    ("secret/g1", "1", "1 2\n", "3\n"),
    ("secret/g1", "2", "2 2\n", "4\n"),
    ("secret/g2", "1", "50 50\n", "100\n"),
    ("secret/g2", "2", "70 1\n", "71\n"),
];

/// Puts the battle on a new scoring version of its problem with [`TESTS`].
async fn score_battle(pool: &sqlx::PgPool, battle: Uuid) {
    let groups = vec![
        ("secret/g1".to_owned(), json!({"scoring": {"score": 40}})),
        ("secret/g2".to_owned(), json!({"scoring": {"score": 60}})),
    ];
    let tests: Vec<(String, String)> = TESTS
        .iter()
        .map(|(g, n, _, _)| (g.to_string(), n.to_string()))
        .collect();
    let model = build(ScoringFormat::V2023_07, &groups, &tests, false).unwrap();
    let version = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO problem_versions (id, problem_id, content_hash, format, problem_type, names,
             statements, limits, time_limit_ms, memory_limit_mb, checker, test_groups,
             verification, rating, scoring)
         SELECT $1, problem_id, 'scoring-test', 'v2023_07', 'scoring', '{}', '[]', '{}', 2000, 256,
                $2, '[]', '[]', 1500, $3
         FROM battles WHERE id = $4",
    )
    .bind(version)
    .bind(serde_json::to_value(Checker::default()).unwrap())
    .bind(serde_json::to_value(&model).unwrap())
    .bind(battle)
    .execute(pool)
    .await
    .unwrap();
    for (ordinal, (group, name, input, answer)) in TESTS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO problem_version_tests
                 (version_id, ordinal, test_group, name, input, expected_output, is_sample)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(version)
        .bind(ordinal as i32 + 1)
        .bind(group)
        .bind(name)
        .bind(input)
        .bind(answer)
        .bind(*group == "sample")
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE battles SET problem_version_id = $1 WHERE id = $2")
        .bind(version)
        .bind(battle)
        .execute(pool)
        .await
        .unwrap();
}

/// Right for sums below 100 only: passes the sample and the first group.
const SMALL_SUMS_PY: &str =
    "a, b = map(int, input().split())\nprint(a + b if a + b < 100 else 0)\n";
const SUM_PY: &str = "a, b = map(int, input().split())\nprint(a + b)\n";

async fn status(pool: &sqlx::PgPool, battle: Uuid) -> (BattleStatus, Option<Uuid>) {
    sqlx::query_as("SELECT status, winner_id FROM battles WHERE id = $1")
        .bind(battle)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_partial_score_keeps_the_battle_running_and_the_maximum_ends_it() {
    let (_executor, port, stores, (a, b, battle)) = executor_and_battle().await;
    score_battle(&stores.pool, battle).await;
    let judge = spawn_judge(judge_settings(
        &stores,
        &[format!("http://127.0.0.1:{port}")],
    ))
    .await;

    let partial = queue_submission(&stores, battle, a, "python", SMALL_SUMS_PY).await;
    assert_eq!(wait_for_verdict(&stores.pool, partial).await, "WA");
    let (score, max): (Option<f64>, Option<f64>) =
        sqlx::query_as("SELECT score, max_score FROM submissions WHERE id = $1")
            .bind(partial)
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    // The second test of g2 passes too (71), but a pass-fail group needs all of its tests.
    assert_eq!((score, max), (Some(40.0), Some(100.0)));
    assert_eq!(
        status(&stores.pool, battle).await,
        (BattleStatus::Running, None)
    );

    let full = queue_submission(&stores, battle, b, "python", SUM_PY).await;
    assert_eq!(wait_for_verdict(&stores.pool, full).await, "AC");
    assert_eq!(
        status(&stores.pool, battle).await,
        (BattleStatus::Finished, Some(b))
    );

    let mut conn = stores.pool.acquire().await.unwrap();
    let events = domain::events::since(&mut conn, battle, 0).await.unwrap();
    let judged: Vec<_> = events
        .iter()
        .filter(|e| e.kind.as_str() == "submission.judged")
        .map(|e| (e.data["score"].as_f64(), e.data["max_score"].as_f64()))
        .collect();
    assert_eq!(
        judged,
        [(Some(40.0), Some(100.0)), (Some(100.0), Some(100.0))]
    );
    let finished = events.last().unwrap();
    assert_eq!(finished.kind.as_str(), "battle.finished");
    assert_eq!(finished.data["outcome"], "accepted");
    drop(conn);
    judge.stop().await;
}
