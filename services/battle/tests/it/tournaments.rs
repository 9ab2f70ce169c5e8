//! Tournaments over real HTTP: the organizer flow from creation to a champion, the export
//! against the bracket library's own, corrections (override, reschedule, disqualify), the
//! command line, and the abuse classes: bad shape, too big, unauthorized, unknown ids,
//! conflicts and floods.

use std::time::Duration;

use joust_battle::{
    auth::Player,
    tournaments::cli::{self, TournamentCommand},
};
use joust_brackets::{Entrant, Format, MatchId, Outcome, Seeding, Side, Stage, export};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, spawn_app};

/// A registered account with `role` and `rating`, inserted directly.
pub(crate) async fn account(app: &TestApp, name: &str, role: &str, rating: i32) -> Player {
    let player = Player {
        id: Uuid::new_v4(),
        name: name.to_owned(),
    };
    sqlx::query(
        "INSERT INTO users (id, name, role, rating, password_hash, registered_at)
         VALUES ($1, $2, $3::user_role, $4, 'unused', now())",
    )
    .bind(player.id)
    .bind(&player.name)
    .bind(role)
    .bind(rating)
    .execute(&app.state.pool)
    .await
    .unwrap();
    player
}

pub(crate) async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    as_player: Option<&Player>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.http.request(method, format!("{}{path}", app.url));
    if let Some(player) = as_player {
        request = request.bearer_auth(app.state.tokens.issue(player));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn post(
    app: &TestApp,
    path: &str,
    p: Option<&Player>,
    body: Value,
) -> (u16, Value) {
    call(app, reqwest::Method::POST, path, p, Some(body)).await
}

pub(crate) async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    call(app, reqwest::Method::GET, path, None, None).await
}

pub(crate) async fn a_problem(app: &TestApp) -> Uuid {
    sqlx::query_scalar("SELECT id FROM problems LIMIT 1")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

/// The routes of one tournament, by their path below `/api/tournaments/{id}`.
struct Routes<'a> {
    app: &'a TestApp,
    base: String,
}

impl<'a> Routes<'a> {
    fn of(app: &'a TestApp, id: impl std::fmt::Display) -> Self {
        let base = format!("/api/tournaments/{id}");
        Self { app, base }
    }

    /// The routes of a tournament from the body that describes it.
    fn created(app: &'a TestApp, tournament: &Value) -> Self {
        Self::of(app, tournament["id"].as_str().unwrap())
    }

    fn id(&self) -> Uuid {
        Uuid::parse_str(&self.base["/api/tournaments/".len()..]).unwrap()
    }

    async fn send(
        &self,
        method: reqwest::Method,
        below: &str,
        who: Option<&Player>,
        body: Option<Value>,
    ) -> (u16, Value) {
        call(
            self.app,
            method,
            &format!("{}{below}", self.base),
            who,
            body,
        )
        .await
    }

    async fn post(&self, below: &str, who: &Player, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, below, Some(who), Some(body))
            .await
    }

    async fn put(&self, below: &str, who: &Player, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, below, Some(who), Some(body))
            .await
    }

    async fn delete(&self, below: &str, who: &Player) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, below, Some(who), None)
            .await
    }

    async fn get(&self, below: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, below, None, None).await
    }
}

/// An answer's status and its error code, if it is a refusal.
fn code((status, body): (u16, Value)) -> (u16, Option<String>) {
    (status, body["error"]["code"].as_str().map(str::to_owned))
}

fn refused(status: u16, code: &str) -> (u16, Option<String>) {
    (status, Some(code.to_owned()))
}

fn settings(problem: Uuid, format: &str) -> Value {
    json!({
        "name": "Winter cup",
        "format": format,
        "problem_pool": [problem],
        "starts_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339(),
        "round_interval_secs": 1800,
        "battle_secs": 900,
    })
}

/// A tournament created by `organizer` with `players` registered and checked in; not started.
async fn ready_to_start<'a>(
    app: &'a TestApp,
    organizer: &Player,
    players: &[Player],
) -> Routes<'a> {
    let problem = a_problem(app).await;
    let (status, t) = post(
        app,
        "/api/tournaments",
        Some(organizer),
        settings(problem, "single_elimination"),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    let at = Routes::created(app, &t);
    let (status, t) = at.post("/open-registration", organizer, json!(null)).await;
    assert_eq!(
        (status, t["state"].as_str()),
        (200, Some("registration")),
        "{t}"
    );
    for p in players {
        let (status, body) = at.post("/registration", p, json!(null)).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        at.post("/open-check-in", organizer, json!(null)).await.0,
        200
    );
    for p in players {
        let (status, body) = at.post("/check-in", p, json!(null)).await;
        assert_eq!(status, 200, "{body}");
    }
    at
}

async fn players(app: &TestApp, n: usize) -> Vec<Player> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(account(app, &format!("player{i}"), "learner", 1000 + 100 * i as i32).await);
    }
    out
}

#[tokio::test]
async fn eight_players_play_a_bracket_to_a_champion() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let field = players(&app, 8).await;
    let at = ready_to_start(&app, &organizer, &field).await;
    let (status, t) = at.post("/start", &organizer, json!({})).await;
    assert_eq!((status, t["state"].as_str()), (200, Some("running")), "{t}");
    assert_eq!(t["checked_in"], 8);

    // The export is what the library draws for the same players and seeding.
    let entrants: Vec<Entrant> = field
        .iter()
        .map(|p| Entrant {
            name: p.name.clone(),
            rating: Some(1000 + 100 * p.name[6..].parse::<i32>().unwrap()),
        })
        .collect();
    let format = Format::SingleElimination {
        third_place_match: false,
    };
    let mut expected = Stage::new(format, entrants, Seeding::ByRating).unwrap();
    let model = |stage: &Stage| {
        serde_json::to_value(export::to_brackets_model(stage, 0, "Winter cup")).unwrap()
    };
    let (status, bracket) = at.get("/bracket").await;
    assert_eq!(status, 200);
    assert_eq!(bracket, model(&expected));

    // The first side wins every ready match until the tournament finishes.
    let mut reported = 0;
    loop {
        let (_, detail) = at.get("").await;
        if detail["state"] == "finished" {
            break;
        }
        let ready: Vec<u64> = detail["matches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == "ready")
            .map(|m| m["id"].as_u64().unwrap())
            .collect();
        assert!(
            !ready.is_empty(),
            "a running tournament has a ready match: {detail}"
        );
        for id in ready {
            let (status, body) = at
                .post(
                    &format!("/matches/{id}/result"),
                    &organizer,
                    json!({"outcome": "first"}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            expected
                .record(MatchId(id as u32), Outcome::Winner(Side::First))
                .unwrap();
            reported += 1;
        }
    }
    assert_eq!(reported, 7);
    let (_, bracket) = at.get("/bracket").await;
    assert_eq!(bracket, model(&expected));

    // The top seed (the highest rating) is the champion; the final's loser is second.
    let (status, standings) = at.get("/standings").await;
    assert_eq!(status, 200);
    assert_eq!(standings[0]["rank"], 1);
    assert_eq!(standings[0]["user_id"], field[7].id.to_string());
    assert_eq!(standings[1]["rank"], 2);
    assert_eq!(standings.as_array().unwrap().len(), 8);

    // The command line reads the same bracket.
    let id = at.id();
    let printed = cli::run(&app.state.pool, TournamentCommand::Export(id))
        .await
        .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&printed).unwrap(), bracket);

    // Every handler was timed.
    let metrics = app.metrics_text().await;
    for label in [
        "tournaments:create",
        "tournaments:start",
        "tournaments:report",
        "tournaments:bracket",
    ] {
        assert!(metrics.contains(&format!("handler=\"{label}\"")), "{label}");
    }
}

#[tokio::test]
async fn the_command_line_runs_a_tournament_as_the_operator() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let field = players(&app, 3).await;
    let problem = a_problem(&app).await;
    let file = std::env::temp_dir().join(format!("tournament-{}.json", Uuid::new_v4()));
    std::fs::write(&file, settings(problem, "round_robin").to_string()).unwrap();
    let create = cli::parse(&[
        "tournament".into(),
        "create".into(),
        "organizer".into(),
        file.display().to_string(),
    ])
    .unwrap()
    .unwrap();
    let id = cli::run(&app.state.pool, create).await.unwrap();
    std::fs::remove_file(&file).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["tournament".to_owned()];
        all.extend(args.iter().map(|a| (*a).to_owned()));
        cli::parse(&all).unwrap().unwrap()
    };
    cli::run(&app.state.pool, run(&["open", &id]))
        .await
        .unwrap();
    let at = Routes::of(&app, &id);
    for p in &field {
        assert_eq!(at.post("/registration", p, json!(null)).await.0, 200);
    }
    // Starting needs the check-in window.
    let refused = cli::run(&app.state.pool, run(&["start", &id]))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().starts_with("TOURNAMENT_STATE"),
        "{refused}"
    );
    cli::run(&app.state.pool, run(&["check-in", &id]))
        .await
        .unwrap();
    for p in &field {
        assert_eq!(at.post("/check-in", p, json!(null)).await.0, 200);
    }
    let order: Vec<String> = field.iter().map(|p| p.id.to_string()).collect();
    let mut args = vec!["start", id.as_str(), "manual"];
    args.extend(order.iter().map(String::as_str));
    cli::run(&app.state.pool, run(&args)).await.unwrap();
    let shown: Value = serde_json::from_str(
        &cli::run(&app.state.pool, run(&["show", &id]))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(shown["state"], "running");
    assert_eq!(shown["seeding"], "manual");
    assert_eq!(shown["organizer_id"], organizer.id.to_string());
    // Manual seeding keeps the given order: the lowest rating is the top seed.
    assert_eq!(shown["entrants"][0]["user_id"], field[0].id.to_string());
    assert_eq!(shown["matches"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn organizers_correct_a_running_bracket() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let field = players(&app, 4).await;
    let at = ready_to_start(&app, &organizer, &field).await;
    assert_eq!(at.post("/start", &organizer, json!({})).await.0, 200);
    // Match 0: seeds 1 and 4; match 1: seeds 2 and 3.
    let result = |m: u32| format!("/matches/{m}/result");
    let (status, _) = at
        .post(&result(0), &organizer, json!({"outcome": "first"}))
        .await;
    assert_eq!(status, 200);
    let (status, body) = at
        .post(&result(0), &organizer, json!({"outcome": "first"}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("MATCH_ALREADY_DECIDED"))
    );
    let (status, body) = at
        .put(&result(0), &organizer, json!({"outcome": "second"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, detail) = at.get("").await;
    assert_eq!(detail["matches"][0]["outcome"], "second");
    assert_eq!(detail["matches"][2]["players"][0], field[0].id.to_string());

    // A match not yet played moves; a decided one does not.
    // Whole seconds: the database keeps microseconds.
    let when = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() + 5 * 3600, 0)
        .unwrap()
        .to_rfc3339();
    let schedule = |m: u32| format!("/matches/{m}/schedule");
    let (status, body) = at
        .put(&schedule(1), &organizer, json!({"scheduled_at": when}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(body["scheduled_at"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&when).unwrap()
    );
    let (status, body) = at
        .put(&schedule(0), &organizer, json!({"scheduled_at": when}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("MATCH_STARTED"))
    );

    // A disqualified player forfeits their ready match, once.
    let (status, _) = at
        .post("/disqualify", &organizer, json!({"user_id": field[2].id}))
        .await;
    assert_eq!(status, 200);
    let (_, detail) = at.get("").await;
    let forfeit = detail["matches"][1]["outcome"].as_str().unwrap();
    assert!(forfeit.ends_with("(forfeit)"), "{forfeit}");
    let (status, body) = at
        .post("/disqualify", &organizer, json!({"user_id": field[2].id}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("ALREADY_DISQUALIFIED"))
    );
    // The overridden match fed the final, which is ready now: match 0 is locked in.
    let (status, body) = at
        .put(&result(0), &organizer, json!({"outcome": "first"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = at
        .post(&result(2), &organizer, json!({"outcome": "first"}))
        .await;
    assert_eq!(status, 200);
    let (status, body) = at
        .put(&result(0), &organizer, json!({"outcome": "second"}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("TOURNAMENT_STATE"))
    );
}

#[tokio::test]
async fn tournament_actions_need_the_right_account() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let rival = account(&app, "rival", "organizer", 1200).await;
    let admin = account(&app, "admin", "admin", 1200).await;
    let learner = account(&app, "learner", "learner", 1200).await;
    let problem = a_problem(&app).await;
    let body = settings(problem, "single_elimination");
    assert_eq!(
        code(post(&app, "/api/tournaments", None, body.clone()).await),
        refused(401, "UNAUTHORIZED")
    );
    assert_eq!(
        code(post(&app, "/api/tournaments", Some(&learner), body.clone()).await),
        refused(403, "FORBIDDEN")
    );
    let (status, t) = post(&app, "/api/tournaments", Some(&organizer), body).await;
    assert_eq!(status, 201);
    let at = Routes::created(&app, &t);
    // Only its organizer or an admin manages it.
    for who in [&rival, &learner] {
        assert_eq!(
            code(at.post("/open-registration", who, json!(null)).await).0,
            403
        );
    }
    assert_eq!(
        at.post("/open-registration", &admin, json!(null)).await.0,
        200
    );
    // Guests cannot enter.
    let guest = app.guest("wanderer").await;
    assert_eq!(
        code(at.post("/registration", &guest, json!(null)).await),
        refused(403, "GUEST_NOT_ALLOWED")
    );
    assert_eq!(at.post("/registration", &learner, json!(null)).await.0, 200);
    assert_eq!(at.post("/registration", &rival, json!(null)).await.0, 200);
    assert_eq!(
        at.post("/open-check-in", &organizer, json!(null)).await.0,
        200
    );
    for p in [&learner, &rival] {
        assert_eq!(at.post("/check-in", p, json!(null)).await.0, 200);
    }
    assert_eq!(at.post("/start", &rival, json!({})).await.0, 403);
    assert_eq!(at.post("/start", &organizer, json!({})).await.0, 200);
    assert_eq!(
        code(
            at.post("/matches/0/result", &learner, json!({"outcome": "first"}))
                .await
        )
        .0,
        403
    );
}

#[tokio::test]
async fn malformed_oversized_and_unknown_requests_are_refused() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let problem = a_problem(&app).await;
    let create = |body: Value| post(&app, "/api/tournaments", Some(&organizer), body);
    assert_eq!(
        code(create(json!({"name": "x"})).await),
        refused(422, "INVALID_BODY")
    );
    let mut extra = settings(problem, "swiss");
    extra["owner"] = json!("me");
    assert_eq!(code(create(extra).await).0, 422);
    let mut bad = settings(problem, "swiss");
    bad["battle_secs"] = json!(1);
    assert_eq!(code(create(bad).await), refused(422, "INVALID_PAYLOAD"));
    let mut crowded = settings(problem, "round_robin");
    crowded["max_participants"] = json!(65);
    assert_eq!(code(create(crowded).await), refused(422, "INVALID_PAYLOAD"));
    let mut bad = settings(problem, "swiss");
    bad["format"] = json!("knockout");
    assert_eq!(code(create(bad).await), refused(422, "INVALID_BODY"));
    let mut bad = settings(problem, "swiss");
    bad["name"] = json!("   ");
    assert_eq!(code(create(bad).await), refused(422, "INVALID_PAYLOAD"));
    let mut unknown = settings(problem, "swiss");
    unknown["problem_pool"] = json!([Uuid::new_v4()]);
    assert_eq!(
        code(create(unknown).await),
        refused(404, "PROBLEM_NOT_FOUND")
    );
    let mut huge = settings(problem, "swiss");
    huge["name"] = json!("x".repeat(300 * 1024));
    assert_eq!(code(create(huge).await), refused(413, "BODY_TOO_LARGE"));
    let response = app
        .http
        .post(format!("{}/api/tournaments", app.url))
        .bearer_auth(app.state.tokens.issue(&organizer))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);

    let missing = Routes::of(&app, Uuid::new_v4());
    assert_eq!(
        code(missing.get("").await),
        refused(404, "TOURNAMENT_NOT_FOUND")
    );
    assert_eq!(
        code(get(&app, "/api/tournaments/nope/bracket").await),
        refused(422, "INVALID_PAYLOAD")
    );
    assert_eq!(
        code(missing.post("/start", &organizer, json!({})).await),
        refused(404, "TOURNAMENT_NOT_FOUND")
    );

    let field = players(&app, 2).await;
    let at = ready_to_start(&app, &organizer, &field).await;
    assert_eq!(
        code(
            at.post("/start", &organizer, json!({"seeding": "manual"}))
                .await
        )
        .0,
        422
    );
    assert_eq!(
        code(
            at.post(
                "/start",
                &organizer,
                json!({"seeding": "manual", "order": [field[0].id]})
            )
            .await
        )
        .0,
        422
    );
    assert_eq!(at.post("/start", &organizer, json!({})).await.0, 200);
    assert_eq!(
        code(
            at.post(
                "/matches/99/result",
                &organizer,
                json!({"outcome": "first"})
            )
            .await
        ),
        refused(404, "UNKNOWN_MATCH")
    );
    assert_eq!(
        code(
            at.post("/matches/x/result", &organizer, json!({"outcome": "first"}))
                .await
        )
        .0,
        422
    );
    assert_eq!(
        code(
            at.post("/matches/0/result", &organizer, json!({"outcome": "draw"}))
                .await
        ),
        refused(422, "DRAW_NOT_ALLOWED")
    );
    assert_eq!(
        code(
            at.post(
                "/disqualify",
                &organizer,
                json!({"user_id": Uuid::new_v4()})
            )
            .await
        ),
        refused(404, "PARTICIPANT_NOT_FOUND")
    );
}

#[tokio::test]
async fn actions_out_of_turn_are_conflicts() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let field = players(&app, 3).await;
    let problem = a_problem(&app).await;
    let (_, t) = post(
        &app,
        "/api/tournaments",
        Some(&organizer),
        settings(problem, "single_elimination"),
    )
    .await;
    let at = Routes::created(&app, &t);
    assert_eq!(
        code(at.post("/registration", &field[0], json!(null)).await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        code(at.post("/start", &organizer, json!({})).await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        code(at.get("/bracket").await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        at.post("/open-registration", &organizer, json!(null))
            .await
            .0,
        200
    );
    assert_eq!(
        code(at.post("/open-registration", &organizer, json!(null)).await),
        refused(409, "TOURNAMENT_STATE")
    );
    for p in &field[..2] {
        assert_eq!(at.post("/registration", p, json!(null)).await.0, 200);
    }
    assert_eq!(
        code(at.post("/registration", &field[0], json!(null)).await),
        refused(409, "ALREADY_ENTERED")
    );
    assert_eq!(
        code(at.post("/check-in", &field[0], json!(null)).await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        at.post("/open-check-in", &organizer, json!(null)).await.0,
        200
    );
    assert_eq!(
        code(at.post("/check-in", &field[2], json!(null)).await),
        refused(409, "NOT_ENTERED")
    );
    assert_eq!(at.post("/check-in", &field[0], json!(null)).await.0, 200);
    // One checked-in player is no bracket.
    assert_eq!(
        code(at.post("/start", &organizer, json!({})).await),
        refused(409, "TOO_FEW_PARTICIPANTS")
    );
    assert_eq!(at.post("/check-in", &field[1], json!(null)).await.0, 200);
    assert_eq!(at.post("/start", &organizer, json!({})).await.0, 200);
    assert_eq!(
        code(at.post("/start", &organizer, json!({})).await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        code(at.post("/registration", &field[2], json!(null)).await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        code(at.delete("/registration", &field[0]).await),
        refused(409, "TOURNAMENT_STATE")
    );
    assert_eq!(
        code(
            at.put("/matches/0/result", &organizer, json!({"outcome": "first"}))
                .await
        ),
        refused(409, "NOTHING_TO_OVERRIDE")
    );
    assert_eq!(
        at.post(
            "/matches/0/result",
            &organizer,
            json!({"outcome": "second"})
        )
        .await
        .0,
        200
    );
    // The only match decided the tournament: reporting again finds it finished.
    assert_eq!(
        code(
            at.post("/matches/0/result", &organizer, json!({"outcome": "first"}))
                .await
        ),
        refused(409, "TOURNAMENT_STATE")
    );
    let (_, standings) = at.get("/standings").await;
    // The higher rating was the first side; the second side won.
    assert_eq!(standings[0]["user_id"], field[0].id.to_string());
    assert!(
        app.metric("tournament_actions_refused_total{code=\"TOURNAMENT_STATE\"}")
            .await
            >= 5.0
    );
}

#[tokio::test]
async fn a_flood_of_actions_or_reads_is_rate_limited() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let organizer = account(&app, "organizer", "organizer", 1200).await;
    let path = format!("/api/tournaments/{}/open-registration", Uuid::new_v4());
    // All at once, so the allowance barely refills while they run.
    let actions = futures::future::join_all(
        (0..200).map(|_| post(&app, &path, Some(&organizer), json!(null))),
    )
    .await;
    let limited = actions.iter().filter(|(status, _)| *status == 429).count();
    assert!(limited >= 20, "{limited} of 200 actions limited");
    assert!(actions.iter().all(|(status, body)| match status {
        429 => body["error"]["code"] == "RATE_LIMITED",
        _ => body["error"]["code"] == "TOURNAMENT_NOT_FOUND",
    }));
    let reads = futures::future::join_all((0..150).map(|_| get(&app, "/api/tournaments"))).await;
    let limited = reads.iter().filter(|(status, _)| *status == 429).count();
    assert!(limited >= 20, "{limited} of 150 reads limited");
}
