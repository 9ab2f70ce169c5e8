//! The sandbox metrics move with the work: every test's run is counted with its fuel and wall
//! time, and judging the same program twice misses the caches once, then hits.

use std::time::{Duration, SystemTime};

use crate::{TestApp, spawn_app, sum_request};

/// Adds two numbers; reads `nonce`, which the test defines, so that each run's wasm differs.
const SUM_C: &str = "#include <stdio.h>\nint main(void) { int a, b; scanf(\"%d %d\", &a, &b); printf(\"%d\\n\", a + b + (int)(nonce * 0)); return 0; }\n";

async fn cache(app: &TestApp, metric: &str, cache: &str) -> f64 {
    app.metric(&format!("sandbox_cache_{metric}{{cache=\"{cache}\"}}"))
        .await
}

#[tokio::test]
async fn runs_fuel_wall_time_and_cache_lookups_are_counted() {
    let app = spawn_app(1, Duration::from_secs(10)).await;
    // A program no run of this process or an earlier one compiled (its data differs, so its
    // wasm does too): both caches miss.
    let nonce = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let source = format!("volatile unsigned long long nonce = {nonce}ULL;\n{SUM_C}");
    let request = sum_request("c", &source);
    let misses = cache(&app, "misses_total", "memory").await;
    let disk_misses = cache(&app, "misses_total", "disk").await;

    let (status, _, body) = app.execute(&request).await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("AC")),
        "{body}"
    );
    assert_eq!(
        app.metric(r#"sandbox_runs_total{language="c",verdict="AC"}"#)
            .await,
        2.0
    );
    assert_eq!(
        app.metric(r#"sandbox_run_fuel_count{language="c"}"#).await,
        2.0
    );
    let fuel: u64 = body["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["fuel"].as_u64().unwrap())
        .sum();
    assert!(fuel > 0, "{body}");
    assert_eq!(
        app.metric(r#"sandbox_run_fuel_sum{language="c"}"#).await,
        fuel as f64
    );
    assert_eq!(
        app.metric(r#"sandbox_run_wall_seconds_count{language="c"}"#)
            .await,
        2.0
    );
    assert!(cache(&app, "misses_total", "memory").await > misses);
    assert!(cache(&app, "misses_total", "disk").await > disk_misses);
    assert!(cache(&app, "bytes", "memory").await > 0.0);

    // The same program again: prepared already, a hit in memory.
    let hits = cache(&app, "hits_total", "memory").await;
    let (status, _, body) = app.execute(&request).await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("AC")),
        "{body}"
    );
    assert!(cache(&app, "hits_total", "memory").await > hits);
    assert_eq!(
        app.metric(r#"sandbox_runs_total{language="c",verdict="AC"}"#)
            .await,
        4.0
    );
    assert_eq!(
        app.metric(r#"sandbox_run_wall_seconds_count{language="c"}"#)
            .await,
        4.0
    );
}
