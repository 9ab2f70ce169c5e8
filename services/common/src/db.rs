//! PostgreSQL and Redis connections.

use std::time::Duration;

use sqlx::{PgPool, postgres::PgPoolOptions};

/// The schema, embedded at compile time from `migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Connects to PostgreSQL; `migrate` runs pending migrations first.
pub async fn connect_postgres(
    url: &str,
    max_connections: u32,
    migrate: bool,
) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|e| anyhow::anyhow!("connecting to PostgreSQL: {e}"))?;
    if migrate {
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    }
    Ok(pool)
}

/// Opens a multiplexed, self-reconnecting Redis connection.
pub async fn connect_redis(
    url: &str,
) -> anyhow::Result<(redis::Client, redis::aio::ConnectionManager)> {
    connect_redis_with_timeout(url, Duration::from_secs(2)).await
}

/// Like [`connect_redis`], for a connection that issues blocking commands (`XREADGROUP BLOCK`):
/// its response timeout must outlast the longest block.
pub async fn connect_redis_with_timeout(
    url: &str,
    response_timeout: Duration,
) -> anyhow::Result<(redis::Client, redis::aio::ConnectionManager)> {
    let client = redis::Client::open(url).map_err(|e| anyhow::anyhow!("invalid Redis URL: {e}"))?;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_response_timeout(Some(response_timeout))
        .set_connection_timeout(Some(Duration::from_secs(5)));
    let manager = redis::aio::ConnectionManager::new_with_config(client.clone(), config)
        .await
        .map_err(|e| anyhow::anyhow!("connecting to Redis: {e}"))?;
    Ok((client, manager))
}

/// Probes PostgreSQL with a trivial query.
pub async fn ping_postgres(pool: &PgPool) -> Result<(), String> {
    sqlx::query_scalar!(r#"SELECT 1 AS "alive!""#)
        .fetch_one(pool)
        .await
        .map(|_| ())
        .map_err(|e| format!("postgres: {e}"))
}

/// Probes Redis with `PING`.
pub async fn ping_redis(redis: &mut redis::aio::ConnectionManager) -> Result<(), String> {
    redis::cmd("PING")
        .query_async::<String>(redis)
        .await
        .map(|_| ())
        .map_err(|e| format!("redis: {e}"))
}
