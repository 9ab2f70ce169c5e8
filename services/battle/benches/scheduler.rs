//! Tournament scheduler benchmark: what the scheduler costs per match, on the service's own code
//! against a scratch database and Redis prefix (made and removed by `TestStores`). For a
//! 1,024-player single elimination (512 first-round matches) it measures, per match:
//!
//! - notices: claiming the due matches and emitting `tournament:match` to both players;
//! - launch: creating each match's battle (Redlock, fencing token, the conditional write, the
//!   `battle.created` event, its publication), with one scheduler, then with three instances
//!   ticking at once over the same due matches (contention included);
//! - results: applying each finished battle to the bracket from the outbox (restoring the
//!   stage, recording, writing the schedule rows), the 512 results of round 1.
//!
//! Each step's time is read from the scheduler's own `handler_duration_seconds` histograms, the
//! racing case from the wall clock. `make bench-tournaments` runs it; results go in
//! `docs/benchmarks.md`.

use std::time::{Duration, Instant};

use joust_battle::{
    Application, Settings,
    auth::Player,
    battles::{self, Resign},
    tournaments::{
        Actor, bracket,
        model::{SeedingMethod, StartRequest},
        scheduler::Scheduler,
    },
};
use joust_common::{settings::KeyRing, testing::TestStores};
use prometheus::HistogramVec;
use uuid::Uuid;

const PLAYERS: usize = 1024;

fn settings(stores: &TestStores) -> Settings {
    let mut settings = Settings {
        stores: stores.store_settings(),
        port: 0,
        ops_port: 0,
        jwt: KeyRing::single("bench-secret"),
        ..Settings::default()
    };
    settings.tournaments.scheduler = false;
    settings.tournaments.notice = Duration::ZERO;
    settings.tournaments.no_show_grace = Duration::from_secs(3600);
    settings.tournaments.min_secs = 1;
    settings
}

/// An instance on `stores`: its scheduler and its step histograms.
async fn instance(stores: &TestStores) -> anyhow::Result<(Scheduler, HistogramVec, Application)> {
    let app = Application::build(settings(stores)).await?;
    let histograms = app.state().metrics.handler_duration.clone();
    Ok((app.scheduler(), histograms, app))
}

/// Seconds spent in a scheduler step so far.
fn spent(histograms: &HistogramVec, step: &str) -> f64 {
    histograms
        .with_label_values(&[&format!("tournament_scheduler:{step}")])
        .get_sample_sum()
}

/// A started single elimination of `PLAYERS` registered players, its start a minute ago.
async fn tournament(stores: &TestStores) -> anyhow::Result<Uuid> {
    let pool = &stores.pool;
    let organizer = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO users (id, name, role, password_hash, registered_at)
         VALUES ($1, 'org ' || left($1::text, 8), 'organizer', 'unused', now())",
    )
    .bind(organizer)
    .execute(pool)
    .await?;
    let problem: Uuid = sqlx::query_scalar("SELECT id FROM problems LIMIT 1")
        .fetch_one(pool)
        .await?;
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO tournaments (id, name, organizer_id, format, problem_pool, starts_at,
             round_interval_secs, battle_secs, max_participants, state)
         VALUES ($1, 'Bench cup', $2, 'single_elimination', $3, now() - interval '1 minute',
                 1, 600, $4, 'check_in')",
    )
    .bind(id)
    .bind(organizer)
    .bind(vec![problem])
    .bind(PLAYERS as i32)
    .execute(pool)
    .await?;
    sqlx::query(
        "WITH players AS (
             INSERT INTO users (id, name, rating, password_hash, registered_at)
             SELECT gen_random_uuid(), 'bench ' || n || ' ' || left($1::text, 8), 2000 - n, 'unused', now()
             FROM generate_series(1, $2) AS n RETURNING id)
         INSERT INTO tournament_registrations (tournament_id, user_id, checked_in)
         SELECT $1, id, true FROM players",
    )
    .bind(id)
    .bind(PLAYERS as i32)
    .execute(pool)
    .await?;
    let request = StartRequest {
        seeding: Some(SeedingMethod::ByRating),
        order: None,
    };
    bracket::start(pool, Actor::Operator, id, request)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(id)
}

async fn launched(stores: &TestStores, tournament: Uuid) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM tournament_matches WHERE tournament_id = $1 AND battle_id IS NOT NULL",
    )
    .bind(tournament)
    .fetch_one(&stores.pool)
    .await?)
}

fn per_match(seconds: f64, matches: usize) -> String {
    format!("{:.2} ms", seconds * 1000.0 / matches as f64)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("load average at the start: {}", load());
    let stores = TestStores::new().await;
    let (one, histograms, app) = instance(&stores).await?;
    let first_round = PLAYERS / 2;

    // One scheduler: notices and battles of the whole first round.
    let t = tournament(&stores).await?;
    let wall = Instant::now();
    let mut ticks = 0;
    while launched(&stores, t).await? < first_round as i64 {
        one.tick().await;
        ticks += 1;
    }
    let wall = wall.elapsed().as_secs_f64();
    let lag = &one.metrics().start_lag;
    println!(
        "{PLAYERS} players, {first_round} first-round matches, one scheduler ({ticks} ticks, {wall:.2} s)"
    );
    println!(
        "  notices: {} per match",
        per_match(spent(&histograms, "notices"), first_round)
    );
    println!(
        "  launch:  {} per match",
        per_match(spent(&histograms, "launch"), first_round)
    );
    println!(
        "  lag from scheduled_at to battle, mean: {:.0} ms",
        lag.get_sample_sum() * 1000.0 / lag.get_sample_count().max(1) as f64
    );

    // Every first-round battle finishes (the lower seed resigns); the next tick applies the
    // results from the outbox and starts round 2.
    let battles: Vec<(Uuid, Uuid, Uuid)> = sqlx::query_as(
        "SELECT b.id, b.player_a, b.player_b FROM tournament_matches m
         JOIN battles b ON b.id = m.battle_id WHERE m.tournament_id = $1",
    )
    .bind(t)
    .fetch_all(&stores.pool)
    .await?;
    for (battle_id, _, loser) in &battles {
        let player = Player {
            id: *loser,
            name: String::new(),
        };
        battles::resign(
            app.state(),
            player,
            Resign {
                battle_id: *battle_id,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let before = spent(&histograms, "results");
    let applied = one.tick().await.results;
    let results = spent(&histograms, "results") - before;
    println!(
        "  results: {} per result ({applied} applied)",
        per_match(results, applied)
    );

    // Three instances ticking at once over another first round.
    let (two, _, _app2) = instance(&stores).await?;
    let (three, _, _app3) = instance(&stores).await?;
    let racing = [one.clone(), two, three];
    let t = tournament(&stores).await?;
    let wall = Instant::now();
    let mut ticks = 0;
    while launched(&stores, t).await? < first_round as i64 {
        futures::future::join_all(racing.iter().map(Scheduler::tick)).await;
        ticks += 1;
    }
    let wall = wall.elapsed().as_secs_f64();
    let battles: i64 = sqlx::query_scalar("SELECT count(*) FROM battles WHERE pairing_key LIKE $1")
        .bind(format!("tournament:{t}:%"))
        .fetch_one(&stores.pool)
        .await?;
    assert_eq!(battles, first_round as i64, "one battle per match");
    println!(
        "three instances racing: {first_round} matches in {wall:.2} s ({ticks} rounds of ticks): {} per match, wall clock",
        per_match(wall, first_round)
    );
    println!("load average at the end: {}", load());
    Ok(())
}
