//! The tournament scheduler against real PostgreSQL and Redis, with several instances on the
//! same stores: each due match gets exactly one battle however many schedulers race for it
//! (ticked by hand at the same moment, or running their own loops), a scheduler stopped in the
//! middle of a round loses nothing, and the tournament list pages by keyset.

use std::time::Duration;

use chrono::Utc;
use joust_battle::{Settings, auth::Player, tournaments::scheduler::Scheduler};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    TestApp, spawn_app_with, spawn_scheduler_with,
    tournaments::{a_problem, account, get, post},
};

pub(crate) const COUNTDOWN: Duration = Duration::from_millis(50);

/// Notices due at once, and no no-show checks unless a test lowers the grace.
pub(crate) fn short(settings: &mut Settings) {
    settings.tournaments.notice = Duration::ZERO;
    settings.tournaments.no_show_grace = Duration::from_secs(3600);
}

/// A started tournament and its players, in seed order.
pub(crate) struct Running {
    pub id: Uuid,
    pub base: String,
    pub organizer: Player,
    pub field: Vec<Player>,
}

/// Creates a tournament with `settings` (format fields) that started twelve hours ago with
/// ten-minute rounds (so every round is past due: each match starts as soon as its players are
/// known and free), registers and checks in `n` players and starts it, seeded in their order.
pub(crate) async fn running(app: &TestApp, settings: Value, n: usize) -> Running {
    let organizer = account(
        app,
        &format!("org{}", &Uuid::new_v4().simple().to_string()[..8]),
        "organizer",
        1500,
    )
    .await;
    let mut field = Vec::new();
    for i in 0..n {
        let name = format!("p{i:02}{}", &Uuid::new_v4().simple().to_string()[..6]);
        field.push(account(app, &name, "learner", 1400 - 10 * i as i32).await);
    }
    let mut body = json!({
        "name": "Scheduled cup",
        "problem_pool": [a_problem(app).await],
        "starts_at": (Utc::now() - chrono::Duration::hours(12)).to_rfc3339(),
        "round_interval_secs": 600,
        "battle_secs": 600,
    });
    for (key, value) in settings.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, t) = post(app, "/api/tournaments", Some(&organizer), body).await;
    assert_eq!(status, 201, "{t}");
    let id = Uuid::parse_str(t["id"].as_str().unwrap()).unwrap();
    let base = format!("/api/tournaments/{id}");
    let step = |path: &'static str| format!("{base}/{path}");
    let ok = |(status, body): (u16, Value)| assert_eq!(status, 200, "{body}");
    ok(post(
        app,
        &step("open-registration"),
        Some(&organizer),
        json!(null),
    )
    .await);
    for p in &field {
        ok(post(app, &step("registration"), Some(p), json!(null)).await);
    }
    ok(post(app, &step("open-check-in"), Some(&organizer), json!(null)).await);
    for p in &field {
        ok(post(app, &step("check-in"), Some(p), json!(null)).await);
    }
    let order: Vec<Uuid> = field.iter().map(|p| p.id).collect();
    let start = json!({"seeding": "manual", "order": order});
    ok(post(app, &step("start"), Some(&organizer), start).await);
    Running {
        id,
        base,
        organizer,
        field,
    }
}

/// The tournament's matches that have a battle: (match id, battle id).
pub(crate) async fn launched(app: &TestApp, tournament: Uuid) -> Vec<(i32, Uuid)> {
    sqlx::query_as(
        "SELECT match_id, battle_id FROM tournament_matches
         WHERE tournament_id = $1 AND battle_id IS NOT NULL ORDER BY match_id",
    )
    .bind(tournament)
    .fetch_all(&app.state.pool)
    .await
    .unwrap()
}

/// Battles created for the tournament's matches (their pairing key names the match).
pub(crate) async fn battles_of(app: &TestApp, tournament: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM battles WHERE pairing_key LIKE $1")
        .bind(format!("tournament:{tournament}:%"))
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

/// Every scheduler ticks at once.
async fn race(schedulers: &[Scheduler]) {
    futures::future::join_all(schedulers.iter().map(Scheduler::tick)).await;
}

/// Each launched match has its own battle, between the match's players, and no other battle
/// was created for the tournament.
async fn one_battle_per_match(app: &TestApp, tournament: Uuid, expected: usize) {
    let launched = launched(app, tournament).await;
    assert_eq!(launched.len(), expected);
    assert_eq!(battles_of(app, tournament).await, expected as i64);
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tournament_matches m JOIN battles b ON b.id = m.battle_id
         WHERE m.tournament_id = $1
           AND (b.player_a <> m.player_a OR b.player_b <> m.player_b
                OR b.pairing_key <> 'tournament:' || m.tournament_id || ':' || m.match_id)",
    )
    .bind(tournament)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);
}

#[tokio::test]
async fn three_schedulers_ticking_at_once_start_each_due_match_once() {
    let app = spawn_app_with(COUNTDOWN, short).await;
    let second = spawn_scheduler_with(&app, COUNTDOWN, short).await;
    let third = spawn_scheduler_with(&app, COUNTDOWN, short).await;
    let t = running(&app, json!({"format": "single_elimination"}), 16).await;
    let schedulers = [app.scheduler.clone(), second, third];
    // Round 1's eight matches are all due now; the three instances race for them, tick after
    // tick, until each has its battle.
    for _ in 0..100 {
        race(&schedulers).await;
        if launched(&app, t.id).await.len() == 8 {
            break;
        }
    }
    // More racing ticks create nothing more.
    for _ in 0..3 {
        race(&schedulers).await;
    }
    one_battle_per_match(&app, t.id, 8).await;
    let started: u64 = schedulers.iter().map(|s| s.metrics().started.get()).sum();
    assert_eq!(started, 8);
    let notices: u64 = schedulers.iter().map(|s| s.metrics().notices.get()).sum();
    assert_eq!(notices, 8, "each match is announced once");
    let lags: u64 = schedulers
        .iter()
        .map(|s| s.metrics().start_lag.get_sample_count())
        .sum();
    assert_eq!(lags, 8);
    let text = app.metrics_text().await;
    assert!(text.contains("handler=\"tournament_scheduler:launch\""));
    assert!(text.contains("tournament_matches_started_total"));
}

#[tokio::test]
async fn two_instances_running_their_scheduler_loops_start_each_match_once() {
    let looping = |s: &mut Settings| {
        short(s);
        s.tournaments.scheduler = true;
        s.tournaments.tick = Duration::from_millis(20);
    };
    let app = spawn_app_with(COUNTDOWN, short).await;
    spawn_scheduler_with(&app, COUNTDOWN, looping).await;
    spawn_scheduler_with(&app, COUNTDOWN, looping).await;
    let t = running(&app, json!({"format": "round_robin"}), 12).await;
    // Round 1 of a 12-player round robin: six matches.
    for _ in 0..600 {
        if launched(&app, t.id).await.len() == 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Let both loops go round a few more times.
    tokio::time::sleep(Duration::from_millis(200)).await;
    one_battle_per_match(&app, t.id, 6).await;
}

/// The Redis keys of the battle-creation locks held on `tournament`'s matches.
async fn held_locks(app: &TestApp, tournament: Uuid) -> usize {
    let mut redis = app.state.redis.clone();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!(
            "{}lock:tournament:{tournament}:*",
            app.state.redis_prefix
        ))
        .query_async(&mut redis)
        .await
        .unwrap();
    keys.len()
}

#[tokio::test]
async fn a_scheduler_stopped_mid_round_loses_nothing() {
    let app = spawn_app_with(COUNTDOWN, short).await;
    // This instance stalls every creation while holding the match's lock (a paused process),
    // four at a time, with a short lock TTL.
    let stalled = spawn_scheduler_with(&app, COUNTDOWN, |s| {
        short(s);
        s.lock.test_hold = Duration::from_secs(60);
        s.lock.ttl = Duration::from_millis(1000);
        s.lock.extend_threshold = Duration::from_millis(400);
        s.tournaments.tick = Duration::from_millis(20);
    })
    .await;
    let t = running(&app, json!({"format": "single_elimination"}), 16).await;
    let stalled_loop = tokio::spawn(stalled.clone().run());
    for _ in 0..500 {
        if held_locks(&app, t.id).await == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        held_locks(&app, t.id).await,
        4,
        "four creations are stalled"
    );
    // Meanwhile another instance starts the matches that are not locked: the round is half
    // done when the stalled scheduler is killed in the middle of its four creations.
    let other = app.scheduler.clone();
    other.tick().await;
    assert_eq!(launched(&app, t.id).await.len(), 4);
    stalled_loop.abort();
    // The killed holder's locks expire on their own; the next ticks start the rest, once.
    for _ in 0..200 {
        if launched(&app, t.id).await.len() == 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        other.tick().await;
    }
    one_battle_per_match(&app, t.id, 8).await;
    assert_eq!(stalled.metrics().started.get(), 0);
    assert_eq!(other.metrics().started.get(), 8);

    // Every battle of the round finishes while no scheduler runs at all: the results wait in
    // the outbox.
    for (_, battle) in launched(&app, t.id).await {
        let loser = loser_of(&app, &t, battle).await;
        app.resign(&loser, battle).await.unwrap();
    }
    assert_eq!(app.count("tournament_results").await, 8);
    // A scheduler started afterwards (a restarted instance) applies them and starts round 2.
    let restarted = spawn_scheduler_with(&app, COUNTDOWN, short).await;
    restarted.tick().await;
    assert_eq!(app.count("tournament_results").await, 0);
    assert_eq!(
        restarted
            .metrics()
            .results
            .with_label_values(&["applied"])
            .get(),
        8
    );
    one_battle_per_match(&app, t.id, 12).await;
}

/// The battle's player seeded lower (later in `t.field`).
pub(crate) async fn loser_of(app: &TestApp, t: &Running, battle: Uuid) -> Player {
    let (a, b): (Uuid, Uuid) =
        sqlx::query_as("SELECT player_a, player_b FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    let seed = |id: Uuid| t.field.iter().position(|p| p.id == id).unwrap();
    t.field[seed(a).max(seed(b))].clone()
}

#[tokio::test]
async fn the_tournament_list_pages_by_keyset_and_refuses_bad_pages() {
    let app = spawn_app_with(COUNTDOWN, short).await;
    let organizer = account(&app, "lister", "organizer", 1500).await;
    let problem = a_problem(&app).await;
    for hours in 1..=5 {
        let body = json!({
            "name": format!("Cup {hours}"),
            "format": "swiss",
            "problem_pool": [problem],
            "starts_at": (Utc::now() + chrono::Duration::hours(hours)).to_rfc3339(),
            "round_interval_secs": 600,
            "battle_secs": 600,
        });
        assert_eq!(
            post(&app, "/api/tournaments", Some(&organizer), body)
                .await
                .0,
            201
        );
    }
    let mut names = Vec::new();
    let mut path = "/api/tournaments?limit=2".to_owned();
    loop {
        let (status, page) = get(&app, &path).await;
        assert_eq!(status, 200, "{page}");
        let list = page["tournaments"].as_array().unwrap();
        assert!(list.len() <= 2);
        names.extend(list.iter().map(|t| t["name"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/tournaments?limit=2&before={next}"),
            None => break,
        }
    }
    assert_eq!(names, ["Cup 5", "Cup 4", "Cup 3", "Cup 2", "Cup 1"]);
    let (_, all) = get(&app, "/api/tournaments").await;
    assert_eq!(all["tournaments"].as_array().unwrap().len(), 5);
    assert!(all["next"].is_null());
    for bad in [
        "?limit=0",
        "?limit=101",
        "?limit=x",
        "?before=nope",
        "?before=1.2",
        "?page=2",
    ] {
        let (status, body) = get(&app, &format!("/api/tournaments{bad}")).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("INVALID_PAYLOAD")),
            "{bad}: {body}"
        );
    }
    let long = format!("/api/tournaments?before={}", "9".repeat(2000));
    assert_eq!(get(&app, &long).await.0, 422);
}
