//! Operations of a running judge: SIGTERM lets the attempt in flight record its verdict before
//! the process exits, and an open breaker reads as degraded on `/readyz`, not unready.

use std::{
    process::Command,
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use joust_common::testing::TestStores;

use crate::support::*;

#[tokio::test]
async fn sigterm_lets_the_attempt_in_flight_record_its_verdict_then_exits() {
    let (_executor, proxy, stores, (a, _b, battle)) = proxied_battle().await;
    proxy.delay_ms.store(2_000, Ordering::SeqCst);

    // A long claim-idle time: nobody else may pick the submission up, the leaving judge must
    // finish it itself.
    let mut judge = start_judge_process(&stores, &proxy.url, 60_000);
    let id = queue_submission(&stores, battle, a, "c", SUM_C).await;
    eventually(
        Duration::from_secs(30),
        "the judge to call the executor",
        || async { proxy.seen.load(Ordering::SeqCst) >= 1 },
    )
    .await;
    let signalled = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &judge.0.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());

    let exit = loop {
        if let Some(exit) = judge.0.try_wait().unwrap() {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(30),
            "the judge did not exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    assert_eq!(
        verdict(&stores.pool, id).await.as_deref(),
        Some("AC"),
        "the attempt in flight was finished before the exit"
    );
    assert_eq!(judged_events(&stores.pool, id).await, 1);
    assert_eq!(proxy.seen.load(Ordering::SeqCst), 1, "judged once");
}

#[tokio::test]
async fn an_open_breaker_reads_as_degraded_and_stores_as_up() {
    let port = free_port();
    let mut executor = start_executor(port).await;
    let stores = TestStores::new().await;
    let (a, _b, battle) = running_battle(&stores.pool).await;
    let target = format!("http://127.0.0.1:{port}");
    let mut settings = judge_settings(&stores, std::slice::from_ref(&target));
    // Open long enough that no half-open probe races the readiness check.
    settings.breaker_open = Duration::from_secs(60);
    let judge = spawn_judge(settings).await;
    let readyz = judge.metrics_url.replace("/metrics", "/readyz");
    let ready = reqwest::get(&readyz).await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
    let metrics = judge.metrics().await;
    for store in ["postgres", "redis"] {
        let line = format!("store_up{{store=\"{store}\"}} 1");
        assert!(metrics.contains(&line), "{line} missing in {metrics}");
    }

    executor.kill();
    for _ in 0..3 {
        queue_submission(&stores, battle, a, "c", SUM_C).await;
    }
    let open = format!("circuit_breaker_state{{target=\"{target}\"}} 2");
    eventually(Duration::from_secs(20), "the breaker to open", || async {
        judge.metrics().await.contains(&open)
    })
    .await;
    let degraded = reqwest::get(&readyz).await.unwrap();
    assert_eq!(degraded.status().as_u16(), 200, "degraded is still ready");
    assert_eq!(
        degraded.text().await.unwrap(),
        format!("degraded: every executor's breaker is open: {target}")
    );
    judge.stop().await;
}
