//! Battle-creation locks: a Redlock (rslock) on the pairing key keeps concurrent creations of
//! the same battle cheap to refuse, and every acquisition draws a fencing token from PostgreSQL
//! that the creating write records.

use std::time::{Duration, Instant};

use prometheus::Histogram;
use rslock::{LockError, LockManager};
use sqlx::PgPool;

use crate::error::ApiError;

#[derive(Clone)]
pub struct BattleLocks {
    manager: LockManager,
    prefix: String,
    ttl: Duration,
    acquire_duration: Histogram,
}

/// A held lock and the fencing token of this acquisition.
pub struct HeldLock {
    lock: rslock::Lock,
    pub fencing_token: i64,
}

impl BattleLocks {
    pub fn new(
        client: redis::Client,
        prefix: &str,
        ttl: Duration,
        acquire_duration: Histogram,
    ) -> Self {
        Self {
            manager: LockManager::from_clients(vec![client]),
            prefix: prefix.to_owned(),
            ttl,
            acquire_duration,
        }
    }

    /// Takes the lock on `resource` and a fresh fencing token.
    pub async fn acquire(&self, pool: &PgPool, resource: &str) -> Result<HeldLock, ApiError> {
        let started = Instant::now();
        let key = format!("{}lock:{resource}", self.prefix);
        let lock = match self.manager.lock(key.as_bytes(), self.ttl).await {
            Ok(lock) => lock,
            Err(LockError::Unavailable) => return Err(ApiError::LockBusy),
            Err(e) => {
                return Err(ApiError::Internal(
                    anyhow::Error::new(e).context("acquiring the battle lock"),
                ));
            }
        };
        self.acquire_duration
            .observe(started.elapsed().as_secs_f64());
        let fencing_token = match sqlx::query_scalar::<_, i64>("SELECT nextval('fencing_tokens')")
            .fetch_one(pool)
            .await
        {
            Ok(token) => token,
            Err(e) => {
                lock.release().await;
                return Err(e.into());
            }
        };
        Ok(HeldLock {
            lock,
            fencing_token,
        })
    }
}

impl HeldLock {
    pub async fn release(self) {
        self.lock.release().await;
    }
}
