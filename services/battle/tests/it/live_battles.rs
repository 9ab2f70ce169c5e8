//! `GET /api/battles/live`: running battles are listed with their players and problem, finished
//! ones are not; a bad limit is refused in words; each caller has its own allowance.

use std::time::Duration;

use joust_battle::{
    auth::Player,
    battles::{self, Resign},
    settings::Rate,
};
use serde_json::Value;
use uuid::Uuid;

use crate::{TestApp, spawn_app, spawn_app_with};

/// A battle between `a` and `b`, started.
async fn running_battle(app: &TestApp, a: &Player, b: &Player) -> Uuid {
    let battle = app.duel(a, b).await.battle_id;
    battles::start_if_due(&app.state, battle).await.unwrap();
    battle
}

async fn get(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app
        .http
        .get(format!("{}/api/battles/live{query}", app.url))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn listed(body: &Value) -> Vec<Uuid> {
    body["battles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn running_battles_are_listed_and_finished_ones_are_not() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bob) = (app.guest("ada").await, app.guest("bob").await);
    let (cy, dot) = (app.guest("cy").await, app.guest("dot").await);
    let running = running_battle(&app, &ada, &bob).await;
    let finished = running_battle(&app, &cy, &dot).await;
    battles::resign(
        app.state.clone(),
        cy.clone(),
        Resign {
            battle_id: finished,
        },
    )
    .await
    .unwrap();

    let (status, body) = get(&app, "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(listed(&body), vec![running]);
    let battle = &body["battles"][0];
    assert_eq!(battle["players"][0]["name"], "ada");
    assert_eq!(battle["players"][1]["name"], "bob");
    assert_eq!(battle["players"][0]["rating"], 1200);
    assert_eq!(battle["problem_slug"], "sum-of-two");
    assert!(battle["problem_title"].is_string());
    assert!(battle["started_at"].is_string() && battle["ends_at"].is_string());

    // A limit of 1 keeps the newest of two running battles.
    let newer = running_battle(&app, &cy, &dot).await;
    let (_, body) = get(&app, "?limit=1").await;
    assert_eq!(listed(&body), vec![newer]);
}

#[tokio::test]
async fn a_bad_limit_or_parameter_is_refused() {
    let app = spawn_app(Duration::ZERO).await;
    for query in ["?limit=0", "?limit=51", "?limit=many", "?after=x"] {
        let (status, body) = get(&app, query).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["code"], "INVALID_PAYLOAD", "{query}");
    }
}

#[tokio::test]
async fn each_caller_has_its_own_allowance() {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.limits.live_battles = Rate::new(0.01, 2);
    })
    .await;
    for _ in 0..2 {
        assert_eq!(get(&app, "").await.0, 200);
    }
    let (status, body) = get(&app, "").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    // A signed-in player is charged to their own allowance, not the address's.
    let ada = app.guest("ada").await;
    let response = app
        .http
        .get(format!("{}/api/battles/live", app.url))
        .bearer_auth(app.state.tokens.issue(&ada))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}
