//! Player profiles: rating, history, recent battles with opponent and result (keyset paged),
//! statistics per language, and the typed errors of bad requests.

use std::time::Duration;

use joust_battle::{
    auth::Player,
    battles::{self, Rematch, Submit},
};
use joust_common::domain::{Ending, finish_battle};
use serde_json::Value;
use uuid::Uuid;

use crate::{TestApp, spawn_app};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// `player` submits in `language`; the submission is then judged `verdict` (no judge runs here).
async fn judged(
    app: &TestApp,
    player: &Player,
    battle_id: Uuid,
    language: &str,
    verdict: &str,
) -> Uuid {
    let submit = Submit {
        battle_id,
        language: language.into(),
        source: "int main() { return 0; }".into(),
        idempotency_key: None,
    };
    let id = battles::submit(app.state.clone(), player.clone(), submit)
        .await
        .unwrap()
        .submission_id;
    sqlx::query(
        "UPDATE submissions SET status = 'judged', verdict = $2, judged_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(verdict)
    .execute(&app.stores.pool)
    .await
    .unwrap();
    id
}

/// Three finished battles between ada and bo: ada wins by an accepted C++ submission, then bo
/// wins when ada resigns, then ada wins when bo resigns.
async fn history(app: &TestApp, ada: &Player, bo: &Player) -> [Uuid; 3] {
    let first = app.duel(ada, bo).await.battle_id;
    battles::start_if_due(&app.state, first).await.unwrap();
    judged(app, ada, first, "python", "WA").await;
    let accepted = judged(app, ada, first, "cpp", "AC").await;
    judged(app, bo, first, "python", "WA").await;
    let mut conn = app.stores.pool.acquire().await.unwrap();
    let ending = Ending::Accepted {
        winner: ada.id,
        submission_id: accepted,
    };
    finish_battle(&mut conn, first, ending)
        .await
        .unwrap()
        .expect("the accepted submission wins");
    let rematch =
        |battle_id| battles::rematch(app.state.clone(), bo.clone(), Rematch { battle_id });
    let second = rematch(first).await.unwrap().battle_id;
    app.resign(ada, second).await.unwrap();
    let third = rematch(second).await.unwrap().battle_id;
    app.resign(bo, third).await.unwrap();
    [first, second, third]
}

#[tokio::test]
async fn a_profile_shows_rating_recent_battles_and_languages() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let [first, second, third] = history(&app, &ada, &bo).await;

    let (status, profile) = app
        .get_as(Some(&eve), &format!("/api/players/{}", ada.id))
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["name"], "ada");
    // Two wins and a loss moved the rating; the history holds each step and the start.
    let rating: i32 = sqlx::query_scalar("SELECT rating FROM users WHERE id = $1")
        .bind(ada.id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_ne!(rating, 1200);
    assert_eq!(profile["rating"], rating);
    assert_eq!(profile["provisional"], true);
    let points = profile["rating_history"].as_array().unwrap();
    assert_eq!(points.len(), 4, "{points:?}");
    assert_eq!(points[0]["rating"], rating);
    assert_eq!(points[0]["battle_id"], third.to_string());
    assert_eq!(points[3]["rating"], 1200);
    assert!(points[3]["battle_id"].is_null());
    assert_eq!(
        profile["totals"],
        serde_json::json!({ "battles": 3, "won": 2, "lost": 1, "drawn": 0 })
    );
    let recent = profile["recent_battles"].as_array().unwrap();
    let ids: Vec<&str> = recent
        .iter()
        .map(|b| b["battle_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [third, second, first].map(|id| id.to_string()));
    let results: Vec<&str> = recent
        .iter()
        .map(|b| b["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["won", "lost", "won"]);
    assert_eq!(recent[0]["opponent_name"], "bo");
    assert_eq!(recent[0]["opponent_id"], bo.id.to_string());
    assert_eq!(recent[2]["outcome"], "accepted");
    assert!(profile["more_battles"].is_null());
    assert_eq!(
        profile["languages"],
        serde_json::json!([
            { "language": "cpp", "submissions": 1, "accepted": 1, "battles_won": 1 },
            { "language": "python", "submissions": 1, "accepted": 0, "battles_won": 0 },
        ])
    );

    // By name, ignoring case.
    let (status, by_name) = app.get_as(Some(&eve), "/api/players/ADA").await;
    assert_eq!(status, 200);
    assert_eq!(by_name["id"], ada.id.to_string());
    let (_, bo_profile) = app
        .get_as(Some(&eve), &format!("/api/players/{}", bo.id))
        .await;
    assert_eq!(bo_profile["recent_battles"][0]["result"], "lost");
    assert_eq!(bo_profile["languages"][0]["battles_won"], 0);
}

#[tokio::test]
async fn recent_battles_page_by_cursor_newest_first() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let [first, second, third] = history(&app, &ada, &bo).await;
    let base = format!("/api/players/{}/battles", bo.id);
    let mut seen = Vec::new();
    let mut path = format!("{base}?limit=2");
    loop {
        let (status, page) = app.get_as(Some(&ada), &path).await;
        assert_eq!(status, 200, "{page}");
        let battles = page["battles"].as_array().unwrap();
        assert!(battles.len() <= 2);
        seen.extend(
            battles
                .iter()
                .map(|b| b["battle_id"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => path = format!("{base}?limit=2&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [third, second, first].map(|id| id.to_string()));
}

#[tokio::test]
async fn bad_profile_requests_get_typed_errors() {
    let app = spawn_app(Duration::ZERO).await;
    let [ada] = app.guests(["ada"]).await;
    let unknown = Uuid::new_v4();
    let cases = [
        (
            None,
            format!("/api/players/{}", ada.id),
            401,
            "UNAUTHORIZED",
        ),
        (
            None,
            format!("/api/players/{}/battles", ada.id),
            401,
            "UNAUTHORIZED",
        ),
        (
            Some(&ada),
            format!("/api/players/{unknown}"),
            404,
            "USER_NOT_FOUND",
        ),
        (
            Some(&ada),
            "/api/players/nobody".to_owned(),
            404,
            "USER_NOT_FOUND",
        ),
        (
            Some(&ada),
            format!("/api/players/{}", "x".repeat(33)),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            Some(&ada),
            format!("/api/players/{unknown}/battles"),
            404,
            "USER_NOT_FOUND",
        ),
        (
            Some(&ada),
            "/api/players/ada/battles".to_owned(),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            Some(&ada),
            format!("/api/players/{}/battles?limit=0", ada.id),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            Some(&ada),
            format!("/api/players/{}/battles?limit=51", ada.id),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            Some(&ada),
            format!("/api/players/{}/battles?before=abc", ada.id),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            Some(&ada),
            format!("/api/players/{}/battles?page=2", ada.id),
            422,
            "INVALID_PAYLOAD",
        ),
    ];
    for (player, path, want_status, want_code) in cases {
        let (status, body) = app.get_as(player, &path).await;
        assert_eq!((status, code(&body)), (want_status, want_code), "{path}");
    }
    // A player with no battles yet.
    let (status, profile) = app
        .get_as(Some(&ada), &format!("/api/players/{}", ada.id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(profile["recent_battles"], serde_json::json!([]));
    assert_eq!(profile["languages"], serde_json::json!([]));
}
