//! The battle-creation lock against real Redis and PostgreSQL: renewal while the work runs,
//! cancellation when the lock cannot be kept, and fencing of stale tokens.
//!
//! Redis expires keys on its own clock, so these tests use real (short) durations rather than
//! tokio's paused time.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use joust_battle::{
    error::ApiError,
    lock::{self, BattleLocks, LockMetrics},
    settings::LockSettings,
};
use joust_common::testing::TestStores;
use prometheus::Registry;

fn locks(stores: &TestStores, settings: LockSettings) -> BattleLocks {
    let client = redis::Client::open(stores.redis_url.as_str()).unwrap();
    BattleLocks::new(
        client,
        &stores.redis_prefix,
        settings,
        LockMetrics::new(&Registry::new()),
    )
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn key_exists(stores: &TestStores, key: &str) -> bool {
    let client = redis::Client::open(stores.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("EXISTS")
        .arg(key)
        .query_async::<i64>(&mut conn)
        .await
        .unwrap()
        == 1
}

#[tokio::test]
async fn the_heartbeat_keeps_the_lock_while_slow_work_runs() {
    let stores = TestStores::new().await;
    let locks = locks(
        &stores,
        LockSettings {
            ttl: ms(300),
            extend_threshold: ms(150),
            max_extensions: 50,
            ..LockSettings::default()
        },
    );
    let contender = {
        let (locks, pool) = (locks.clone(), stores.pool.clone());
        tokio::spawn(async move {
            // Well past the TTL: only renewal can still be holding the lock.
            tokio::time::sleep(ms(800)).await;
            locks
                .run_locked(&pool, "pair:x", |_| async { Ok(()) })
                .await
        })
    };
    let token = locks
        .run_locked(&stores.pool, "pair:x", |token| async move {
            tokio::time::sleep(ms(1_300)).await;
            Ok(token)
        })
        .await
        .unwrap();
    assert!(token > 0);
    assert!(
        matches!(contender.await.unwrap(), Err(ApiError::LockBusy)),
        "the lock was held throughout"
    );
    let metrics = locks.metrics();
    assert!(
        metrics.extensions.get() >= 4,
        "{}",
        metrics.extensions.get()
    );
    assert_eq!(metrics.lost.get(), 0);
    assert_eq!(metrics.hold_duration.get_sample_count(), 1);
    // One headroom sample per extension and one at release, never an exhausted lock.
    assert_eq!(
        metrics.ttl_headroom.get_sample_count(),
        metrics.extensions.get() + 1
    );
    assert!(metrics.ttl_headroom.get_sample_sum() > 0.0);
    assert!(!key_exists(&stores, &locks.key("pair:x")).await, "released");
    // The next holder gets a newer fencing token.
    let next = locks
        .run_locked(&stores.pool, "pair:x", |token| async move { Ok(token) })
        .await
        .unwrap();
    assert!(next > token);
}

#[tokio::test]
async fn a_failed_extension_cancels_the_work_with_lock_lost() {
    let stores = TestStores::new().await;
    let locks = locks(
        &stores,
        LockSettings {
            ttl: ms(400),
            extend_threshold: ms(200),
            ..LockSettings::default()
        },
    );
    let finished = Arc::new(AtomicBool::new(false));
    let key = locks.key("pair:y");
    let started = Instant::now();
    let result = locks
        .run_locked(&stores.pool, "pair:y", |_| {
            let (finished, stores, key) = (finished.clone(), &stores, key.clone());
            async move {
                // Someone else's failover or a flush takes the key away under us.
                let client = redis::Client::open(stores.redis_url.as_str()).unwrap();
                let mut conn = client.get_multiplexed_async_connection().await.unwrap();
                redis::cmd("DEL")
                    .arg(&key)
                    .query_async::<i64>(&mut conn)
                    .await
                    .unwrap();
                tokio::time::sleep(ms(3_000)).await;
                finished.store(true, Ordering::SeqCst);
                Ok(())
            }
        })
        .await;
    assert!(matches!(result, Err(ApiError::LockLost)), "{result:?}");
    assert!(started.elapsed() < ms(2_000), "{:?}", started.elapsed());
    assert!(
        !finished.load(Ordering::SeqCst),
        "the work was cancelled, not awaited"
    );
    assert_eq!(locks.metrics().lost.get(), 1);
    assert_eq!(locks.metrics().extensions.get(), 0);
}

#[tokio::test]
async fn a_holder_that_needs_too_many_extensions_is_cancelled() {
    let stores = TestStores::new().await;
    let locks = locks(
        &stores,
        LockSettings {
            ttl: ms(300),
            extend_threshold: ms(100),
            max_extensions: 2,
            ..LockSettings::default()
        },
    );
    let started = Instant::now();
    let result = locks
        .run_locked(&stores.pool, "pair:z", |_| async {
            tokio::time::sleep(ms(10_000)).await;
            Ok(())
        })
        .await;
    assert!(matches!(result, Err(ApiError::LockLost)), "{result:?}");
    // Three validity periods of about 300 ms, minus the renewal margins.
    let elapsed = started.elapsed();
    assert!(elapsed > ms(500) && elapsed < ms(3_000), "{elapsed:?}");
    assert_eq!(locks.metrics().extensions.get(), 2);
    assert_eq!(locks.metrics().lost.get(), 1);
}

#[tokio::test]
async fn without_renewal_a_slow_holder_outlives_its_lock() {
    let stores = TestStores::new().await;
    let locks = locks(
        &stores,
        LockSettings {
            ttl: ms(200),
            auto_renew: false,
            ..LockSettings::default()
        },
    );
    let second = {
        let (locks, pool) = (locks.clone(), stores.pool.clone());
        tokio::spawn(async move {
            tokio::time::sleep(ms(400)).await;
            locks
                .run_locked(&pool, "pair:w", |token| async move { Ok(token) })
                .await
        })
    };
    let first = locks
        .run_locked(&stores.pool, "pair:w", |token| async move {
            tokio::time::sleep(ms(900)).await;
            Ok(token)
        })
        .await
        .unwrap();
    let second = second.await.unwrap().expect("the expired lock was free");
    assert!(second > first);
    assert_eq!(locks.metrics().extensions.get(), 0);
    assert_eq!(
        locks.metrics().lost.get(),
        1,
        "the first holder released an expired lock"
    );
}

#[tokio::test]
async fn a_stale_fencing_token_is_refused_and_counted() {
    let stores = TestStores::new().await;
    let metrics = LockMetrics::new(&Registry::new());
    let mut conn = stores.pool.acquire().await.unwrap();
    lock::fence(&mut conn, &metrics, "pair:v", 5).await.unwrap();
    let stale = lock::fence(&mut conn, &metrics, "pair:v", 3).await;
    assert!(matches!(stale, Err(ApiError::FencingRejected)), "{stale:?}");
    let replayed = lock::fence(&mut conn, &metrics, "pair:v", 5).await;
    assert!(matches!(replayed, Err(ApiError::FencingRejected)));
    lock::fence(&mut conn, &metrics, "pair:v", 7).await.unwrap();
    lock::fence(&mut conn, &metrics, "pair:other", 1)
        .await
        .unwrap();
    assert_eq!(metrics.fencing_rejections.get(), 2);
    let token: i64 = sqlx::query_scalar("SELECT token FROM fencing WHERE resource = 'pair:v'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(token, 7);
}
