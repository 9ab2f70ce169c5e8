//! The leaderboard over HTTP: keyset pages, the 30-day filter, ranks, refused input and the
//! per-caller limit; and the live top 100's change detection.

use std::time::Duration;

use joust_battle::{leaderboard::live::TopCache, settings::Rate};
use joust_common::domain::RatingChange;
use serde_json::Value;
use uuid::Uuid;

use crate::{TestApp, spawn_app, spawn_app_with};

/// A guest with a rating, a number of rated battles and the days since its last one.
async fn ranked(app: &TestApp, name: &str, rating: i32, battles: i32, days_ago: i32) -> Uuid {
    let player = app.guest(name).await;
    sqlx::query(
        "UPDATE users SET rating = $2, rating_exact = $2, rating_deviation = 60,
             rated_battles = $3, last_battle_at = now() - make_interval(days => $4)
         WHERE id = $1",
    )
    .bind(player.id)
    .bind(rating)
    .bind(battles)
    .bind(days_ago)
    .execute(&app.stores.pool)
    .await
    .unwrap();
    player.id
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app
        .http
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn ids(page: &Value) -> Vec<Uuid> {
    page["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Uuid::parse_str(p["user_id"].as_str().unwrap()).unwrap())
        .collect()
}

/// Players in leaderboard order: rating, then id, descending.
fn ordered(mut players: Vec<(i32, Uuid)>) -> Vec<Uuid> {
    players.sort_by(|a, b| b.cmp(a));
    players.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn pages_walk_the_whole_board_in_order_and_ranks_agree() {
    let app = spawn_app(Duration::from_secs(60)).await;
    let mut players = Vec::new();
    // Ties on 1500 are ordered by id.
    for (i, rating) in [1500, 1720, 1500, 1310, 1500, 1990, 1405]
        .into_iter()
        .enumerate()
    {
        let id = ranked(&app, &format!("p{i}"), rating, 3, 1).await;
        players.push((rating, id));
    }
    let stale = ranked(&app, "stale", 1800, 5, 45).await;
    players.push((1800, stale));
    let unrated = app.guest("newcomer").await.id;
    let expected = ordered(players.clone());

    let mut walked = Vec::new();
    let mut path = "/api/leaderboard?limit=3".to_owned();
    loop {
        let (status, page) = get(&app, &path).await;
        assert_eq!(status, 200, "{page}");
        walked.extend(ids(&page));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/leaderboard?limit=3&after={next}"),
            None => break,
        }
    }
    assert_eq!(walked, expected);
    assert!(
        !walked.contains(&unrated),
        "players without a battle are not ranked"
    );

    // Only players with a battle in the last 30 days.
    let (_, active) = get(&app, "/api/leaderboard?active=30d").await;
    let active_ids = ids(&active);
    assert_eq!(active_ids.len(), expected.len() - 1);
    assert!(!active_ids.contains(&stale));
    assert_eq!(active["players"][0]["rating"], 1990);
    assert_eq!(active["players"][0]["provisional"], false);

    for (position, id) in expected.iter().enumerate() {
        let (status, rank) = get(&app, &format!("/api/leaderboard/rank/{id}")).await;
        assert_eq!(status, 200, "{rank}");
        assert_eq!(rank["rank"], position as i64 + 1, "{rank}");
        assert_eq!(rank["user_id"], id.to_string());
    }
    let (status, rank) = get(&app, &format!("/api/leaderboard/rank/{unrated}")).await;
    assert_eq!(status, 200);
    assert!(rank.get("rank").is_none(), "{rank}");
    assert_eq!(rank["rating"], 1200);
    assert_eq!(rank["provisional"], true);
}

#[tokio::test]
async fn bad_queries_unknown_players_and_bad_tokens_get_typed_errors() {
    let app = spawn_app(Duration::from_secs(60)).await;
    ranked(&app, "ada", 1500, 1, 1).await;
    for query in [
        "limit=0",
        "limit=101",
        "limit=99999999999999999999",
        "limit=ten",
        "after=not-a-cursor",
        "after=MTIzNA",
        &format!("after={}", "A".repeat(5000)),
        "active=7d",
        "offset=10",
    ] {
        let (status, body) = get(&app, &format!("/api/leaderboard?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["code"], "INVALID_PAYLOAD", "{query}");
    }
    let (status, body) = get(&app, &format!("/api/leaderboard/rank/{}", Uuid::new_v4())).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("USER_NOT_FOUND"))
    );
    let (status, body) = get(&app, "/api/leaderboard/rank/12345").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("INVALID_PAYLOAD"))
    );

    let response = app
        .http
        .get(format!("{}/api/leaderboard", app.url))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "UNAUTHORIZED");
}

#[tokio::test]
async fn each_caller_has_its_own_allowance() {
    let app = spawn_app_with(Duration::from_secs(60), |s| {
        s.limits.leaderboard = Rate::new(0.01, 3);
    })
    .await;
    for _ in 0..3 {
        assert_eq!(get(&app, "/api/leaderboard").await.0, 200);
    }
    let (status, body) = get(&app, "/api/leaderboard").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    // A player with a session token is charged on its own account, not the address.
    let ada = app.guest("ada").await;
    let token = app.state.tokens.issue(&ada);
    let response = app
        .http
        .get(format!("{}/api/leaderboard/rank/{}", app.url, ada.id))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(app.metrics_text().await.contains("leaderboard:page"));
}

#[tokio::test]
async fn the_live_top_changes_only_when_a_battle_moves_it() {
    let app = spawn_app(Duration::from_secs(60)).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let battle = app.duel(&ada, &bo).await;
    app.resign(&ada, battle.battle_id).await.unwrap();
    let log = app.log(&bo, battle.battle_id).await;
    let finished = log.last().unwrap();
    let changes: Vec<RatingChange> =
        serde_json::from_value(finished.data["ratings"].clone()).unwrap();

    let cache = TopCache::new(app.stores.pool.clone());
    let top = cache
        .changed_by(&changes)
        .await
        .unwrap()
        .expect("the first rated battle changes an empty top");
    assert_eq!(
        top.iter().map(|s| s.user_id).collect::<Vec<_>>(),
        vec![bo.id, ada.id]
    );
    // The same change again: the top is what this instance last saw.
    assert_eq!(cache.changed_by(&changes).await.unwrap(), None);
}
