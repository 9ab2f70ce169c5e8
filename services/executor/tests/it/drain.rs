//! Operations of a running executor: SIGTERM lets the execution in flight finish and answer
//! before the process exits, and a full set of run slots reads as degraded, not unready.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use crate::{TestApp, sandbox_config, spawn_with, test_settings};

const SPIN: &str = "int main(void) { volatile unsigned x = 0; for (;;) x++; }";
const TOKEN: &str = "drain-test-token-0123456789abcdef0123456789abcdef";

/// One run that spins until its 1.5 s time limit.
fn spin_request() -> Value {
    json!({
        "language": "c",
        "source": SPIN,
        "tests": [{"input": "", "expected_output": ""}],
        "time_limit_ms": 1_500
    })
}

/// Polls the in-flight gauge of the executor at `url` until it reads `value`.
async fn wait_in_flight(url: &str, value: &str) {
    let line = format!("executions_in_flight {value}");
    for _ in 0..1000 {
        if let Ok(response) = reqwest::get(format!("{url}/metrics")).await
            && response.text().await.unwrap_or_default().contains(&line)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{line} never read on {url}/metrics");
}

#[tokio::test]
async fn sigterm_lets_the_execution_in_flight_answer_then_exits() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = sandbox_config();
    let mut child = Command::new(env!("CARGO_BIN_EXE_joust-executor"))
        .env("JOUST_EXECUTOR_PORT", port.to_string())
        .env("JOUST_EXECUTOR_TOKEN", TOKEN)
        .env("JOUST_RUNTIME_DIR", &config.runtime_dir)
        .env("JOUST_SANDBOX_CACHE_DIR", &config.cache_dir)
        .env("JOUST_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .spawn()
        .expect("the executor starts");
    let url = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..600 {
        if reqwest::get(format!("{url}/readyz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the executor did not become ready");

    let call = tokio::spawn({
        let url = url.clone();
        async move {
            let response = reqwest::Client::new()
                .post(format!("{url}/v1/executions"))
                .bearer_auth(TOKEN)
                .json(&spin_request())
                .send()
                .await
                .expect("the request in flight is answered");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    });
    wait_in_flight(&url, "1").await;
    let signalled = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());

    let (status, body) = call.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "TLE", "{body}");
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(20),
            "the executor did not exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    assert!(
        reqwest::get(format!("{url}/readyz")).await.is_err(),
        "nothing listens after the exit"
    );
}

#[tokio::test]
async fn every_run_slot_busy_reads_as_degraded() {
    let app: TestApp = spawn_with(test_settings(1, Duration::from_secs(5))).await;
    let ready = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    let call = tokio::spawn({
        let (url, token) = (app.url.clone(), app.token.clone());
        async move {
            reqwest::Client::new()
                .post(format!("{url}/v1/executions"))
                .bearer_auth(token)
                .json(&spin_request())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    wait_in_flight(&app.url, "1").await;
    let busy = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(busy.status().as_u16(), 200, "degraded is still ready");
    assert_eq!(
        busy.text().await.unwrap(),
        "degraded: every run slot is busy; new requests queue"
    );
    assert_eq!(call.await.unwrap(), 200);
}
