//! Battles read back over HTTP: the summary, the event log and the submissions, and who may
//! see the sources when.

use std::time::Duration;

use joust_battle::{
    auth::Player,
    battles::{self, AcceptChallenge, CreateChallenge, Rematch, Submit},
    settings::Rate,
};
use serde_json::Value;
use uuid::Uuid;

use crate::{TestApp, spawn_app, spawn_app_with};

const SOURCE: &str = "print(sum(map(int, input().split())))  # ada's secret";

/// A battle between `a` and `b`, with spectators reading sources when `shared`, started.
async fn running_battle(app: &TestApp, a: &Player, b: &Player, shared: bool) -> Uuid {
    let challenge = battles::create_challenge(
        app.state.clone(),
        a.clone(),
        CreateChallenge {
            spectator_sources: shared,
            ..CreateChallenge::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(challenge.spectator_sources, shared);
    let accept = AcceptChallenge {
        code: challenge.code,
    };
    let battle = battles::accept_challenge(app.state.clone(), b.clone(), accept)
        .await
        .unwrap()
        .battle_id;
    battles::start_if_due(&app.state, battle).await.unwrap();
    battle
}

async fn submit(app: &TestApp, player: &Player, battle_id: Uuid) -> Uuid {
    let submit = Submit {
        battle_id,
        language: "python".into(),
        source: SOURCE.into(),
        idempotency_key: None,
    };
    battles::submit(app.state.clone(), player.clone(), submit)
        .await
        .unwrap()
        .submission_id
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn sources_are_shown_to_the_players_only_once_the_battle_has_ended() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let id = running_battle(&app, &ada, &bo, false).await;
    let submission = submit(&app, &ada, id).await;
    let path = format!("/api/battles/{id}/submissions");

    // While it runs nobody gets them, not even the opponent.
    for reader in [&ada, &bo, &eve] {
        let (status, body) = app.get_as(Some(reader), &path).await;
        assert_eq!((status, code(&body)), (409, "BATTLE_NOT_OVER"));
        assert!(!body.to_string().contains("secret"));
    }
    let (status, summary) = app.get_as(Some(&eve), &format!("/api/battles/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(summary["status"], "running");
    assert_eq!(summary["spectator_sources"], false);
    assert_eq!(summary["players"][0]["name"], "ada");
    assert_eq!(summary["problem_slug"], "sum-of-two");

    app.resign(&bo, id).await.unwrap();
    for reader in [&ada, &bo] {
        let (status, body) = app.get_as(Some(reader), &path).await;
        assert_eq!(status, 200, "{body}");
        let submissions = body["submissions"].as_array().unwrap();
        assert_eq!(submissions.len(), 1);
        assert_eq!(submissions[0]["id"], submission.to_string());
        assert_eq!(submissions[0]["source"], SOURCE);
        assert_eq!(submissions[0]["user_id"], ada.id.to_string());
        assert!(body["next"].is_null());
    }
    // A spectator of a battle that keeps its sources private.
    let (status, body) = app.get_as(Some(&eve), &path).await;
    assert_eq!((status, code(&body)), (403, "SOURCES_PRIVATE"));
    assert!(!body.to_string().contains("secret"));

    let (_, summary) = app.get_as(Some(&eve), &format!("/api/battles/{id}")).await;
    assert_eq!(summary["status"], "finished");
    assert_eq!(summary["outcome"], "forfeit");
    assert_eq!(summary["winner_id"], ada.id.to_string());
}

#[tokio::test]
async fn a_battle_that_shares_its_sources_shows_them_to_spectators_and_its_rematch_too() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let id = running_battle(&app, &ada, &bo, true).await;
    submit(&app, &ada, id).await;
    submit(&app, &bo, id).await;
    let path = format!("/api/battles/{id}/submissions");
    let (status, body) = app.get_as(Some(&eve), &path).await;
    assert_eq!((status, code(&body)), (409, "BATTLE_NOT_OVER"));
    app.resign(&ada, id).await.unwrap();

    // Paged one at a time, oldest first.
    let (status, first) = app.get_as(Some(&eve), &format!("{path}?limit=1")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["submissions"][0]["user_id"], ada.id.to_string());
    assert_eq!(first["submissions"][0]["source"], SOURCE);
    let next = first["next"].as_str().unwrap();
    let (_, second) = app
        .get_as(Some(&eve), &format!("{path}?limit=1&after={next}"))
        .await;
    assert_eq!(second["submissions"][0]["user_id"], bo.id.to_string());
    assert!(second["next"].is_null());

    let rematch = battles::rematch(app.state.clone(), bo.clone(), Rematch { battle_id: id })
        .await
        .unwrap();
    let (_, summary) = app
        .get_as(Some(&eve), &format!("/api/battles/{}", rematch.battle_id))
        .await;
    assert_eq!(summary["spectator_sources"], true);
}

#[tokio::test]
async fn the_whole_event_log_reads_back_in_pages() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let id = running_battle(&app, &ada, &bo, false).await;
    submit(&app, &ada, id).await;
    app.resign(&bo, id).await.unwrap();
    let log = app.log(&ada, id).await;
    assert!(log.len() >= 4, "{log:?}");

    let (status, all) = app
        .get_as(Some(&eve), &format!("/api/battles/{id}/events"))
        .await;
    assert_eq!(status, 200);
    let events = all["events"].as_array().unwrap();
    assert_eq!(events.len(), log.len());
    assert!(all["next_after_seq"].is_null());
    for (got, want) in events.iter().zip(&log) {
        assert_eq!(got["seq"], want.seq);
        assert_eq!(got["type"], want.kind.as_str());
        assert_eq!(got["data"], want.data);
    }
    assert_eq!(events.last().unwrap()["type"], "battle.finished");

    // Two at a time, following the cursor.
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let (status, page) = app
            .get_as(
                Some(&eve),
                &format!("/api/battles/{id}/events?after_seq={after}&limit=2"),
            )
            .await;
        assert_eq!(status, 200);
        for event in page["events"].as_array().unwrap() {
            seen.push(event["seq"].as_i64().unwrap());
        }
        match page["next_after_seq"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    let want: Vec<i64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(seen, want);
    // Each read is timed under its own handler label.
    let metrics = app.metrics_text().await;
    assert!(metrics.contains(r#"handler_duration_seconds_count{handler="battles:events"}"#));
}

#[tokio::test]
async fn bad_requests_get_typed_errors() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let id = running_battle(&app, &ada, &bo, false).await;
    app.resign(&bo, id).await.unwrap();
    let unknown = Uuid::new_v4();

    for path in ["", "/events", "/submissions"] {
        // Authentication.
        let (status, body) = app.get_as(None, &format!("/api/battles/{id}{path}")).await;
        assert_eq!((status, code(&body)), (401, "UNAUTHORIZED"), "{path}");
        let response = app
            .http
            .get(format!("{}/api/battles/{id}{path}", app.url))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        // Shape of the id, and unknown ids.
        let (status, body) = app
            .get_as(Some(&ada), &format!("/api/battles/nope{path}"))
            .await;
        assert_eq!((status, code(&body)), (422, "INVALID_PAYLOAD"), "{path}");
        let (status, body) = app
            .get_as(Some(&ada), &format!("/api/battles/{unknown}{path}"))
            .await;
        assert_eq!((status, code(&body)), (404, "BATTLE_NOT_FOUND"), "{path}");
    }
    // Query shape and size.
    for query in [
        "events?limit=0",
        "events?limit=1001",
        "events?after_seq=-1",
        "events?after_seq=abc",
        "events?unknown=1",
        "submissions?limit=51",
        "submissions?after=nope",
        "submissions?extra=1",
    ] {
        let (status, body) = app
            .get_as(Some(&ada), &format!("/api/battles/{id}/{query}"))
            .await;
        assert_eq!((status, code(&body)), (422, "INVALID_PAYLOAD"), "{query}");
    }
    let long = format!(
        "/api/battles/{id}/events?after_seq=1&x={}",
        "a".repeat(2000)
    );
    let (status, body) = app.get_as(Some(&ada), &long).await;
    assert_eq!((status, code(&body)), (422, "INVALID_PAYLOAD"));
    // A cursor that is not a submission of this battle.
    let (status, body) = app
        .get_as(
            Some(&ada),
            &format!("/api/battles/{id}/submissions?after={unknown}"),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "INVALID_PAYLOAD"));
    // Methods the paths do not take.
    let response = app
        .http
        .post(format!("{}/api/battles/{id}/events", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
}

#[tokio::test]
async fn reads_are_limited_per_player() {
    let app = spawn_app_with(Duration::ZERO, |s| s.limits.read = Rate::new(0.001, 2)).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let path = format!("/api/battles/{}", Uuid::new_v4());
    for _ in 0..2 {
        let (status, _) = app.get_as(Some(&ada), &path).await;
        assert_eq!(status, 404);
    }
    let (status, body) = app.get_as(Some(&ada), &path).await;
    assert_eq!((status, code(&body)), (429, "RATE_LIMITED"));
    // Another player has an allowance of their own.
    let (status, _) = app.get_as(Some(&bo), &path).await;
    assert_eq!(status, 404);
}

#[test]
fn the_read_routes_are_described_for_openapi() {
    use joust_battle::{lobby, profiles, replay};
    use utoipa::OpenApi;

    #[derive(OpenApi)]
    #[openapi(paths(
        replay::get_battle,
        replay::get_events,
        replay::get_submissions,
        profiles::get_profile,
        profiles::get_battles,
        lobby::get_presence,
    ))]
    struct Reads;

    let doc = serde_json::to_value(Reads::openapi()).unwrap();
    for path in [
        "/api/battles/{id}",
        "/api/battles/{id}/events",
        "/api/battles/{id}/submissions",
        "/api/players/{player}",
        "/api/players/{player}/battles",
        "/api/presence",
    ] {
        let get = &doc["paths"][path]["get"];
        assert!(get.is_object(), "{path} is not described");
        assert!(get["responses"]["401"].is_object(), "{path} has no 401");
        assert!(get["responses"]["200"].is_object(), "{path} has no 200");
    }
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "BattleSummary",
        "EventPage",
        "SubmissionPage",
        "Profile",
        "Presence",
    ] {
        assert!(schemas[schema].is_object(), "{schema} is not a component");
    }
}
