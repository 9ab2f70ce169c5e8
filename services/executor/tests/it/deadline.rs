//! Every request ends by its deadline with an answer, and a request its caller abandons stops
//! and gives its run slot back.

use std::time::{Duration, Instant};

use joust_common::execution::DEVELOPMENT_EXECUTOR_TOKEN;
use serde_json::json;

use crate::{TestApp, spawn_with, sum_request, test_settings};

const SPIN: &str = "int main(void) { volatile unsigned x = 0; for (;;) x++; }";

/// Polls the in-flight gauge until it reads `value`; false after ten seconds.
async fn in_flight_becomes(app: &TestApp, value: f64) -> bool {
    for _ in 0..1000 {
        if app.metric("executions_in_flight").await == value {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn a_request_past_its_deadline_is_answered_with_the_rest_tle() {
    let mut settings = test_settings(1, Duration::from_secs(5));
    settings.request_deadline = Duration::from_millis(1_500);
    // A fuel budget no machine spends in 1.5 s, so the deadline, not the fuel, ends the first
    // test: a fast host burns the default 10 s worth of fuel in little over a second.
    settings.sandbox.fuel_per_ms = 1_000_000_000;
    let app = spawn_with(settings).await;
    let request = json!({
        "language": "c",
        "source": SPIN,
        "tests": [
            {"input": "", "expected_output": ""},
            {"input": "", "expected_output": ""},
            {"input": "", "expected_output": ""}
        ],
        "time_limit_ms": 10_000,
        "run_all": true
    });
    let started = Instant::now();
    let (status, _, body) = app.execute(&request).await;
    let elapsed = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "TLE", "{body}");
    let tests = body["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 3, "{body}");
    for test in tests {
        assert_eq!(test["verdict"], "TLE", "{body}");
        assert_eq!(test["message"], "the request's deadline passed", "{body}");
    }
    // The compile (cached or not) and the interrupted run fit in the deadline plus a margin,
    // far below the 30 s the three runs would take.
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    assert_eq!(
        app.metric(r#"executions_stopped_total{reason="deadline"}"#)
            .await,
        1.0
    );
}

#[tokio::test]
async fn an_abandoned_request_stops_and_frees_its_slot() {
    let app = spawn_with(test_settings(1, Duration::from_millis(500))).await;
    let url = app.url.clone();
    let slow = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{url}/v1/executions"))
            .bearer_auth(DEVELOPMENT_EXECUTOR_TOKEN)
            .json(&json!({
                "language": "c",
                "source": SPIN,
                "tests": [{"input": "", "expected_output": ""}],
                "time_limit_ms": 10_000
            }))
            .send()
            .await
    });
    assert!(in_flight_becomes(&app, 1.0).await, "the slow request runs");
    // The caller goes away: its connection closes.
    slow.abort();
    let _ = slow.await;
    let dropped = Instant::now();
    assert!(in_flight_becomes(&app, 0.0).await, "the gauge comes back");
    assert!(
        dropped.elapsed() < Duration::from_secs(3),
        "{:?}",
        dropped.elapsed()
    );
    assert_eq!(
        app.metric(r#"executions_stopped_total{reason="abandoned"}"#)
            .await,
        1.0
    );
    // The only slot is free: the next request gets it within the 500 ms queue timeout.
    let (status, _, body) = app
        .execute(&sum_request(
            "python",
            "print(sum(map(int, input().split())))",
        ))
        .await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("AC")),
        "{body}"
    );
}
