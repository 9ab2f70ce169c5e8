//! Test support: a throwaway PostgreSQL database and Redis key prefix per test, removed when the
//! guard is dropped (even when the test panics).

use sqlx::{Connection, Executor, PgConnection, PgPool};
use uuid::Uuid;

/// Admin connection used to create and drop test databases (`JOUST_TEST_DATABASE_URL`).
pub fn admin_url() -> String {
    std::env::var("JOUST_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Redis used by tests (`JOUST_TEST_REDIS_URL`).
pub fn redis_url() -> String {
    std::env::var("JOUST_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A migrated database and a Redis prefix that belong to one test.
pub struct TestStores {
    pub database_name: String,
    pub database_url: String,
    pub redis_url: String,
    pub redis_prefix: String,
    pub pool: PgPool,
}

impl TestStores {
    /// Settings that point a service at this test's database and key prefix.
    pub fn store_settings(&self) -> crate::settings::StoreSettings {
        crate::settings::StoreSettings {
            database_url: self.database_url.clone(),
            redis_url: self.redis_url.clone(),
            redis_prefix: self.redis_prefix.clone(),
        }
    }

    pub async fn new() -> Self {
        let admin = admin_url();
        let id = Uuid::new_v4().simple().to_string();
        let database_name = format!("joust_test_{id}");
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("connect to the admin database");
        conn.execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{database_name}\""
        )))
        .await
        .expect("create the test database");
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        let database_url = format!("{base}/{database_name}");
        let pool = crate::db::connect_postgres(&database_url, 10, true)
            .await
            .expect("connect to and migrate the test database");
        Self {
            database_name,
            database_url,
            redis_url: redis_url(),
            redis_prefix: format!("joust-test:{id}:"),
            pool,
        }
    }
}

impl Drop for TestStores {
    fn drop(&mut self) {
        let admin = admin_url();
        let name = self.database_name.clone();
        let redis_url = self.redis_url.clone();
        let prefix = self.redis_prefix.clone();
        // Drop runs inside the test's runtime, which cannot block on async work: clean up from
        // a thread with its own small runtime.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let _ = conn
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        )))
                        .await;
                }
                if let Ok(client) = redis::Client::open(redis_url.as_str())
                    && let Ok(mut conn) = client.get_multiplexed_async_connection().await
                {
                    let keys: Vec<String> = redis::cmd("KEYS")
                        .arg(format!("{prefix}*"))
                        .query_async(&mut conn)
                        .await
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        let _ = redis::cmd("DEL")
                            .arg(keys)
                            .query_async::<i64>(&mut conn)
                            .await;
                    }
                }
            });
        });
        let _ = cleanup.join();
    }
}
