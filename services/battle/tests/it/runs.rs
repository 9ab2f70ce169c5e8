//! Practice runs through `battle:run`'s operation and the HTTP routes: who may run, the size
//! limits, the allowance, the run on its own stream and in Redis, and nothing of it in the
//! battle's log, submissions or snapshot.

use std::time::Duration;

use joust_battle::{
    auth::Player,
    error::ApiError,
    runs::{self, RunEvent},
    settings::Rate,
};
use joust_common::runs::{RunRequest, RunStatus, load, runs_stream};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, spawn_app_with};

fn run(battle_id: Uuid, input: Option<&str>) -> RunEvent {
    RunEvent {
        battle_id,
        language: "python".into(),
        source: "print(sum(map(int, input().split())))".into(),
        input: input.map(String::from),
    }
}

async fn running_battle(run_rate: Rate) -> (TestApp, Player, Player, Uuid) {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.sweep_interval = Duration::from_secs(3600);
        s.limits.run = run_rate;
    })
    .await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battle = app.duel(&ada, &bo).await.battle_id;
    joust_battle::battles::start_if_due(&app.state, battle)
        .await
        .unwrap();
    (app, ada, bo, battle)
}

/// The requests on the runs stream, oldest first.
async fn queued_runs(app: &TestApp) -> Vec<RunRequest> {
    let mut redis = app.state.redis.clone();
    let entries: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
        .arg(runs_stream(&app.state.redis_prefix))
        .arg("-")
        .arg("+")
        .query_async(&mut redis)
        .await
        .unwrap();
    entries
        .ids
        .iter()
        .map(|e| serde_json::from_str(&e.get::<String>("run").unwrap()).unwrap())
        .collect()
}

async fn post_run(
    app: &TestApp,
    player: Option<&Player>,
    battle: &str,
    body: Value,
) -> (u16, Value) {
    let mut request = app
        .http
        .post(format!("{}/api/battles/{battle}/runs", app.url))
        .json(&body);
    if let Some(player) = player {
        request = request.bearer_auth(app.state.tokens.issue(player));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_run_is_queued_for_its_owner_and_is_not_a_submission() {
    let (app, ada, bo, battle) = running_battle(Rate::OFF).await;
    let events_before = app.log(&ada, battle).await.len();
    let accepted = runs::run_event(app.state.clone(), ada.clone(), run(battle, Some("3 4")))
        .await
        .unwrap();
    let (status, body) = post_run(
        &app,
        Some(&ada),
        &battle.to_string(),
        json!({ "language": "python", "source": "print(1)" }),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let second: Uuid = serde_json::from_value(body["run_id"].clone()).unwrap();

    let queued = queued_runs(&app).await;
    assert_eq!(queued.len(), 2);
    assert_eq!(queued[0].run_id, accepted.run_id);
    assert_eq!(queued[0].user_id, ada.id);
    assert_eq!(queued[0].input.as_deref(), Some("3 4"));
    assert_eq!(queued[1].run_id, second);
    assert_eq!(queued[1].input, None);

    // Readable by its owner, queued; nobody else learns it exists.
    let (status, record) = app.get_as(Some(&ada), &format!("/api/runs/{second}")).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["status"], "queued");
    assert_eq!(record["custom_input"], false);
    let (status, refused) = app.get_as(Some(&bo), &format!("/api/runs/{second}")).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (404, Some("RUN_NOT_FOUND"))
    );
    let (status, _) = app.get_as(None, &format!("/api/runs/{second}")).await;
    assert_eq!(status, 401);
    let (status, unknown) = app
        .get_as(Some(&ada), &format!("/api/runs/{}", Uuid::new_v4()))
        .await;
    assert_eq!(
        (status, unknown["error"]["code"].as_str()),
        (404, Some("RUN_NOT_FOUND"))
    );

    // Nothing in the battle: no submission, no event, no battle state change.
    assert_eq!(app.count("submissions").await, 0);
    assert_eq!(app.log(&ada, battle).await.len(), events_before);
    let mut redis = app.state.redis.clone();
    let record = load(&mut redis, &app.state.redis_prefix, accepted.run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status, RunStatus::Queued);
    let ttl: i64 = redis::cmd("TTL")
        .arg(joust_common::runs::run_key(
            &app.state.redis_prefix,
            accepted.run_id,
        ))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 15 * 60, "{ttl}");
}

#[tokio::test]
async fn only_a_player_of_a_running_battle_may_run() {
    let (app, ada, bo, battle) = running_battle(Rate::OFF).await;
    let eve = app.guest("eve").await;
    let refused = runs::run_event(app.state.clone(), eve.clone(), run(battle, None)).await;
    assert!(
        matches!(refused, Err(ApiError::NotAParticipant)),
        "{refused:?}"
    );
    let (status, body) = post_run(
        &app,
        Some(&eve),
        &battle.to_string(),
        json!({ "language": "python", "source": "print(1)" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("NOT_A_PARTICIPANT"))
    );

    let unknown = runs::run_event(app.state.clone(), ada.clone(), run(Uuid::new_v4(), None)).await;
    assert!(
        matches!(unknown, Err(ApiError::BattleNotFound)),
        "{unknown:?}"
    );
    let (status, body) = post_run(
        &app,
        Some(&ada),
        "not-a-uuid",
        json!({ "language": "python", "source": "print(1)" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("INVALID_PAYLOAD"))
    );
    let (status, _) = post_run(
        &app,
        None,
        &battle.to_string(),
        json!({ "language": "python", "source": "print(1)" }),
    )
    .await;
    assert_eq!(status, 401);

    sqlx::query("UPDATE battles SET ends_at = now() - interval '1 second' WHERE id = $1")
        .bind(battle)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    let over = runs::run_event(app.state.clone(), ada.clone(), run(battle, None)).await;
    assert!(matches!(over, Err(ApiError::BattleOver)), "{over:?}");

    app.resign(&bo, battle).await.unwrap();
    let finished = runs::run_event(app.state.clone(), ada.clone(), run(battle, None)).await;
    assert!(
        matches!(finished, Err(ApiError::BattleFinished)),
        "{finished:?}"
    );
    assert!(queued_runs(&app).await.is_empty());
    let text = app.metrics_text().await;
    assert!(
        text.contains(r#"runs_refused_total{code="NOT_A_PARTICIPANT"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"runs_refused_total{code="BATTLE_FINISHED"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn a_malformed_or_oversized_run_is_refused_unqueued() {
    let (app, ada, _bo, battle) = running_battle(Rate::OFF).await;
    let big = "x".repeat(64 * 1024 + 1);
    for (body, code) in [
        (
            json!({ "language": "cobol", "source": "x" }),
            "INVALID_PAYLOAD",
        ),
        (
            json!({ "language": "python", "source": "  " }),
            "INVALID_PAYLOAD",
        ),
        (
            json!({ "language": "python", "source": big }),
            "INVALID_PAYLOAD",
        ),
        (
            json!({ "language": "python", "source": "print(1)", "input": big }),
            "INVALID_PAYLOAD",
        ),
        (
            json!({ "language": "python", "source": "print(1)", "extra": 1 }),
            "INVALID_PAYLOAD",
        ),
        (json!({ "language": "python" }), "INVALID_PAYLOAD"),
        (json!(["python", "print(1)"]), "INVALID_PAYLOAD"),
    ] {
        let (status, answer) = post_run(&app, Some(&ada), &battle.to_string(), body.clone()).await;
        assert_eq!(
            answer["error"]["code"].as_str(),
            Some(code),
            "{body}: {answer}"
        );
        assert!(status == 422, "{status}");
    }
    // The largest source and input both fit, through the HTTP route.
    let largest = json!({
        "language": "python",
        "source": "#".repeat(64 * 1024),
        "input": "1".repeat(64 * 1024),
    });
    let (status, answer) = post_run(&app, Some(&ada), &battle.to_string(), largest).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(queued_runs(&app).await.len(), 1);
}

#[tokio::test]
async fn a_flood_of_runs_is_rate_limited_across_event_and_route() {
    let (app, ada, bo, battle) = running_battle(Rate::new(0.001, 3)).await;
    // The socket layer charges `battle:run` to the same allowance (`EventClass::Run`); the
    // route charges it itself.
    let body = json!({ "language": "python", "source": "print(1)" });
    for _ in 0..3 {
        let (status, _) = post_run(&app, Some(&ada), &battle.to_string(), body.clone()).await;
        assert_eq!(status, 202);
    }
    for _ in 0..5 {
        let (status, answer) = post_run(&app, Some(&ada), &battle.to_string(), body.clone()).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (429, Some("RATE_LIMITED"))
        );
        assert!(answer["error"]["retry_after_ms"].as_u64().unwrap() > 0);
    }
    // The allowance is the player's own.
    let (status, _) = post_run(&app, Some(&bo), &battle.to_string(), body).await;
    assert_eq!(status, 202);
    assert_eq!(queued_runs(&app).await.len(), 4);
    assert!(
        app.state
            .limits
            .check_user(joust_battle::limits::EventClass::Run, ada.id)
            .is_err()
    );
    let text = app.metrics_text().await;
    assert!(
        text.contains(r#"runs_refused_total{code="RATE_LIMITED"} 5"#),
        "{text}"
    );
    assert!(
        text.contains(r#"handler_duration_seconds_count{handler="api:runs:create"} 9"#),
        "{text}"
    );
}
