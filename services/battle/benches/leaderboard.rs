//! Leaderboard benchmark: with 1,000,000 players and 10,000,000 finished battles, the latency of
//! a leaderboard page (the first one and one after a random player, each with and without the
//! 30-day filter), of a player's rank (random players), and of finishing a battle with its
//! rating update (`finish_battle`, and the rating part alone). Runs the service's own query
//! functions against a scratch database, generated once by `leaderboard_data.sql` and kept for
//! later runs (`--regenerate` rebuilds it). `make bench-leaderboard` runs it; results go in
//! `docs/benchmarks.md`.
//!
//! The scratch database is `LEADERBOARD_BENCH_DB` (default
//! `postgres://postgres@127.0.0.1:5432/joust_bench_leaderboard`); it is dropped and recreated
//! when it does not hold the full data set.

use std::time::{Duration, Instant};

use joust_battle::leaderboard::{self, Cursor, Filter};
use joust_common::domain::{self, Ending, ForfeitReason, rating};
use sqlx::{Connection, PgConnection, PgPool, postgres::PgPoolOptions};
use uuid::Uuid;

const PLAYERS: i64 = 1_000_000;
const BATTLES: i64 = 10_000_000;
const SAMPLES: usize = 2_000;
const FINISHES: usize = 500;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("LEADERBOARD_BENCH_DB").unwrap_or_else(|_| {
        "postgres://postgres@127.0.0.1:5432/joust_bench_leaderboard".to_owned()
    });
    let regenerate = std::env::args().any(|a| a == "--regenerate");
    prepare(&url, regenerate).await?;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await?;

    let players: Vec<(Uuid, i32)> = sqlx::query_as(
        "SELECT id, rating FROM users TABLESAMPLE SYSTEM (1) WHERE rated_battles > 0 LIMIT $1",
    )
    .bind(SAMPLES as i64)
    .fetch_all(&pool)
    .await?;
    println!("sampled {} players", players.len());

    // Warm the index as a running service would have it.
    leaderboard::page(&pool, None, 50, Filter::All).await?;

    // Each sample reads the first page and the page after a random player (a deep keyset
    // page: the sampled players are spread over the whole board), each with and without the
    // 30-day filter, then that player's rank.
    let mut first = Vec::new();
    let mut first_active = Vec::new();
    let mut deep = Vec::new();
    let mut deep_active = Vec::new();
    let mut ranks = Vec::new();
    // The same connection's bare round trip, side by side: on a loaded machine most of a
    // query's tail is waiting to be scheduled, not PostgreSQL's work.
    let mut round_trips = Vec::new();
    for (id, rating) in &players {
        let started = Instant::now();
        sqlx::query("SELECT 1").execute(&pool).await?;
        round_trips.push(started.elapsed());
        let cursor = Cursor {
            rating: *rating,
            id: *id,
        };
        for (after, filter, samples) in [
            (None, Filter::All, &mut first),
            (None, Filter::Active30d, &mut first_active),
            (Some(cursor), Filter::All, &mut deep),
            (Some(cursor), Filter::Active30d, &mut deep_active),
        ] {
            let started = Instant::now();
            let page = leaderboard::page(&pool, after, 50, filter).await?;
            samples.push(started.elapsed());
            assert_eq!(page.len(), 50);
        }
        let started = Instant::now();
        let (_, place) = leaderboard::rank(&pool, *id)
            .await?
            .expect("sampled player exists");
        ranks.push(started.elapsed());
        assert!(place.is_some());
    }

    let (finishes, updates) = finish_battles(&pool, &players).await?;

    println!();
    println!("| operation | samples | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    report("round trip of `SELECT 1` (baseline)", &mut round_trips);
    report("first leaderboard page, 50 players", &mut first);
    report(
        "first leaderboard page, 50 players, `active=30d`",
        &mut first_active,
    );
    report(
        "deep keyset page (after a random player), 50 players",
        &mut deep,
    );
    report(
        "deep keyset page, 50 players, `active=30d`",
        &mut deep_active,
    );
    report(
        "a player's rank (one statement: standing and rank)",
        &mut ranks,
    );
    report(
        "rating update alone (`rating::apply`)",
        &mut updates.clone(),
    );
    report(
        "finishing a battle (`finish_battle`, rating included, commit)",
        &mut finishes.clone(),
    );
    Ok(())
}

/// Finishes [`FINISHES`] fresh battles between sampled players, one transaction each, timing
/// the whole finish (with commit) and, in as many more battles, the rating update alone.
async fn finish_battles(
    pool: &PgPool,
    players: &[(Uuid, i32)],
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let mut finishes = Vec::with_capacity(FINISHES);
    let mut updates = Vec::with_capacity(FINISHES);
    for i in 0..FINISHES * 2 {
        let a = players[(2 * i) % players.len()].0;
        let b = players[(2 * i + 1) % players.len()].0;
        let battle = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status,
                 fencing_token, starts_at, ends_at)
             VALUES ($1, '00000000-0000-4000-8000-000000000001', $2, $3, $4, 'running', 1,
                     now(), now() + interval '10 minutes')",
        )
        .bind(battle)
        .bind(a)
        .bind(b)
        .bind(format!("bench-finish:{battle}"))
        .execute(pool)
        .await?;
        let mut tx = pool.begin().await?;
        if i % 2 == 0 {
            let started = Instant::now();
            let ending = Ending::Forfeit {
                loser: b,
                reason: ForfeitReason::Resigned,
            };
            domain::finish_battle(&mut tx, battle, ending)
                .await?
                .expect("the battle finishes");
            tx.commit().await?;
            finishes.push(started.elapsed());
        } else {
            let started = Instant::now();
            rating::apply(&mut tx, battle, [a, b], Some(a)).await?;
            updates.push(started.elapsed());
            tx.rollback().await?;
        }
    }
    Ok((finishes, updates))
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {what} | {} | {} | {} | {} |",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*samples.last().unwrap())
    );
}

/// Makes sure the scratch database holds the full data set.
async fn prepare(url: &str, regenerate: bool) -> anyhow::Result<()> {
    let (admin, name) = url.rsplit_once('/').expect("a database url");
    if !regenerate && let Ok(mut conn) = PgConnection::connect(url).await {
        let counts: Result<(i64, i64), _> = sqlx::query_as(
            "SELECT (SELECT count(*) FROM users WHERE rated_battles > 0),
                    (SELECT count(*) FROM battles WHERE pairing_key LIKE 'bench:%')",
        )
        .fetch_one(&mut conn)
        .await;
        if let Ok((players, battles)) = counts
            && players >= PLAYERS * 99 / 100
            && battles == BATTLES
        {
            println!("reusing {name}: {players} rated players, {battles} battles");
            return Ok(());
        }
    }
    let started = Instant::now();
    let mut conn = PgConnection::connect(&format!("{admin}/postgres")).await?;
    let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
        .execute(&mut conn)
        .await?;
    let create = format!("CREATE DATABASE \"{name}\"");
    sqlx::raw_sql(sqlx::AssertSqlSafe(create))
        .execute(&mut conn)
        .await?;
    let mut conn = PgConnection::connect(url).await?;
    sqlx::migrate!("../../migrations").run(&mut conn).await?;
    println!("generating {PLAYERS} players and {BATTLES} battles in {name}…");
    sqlx::raw_sql(include_str!("leaderboard_data.sql"))
        .execute(&mut conn)
        .await?;
    sqlx::raw_sql("VACUUM ANALYZE users")
        .execute(&mut conn)
        .await?;
    sqlx::raw_sql("VACUUM ANALYZE battles")
        .execute(&mut conn)
        .await?;
    println!("generated in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
