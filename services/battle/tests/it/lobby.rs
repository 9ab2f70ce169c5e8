//! Presence across instances: heartbeats with a TTL in Redis, what each online player is doing,
//! and an instance that stops beating (as a crashed one does) losing its players.

use std::time::Duration;

use joust_battle::{
    lobby::{self, PresenceQuery},
    matchmaking::{self, Join},
    presence::online,
    settings::PresenceSettings,
};
use serde_json::Value;
use uuid::Uuid;

use crate::{spawn_app_with, spawn_instance_with};

const TTL: Duration = Duration::from_millis(600);

fn short_ttl(settings: &mut joust_battle::Settings) {
    settings.presence = PresenceSettings {
        ttl: TTL,
        heartbeat: Duration::from_millis(100),
    };
}

fn state_of(presence: &Value, user: Uuid) -> Option<&str> {
    presence["players"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == user.to_string())
        .and_then(|p| p["state"].as_str())
}

#[tokio::test]
async fn the_lobby_sees_every_instance_and_forgets_one_that_stops_beating() {
    let app = spawn_app_with(Duration::from_secs(30), short_ttl).await;
    let other = spawn_instance_with(&app, Duration::from_secs(30), short_ttl).await;
    let [ada, bo, cy, eve] = app.guests(["ada", "bo", "cy", "eve"]).await;
    // ada plays cy; bo waits for a match; eve is only connected.
    app.duel(&ada, &cy).await;
    let join = Join {
        language: "python".into(),
    };
    matchmaking::join(app.state.clone(), bo.clone(), join)
        .await
        .unwrap();

    // This instance holds ada's and bo's sockets, the other eve's and cy's.
    let (here_ids, there_ids) = ([ada.id, bo.id], [eve.id, cy.id]);
    let here = tokio::spawn(online::run(app.state.clone(), move || here_ids.to_vec()));
    let there = tokio::spawn(online::run(other.clone(), move || there_ids.to_vec()));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (status, presence) = app.get_as(Some(&eve), "/api/presence").await;
    assert_eq!(status, 200, "{presence}");
    assert_eq!(presence["count"], 4);
    assert_eq!(state_of(&presence, ada.id), Some("in_battle"));
    assert_eq!(state_of(&presence, cy.id), Some("in_battle"));
    assert_eq!(state_of(&presence, bo.id), Some("queued"));
    assert_eq!(state_of(&presence, eve.id), Some("idle"));
    // The other instance answers the socket event the same way.
    let seen_there = lobby::lobby_presence(other.clone(), eve.clone(), PresenceQuery::default())
        .await
        .unwrap();
    assert_eq!(seen_there.count, 4);
    // The count is of everyone; the list is as long as asked.
    let (_, short) = app.get_as(Some(&eve), "/api/presence?limit=1").await;
    assert_eq!(short["count"], 4);
    assert_eq!(short["players"].as_array().unwrap().len(), 1);

    // The other instance dies: nothing refreshes its players any more.
    there.abort();
    tokio::time::sleep(TTL + Duration::from_millis(300)).await;
    let (_, presence) = app.get_as(Some(&eve), "/api/presence").await;
    assert_eq!(presence["count"], 2, "{presence}");
    assert_eq!(state_of(&presence, eve.id), None);
    assert_eq!(state_of(&presence, cy.id), None);
    assert_eq!(state_of(&presence, bo.id), Some("queued"));
    // The expired entries are deleted, not only hidden.
    let mut redis = app.state.redis.clone();
    let members: i64 = redis::cmd("ZCARD")
        .arg(online::key(&app.state.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(members, 2);

    // A player whose last socket closed leaves at once.
    here.abort();
    online::gone(&app.state, bo.id).await.unwrap();
    let left = lobby::online(&app.state, 100).await.unwrap();
    assert_eq!(left.count, 1);
    assert_eq!(left.players[0].id, ada.id);
}

#[tokio::test]
async fn bad_presence_requests_get_typed_errors() {
    let app = spawn_app_with(Duration::from_secs(30), short_ttl).await;
    let [ada] = app.guests(["ada"]).await;
    let code = |body: &Value| {
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let (status, body) = app.get_as(None, "/api/presence").await;
    assert_eq!((status, code(&body).as_str()), (401, "UNAUTHORIZED"));
    let long = format!("limit=1&pad={}", "x".repeat(1100));
    for query in ["limit=0", "limit=201", "limit=x", "who=all", long.as_str()] {
        let (status, body) = app
            .get_as(Some(&ada), &format!("/api/presence?{query}"))
            .await;
        assert_eq!(
            (status, code(&body).as_str()),
            (422, "INVALID_PAYLOAD"),
            "{query}"
        );
    }
    let bad = PresenceQuery { limit: Some(0) };
    let e = lobby::lobby_presence(app.state.clone(), ada.clone(), bad)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PAYLOAD");
    // Nobody beat yet: an empty lobby, not an error.
    let (status, body) = app.get_as(Some(&ada), "/api/presence").await;
    assert_eq!(status, 200);
    assert_eq!(body["count"], 0);
}
