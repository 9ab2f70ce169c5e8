//! The battle service in-process, against real PostgreSQL and Redis: the HTTP API over a real
//! socket, and the duel operations the socket handlers call.

mod account_input;
mod accounts;
mod api_doc;
mod auth;
mod contention;
mod docs;
mod duel;
mod leaderboard;
mod lifecycle;
mod limits;
mod live_battles;
mod lobby;
mod lock;
mod lock_quorum;
mod matchmaking;
mod problems;
mod profiles;
mod rating_endings;
mod ratings;
mod replay;
mod runs;
mod scoring;
mod snapshot;
mod submission_limits;
mod tournament_play;
mod tournament_scheduler;
mod tournaments;
mod web;

use std::time::Duration;

use joust_battle::{
    AppState, Application, Settings, auth::Player, state::Io, tournaments::scheduler::Scheduler,
};
use joust_common::{domain::BattleEvent, settings::KeyRing, testing::TestStores};
use uuid::Uuid;

pub struct TestApp {
    pub url: String,
    /// The operations listener (`/metrics`, detailed `/readyz`).
    pub ops_url: String,
    pub state: AppState,
    pub io: Io,
    pub http: reqwest::Client,
    pub stores: TestStores,
    /// This instance's tournament scheduler; tests tick it by hand (its loop is off).
    pub scheduler: Scheduler,
}

pub async fn spawn_app(countdown: Duration) -> TestApp {
    spawn_app_with(countdown, |_| {}).await
}

/// Like [`spawn_app`], with settings adjusted by `configure`.
pub async fn spawn_app_with(countdown: Duration, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let stores = TestStores::new().await;
    let mut settings = test_settings(&stores, countdown);
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("battle service starts");
    let url = format!("http://127.0.0.1:{}", app.port());
    let ops_url = format!("http://127.0.0.1:{}", app.ops_port());
    let (state, io, scheduler) = (app.state(), app.io(), app.scheduler());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        url,
        ops_url,
        state,
        io,
        http: reqwest::Client::new(),
        stores,
        scheduler,
    }
}

/// Another instance of the service on the same stores as `app` (same database, same Redis
/// prefix), as a second process would be; returns the state its handlers run with.
pub async fn spawn_instance(app: &TestApp, countdown: Duration) -> AppState {
    spawn_instance_with(app, countdown, |_| {}).await
}

/// Like [`spawn_instance`], with settings adjusted by `configure`.
pub async fn spawn_instance_with(
    app: &TestApp,
    countdown: Duration,
    configure: impl FnOnce(&mut Settings),
) -> AppState {
    let mut settings = test_settings(&app.stores, countdown);
    configure(&mut settings);
    let instance = Application::build(settings)
        .await
        .expect("battle service starts");
    let state = instance.state();
    tokio::spawn(instance.run_until_stopped());
    state
}

/// Another instance on the same stores as `app`, as [`spawn_instance_with`]; returns its
/// tournament scheduler (whose loop runs only if `configure` turns it on).
pub async fn spawn_scheduler_with(
    app: &TestApp,
    countdown: Duration,
    configure: impl FnOnce(&mut Settings),
) -> Scheduler {
    let mut settings = test_settings(&app.stores, countdown);
    configure(&mut settings);
    let instance = Application::build(settings)
        .await
        .expect("battle service starts");
    let scheduler = instance.scheduler();
    tokio::spawn(instance.run_until_stopped());
    scheduler
}

fn test_settings(stores: &TestStores, countdown: Duration) -> Settings {
    let mut settings = Settings {
        stores: stores.store_settings(),
        port: 0,
        ops_port: 0,
        jwt: KeyRing::single("test-secret"),
        token_ttl: Duration::from_secs(600),
        countdown,
        sweep_interval: Duration::from_millis(100),
        handshake_rate: 1000.0,
        handshake_burst: 1000.0,
        drain_window: Duration::from_millis(500),
        snapshot_ttl: Duration::from_secs(60),
        ..Settings::default()
    };
    // Every test client is 127.0.0.1; the guest limit has its own test.
    settings.limits.guest = joust_battle::settings::Rate::OFF;
    // The auth limits have their own tests; a cheap hash keeps the others fast.
    settings.accounts.ip_rate = joust_battle::settings::Rate::OFF;
    settings.accounts.handle_rate = joust_battle::settings::Rate::OFF;
    settings.accounts.argon2_memory_kib = 1024;
    settings.accounts.argon2_iterations = 1;
    // Tournament tests tick the scheduler themselves.
    settings.tournaments.scheduler = false;
    settings
}

impl TestApp {
    /// A battle between `a` and `b`: `a` challenges, `b` accepts.
    pub async fn duel(&self, a: &Player, b: &Player) -> joust_battle::battles::BattleCreated {
        use joust_battle::battles::{self, AcceptChallenge, CreateChallenge};
        let challenge =
            battles::create_challenge(self.state.clone(), a.clone(), CreateChallenge::default())
                .await
                .unwrap();
        battles::accept_challenge(
            self.state.clone(),
            b.clone(),
            AcceptChallenge {
                code: challenge.code,
            },
        )
        .await
        .unwrap()
    }

    /// One guest per name, in order.
    pub async fn guests<const N: usize>(&self, names: [&str; N]) -> [Player; N] {
        let mut players = Vec::with_capacity(N);
        for name in names {
            players.push(self.guest(name).await);
        }
        players.try_into().expect("one player per name")
    }

    /// The battle's whole event log, as `player` reads it back.
    pub async fn log(&self, player: &Player, battle_id: Uuid) -> Vec<BattleEvent> {
        use joust_battle::battles::{self, Resume};
        let resume = Resume {
            battle_id,
            last_seq: 0,
        };
        battles::resume(self.state.clone(), player.clone(), resume)
            .await
            .unwrap()
            .events
    }

    /// `player` resigns the battle.
    pub async fn resign(
        &self,
        player: &Player,
        battle_id: Uuid,
    ) -> Result<joust_battle::battles::Resigned, joust_battle::error::ApiError> {
        use joust_battle::battles::{self, Resign};
        battles::resign(self.state.clone(), player.clone(), Resign { battle_id }).await
    }

    /// The whole `/metrics` page.
    pub async fn metrics_text(&self) -> String {
        let response = self
            .http
            .get(format!("{}/metrics", self.ops_url))
            .send()
            .await
            .unwrap();
        response.text().await.unwrap()
    }

    /// Rows in `table` of this test's database.
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&self.stores.pool)
            .await
            .unwrap()
    }

    /// The value of an unlabelled metric on `/metrics` (0 when absent).
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.metrics_text().await;
        let prefix = format!("{name} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map_or(0.0, |v| v.trim().parse().unwrap())
    }

    /// `GET path` on the public listener with `player`'s token (none when `None`): the status
    /// and the JSON body.
    pub async fn get_as(&self, player: Option<&Player>, path: &str) -> (u16, serde_json::Value) {
        let mut request = self.http.get(format!("{}{path}", self.url));
        if let Some(player) = player {
            request = request.bearer_auth(self.state.tokens.issue(player));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Creates a guest through the HTTP API and returns it as the socket layer would see it.
    pub async fn guest(&self, name: &str) -> Player {
        let response = self
            .http
            .post(format!("{}/api/auth/guest", self.url))
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        let player = self
            .state
            .tokens
            .verify(body["token"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            player.id,
            Uuid::parse_str(body["user_id"].as_str().unwrap()).unwrap()
        );
        player
    }
}
