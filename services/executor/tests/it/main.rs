//! The executor over real HTTP, with the real sandbox.

mod compile;
mod deadline;
mod drain;
mod metrics;
mod problems;
mod security;

use std::{path::PathBuf, time::Duration};

use joust_common::execution::DEVELOPMENT_EXECUTOR_TOKEN;
use joust_executor::{Application, Settings};
use joust_sandbox::SandboxConfig;
use serde_json::{Value, json};

pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    /// The token every request of the helpers carries.
    pub token: String,
}

/// The sandbox as the `JOUST_*` variables configure it; relative directories (the defaults
/// among them) are the workspace's, wherever the test runs from.
fn sandbox_config() -> SandboxConfig {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = SandboxConfig::from_env().expect("the JOUST_* variables are valid");
    SandboxConfig {
        runtime_dir: workspace.join(&config.runtime_dir),
        cache_dir: workspace.join(&config.cache_dir),
        ..config
    }
}

/// The settings of [`spawn_app`]: a free loopback port, `max_concurrent_runs` run slots, a
/// 1 MiB body limit, the development token.
pub fn test_settings(max_concurrent_runs: u32, queue_timeout: Duration) -> Settings {
    Settings {
        port: 0,
        sandbox: SandboxConfig {
            max_concurrent_runs,
            ..sandbox_config()
        },
        queue_timeout,
        max_body_bytes: 1 << 20,
        ..Settings::default()
    }
}

/// Starts the executor with [`test_settings`].
pub async fn spawn_app(max_concurrent_runs: u32, queue_timeout: Duration) -> TestApp {
    spawn_with(test_settings(max_concurrent_runs, queue_timeout)).await
}

/// Starts the executor with `settings`; the helpers send its current token.
pub async fn spawn_with(settings: Settings) -> TestApp {
    let token = settings.tokens.current.clone();
    let app = Application::build(settings).await.expect("executor starts");
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        url,
        http: reqwest::Client::new(),
        token,
    }
}

impl TestApp {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    /// The whole `/metrics` page.
    pub async fn metrics_text(&self) -> String {
        self.get("/metrics").await.text().await.unwrap()
    }

    /// The value of a metric on `/metrics`, labels included in `name` (0 when absent).
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.metrics_text().await;
        let prefix = format!("{name} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map_or(0.0, |v| v.trim().parse().unwrap())
    }

    pub async fn execute(&self, body: &Value) -> (u16, Option<String>, Value) {
        self.execute_with_headers(body, &[]).await
    }

    async fn execute_with_headers(
        &self,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> (u16, Option<String>, Value) {
        let mut request = self
            .http
            .post(format!("{}/v1/executions", self.url))
            .bearer_auth(&self.token)
            .json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, retry_after, response.json().await.unwrap())
    }
}

pub fn sum_request(language: &str, source: &str) -> Value {
    json!({
        "language": language,
        "source": source,
        "tests": [{"input": "1 2\n", "expected_output": "3\n"}, {"input": "40 2", "expected_output": "42"}],
        "time_limit_ms": 1000,
        "memory_limit_mb": 64
    })
}

#[tokio::test]
async fn judges_a_python_program_and_counts_it() {
    let app = spawn_app(2, Duration::from_secs(5)).await;
    let (status, _, body) = app
        .execute(&sum_request(
            "python",
            "print(sum(map(int, input().split())))",
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "AC");
    assert_eq!(body["tests"].as_array().unwrap().len(), 2);
    assert!(body["tests"][0]["fuel"].as_u64().unwrap() > 0);

    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains(r#"executions_total{language="python",verdict="AC"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("execution_duration_seconds_bucket"),
        "{metrics}"
    );
}

#[tokio::test]
async fn correlation_headers_never_change_the_answer() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    let request = sum_request("python", "print(sum(map(int, input().split())))");
    for headers in [
        [
            (
                "x-joust-submission-id",
                "6f1c1c2e-7f0a-4c38-9d7e-2b1b8f1f4a01",
            ),
            ("x-joust-battle-id", "0b9a4a7e-3c1d-4d2e-8f5a-6e7d8c9b0a12"),
            ("x-joust-user-id", "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"),
        ],
        [
            ("x-joust-submission-id", "not-a-uuid"),
            ("x-joust-battle-id", ""),
            ("x-joust-user-id", "{\"forged\": true}"),
        ],
    ] {
        let (status, _, body) = app.execute_with_headers(&request, &headers).await;
        assert_eq!(
            (status, body["verdict"].as_str()),
            (200, Some("AC")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn compile_errors_come_back_as_ce() {
    let app = spawn_app(2, Duration::from_secs(5)).await;
    let (status, _, body) = app
        .execute(&sum_request("c", "int main(void) { return x; }"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["verdict"], "CE");
    assert!(
        body["compile_output"]
            .as_str()
            .unwrap()
            .contains("undeclared"),
        "{body}"
    );
}

#[tokio::test]
async fn invalid_requests_get_typed_errors() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    let malformed = app
        .http
        .post(format!("{}/v1/executions", app.url))
        .bearer_auth(DEVELOPMENT_EXECUTOR_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status().as_u16(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "MALFORMED_JSON");

    let (status, _, body) = app.execute(&sum_request("cobol", "x")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("INVALID_BODY"))
    );

    let mut no_tests = sum_request("c", "int main(void){}");
    no_tests["tests"] = json!([]);
    let (status, _, body) = app.execute(&no_tests).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("INVALID_REQUEST"))
    );

    // The wrong shape: an array where the request object belongs.
    let (status, _, body) = app.execute(&json!([sum_request("c", "x")])).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("INVALID_BODY"))
    );

    let too_big = sum_request("c", &"x".repeat(2 << 20));
    let (status, _, body) = app.execute(&too_big).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("BODY_TOO_LARGE"))
    );
}

#[tokio::test]
async fn a_full_executor_answers_429_with_retry_after() {
    let app = spawn_app(1, Duration::from_millis(50)).await;
    let busy_loop = json!({
        "language": "c",
        "source": "int main(void) { volatile unsigned x = 0; for (;;) x++; }",
        "tests": [{"input": "", "expected_output": ""}],
        "time_limit_ms": 3000
    });
    let url = app.url.clone();
    let slow = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{url}/v1/executions"))
            .bearer_auth(DEVELOPMENT_EXECUTOR_TOKEN)
            .json(&busy_loop)
            .send()
            .await
            .unwrap()
            .status()
    });
    // Once the slow request holds the only slot, the next one waits 50 ms and is turned away.
    for _ in 0..1000 {
        if app.metric("executions_in_flight").await == 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(app.metric("executions_in_flight").await, 1.0);
    let (status, retry_after, body) = app.execute(&sum_request("c", "int main(void){}")).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "BUSY");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert_eq!(slow.await.unwrap().as_u16(), 200);
}

#[tokio::test]
async fn lists_every_language_with_toolchain_limits_and_caveats() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    let response = app.get("/v1/languages").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    let languages = body["languages"].as_array().expect("a list");
    let ids: Vec<&str> = languages
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c", "cpp", "rust", "python", "javascript", "go"]);
    let by_id = |id: &str| languages.iter().find(|l| l["id"] == id).unwrap();

    // Go compiles and links in two jailed steps; both show without host paths.
    let go = by_id("go")["compile_command"].as_str().unwrap().to_owned();
    for part in [
        "compile -p main",
        "main.go",
        "&& link",
        "-o main.wasm",
        "importcfg",
    ] {
        assert!(go.contains(part), "{go}");
    }
    assert!(!go.contains("/job") && !go.contains(".cache"), "{go}");

    let cpp = by_id("cpp");
    let command = cpp["compile_command"].as_str().unwrap();
    for flag in [
        "clang++",
        "-std=c++20",
        "-O2",
        "-fno-exceptions",
        "main.cpp",
    ] {
        assert!(command.contains(flag), "{command}");
    }
    assert!(!command.contains("/job"), "{command}");
    assert!(cpp["version"].as_str().unwrap().contains("C++20"));
    let caveats = cpp["caveats"].to_string();
    assert!(
        caveats.contains("exceptions") && caveats.contains("32 bits"),
        "{caveats}"
    );
    assert_eq!(cpp["limits"]["max_memory_limit_mb"], 2048);
    assert!(cpp["limits"]["compile_cpu_secs"].as_u64().unwrap() > 0);

    let rust = by_id("rust")["compile_command"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        rust.contains("rustc") && rust.contains("wasm32-wasi"),
        "{rust}"
    );
    assert!(by_id("c")["caveats"].to_string().contains("long long"));

    let python = by_id("python");
    assert!(python["compile_command"].is_null());
    assert!(python["limits"].get("compile_cpu_secs").is_none());
    assert_eq!(python["limits"]["default_time_limit_ms"], 2000);
    assert!(
        by_id("javascript")["version"]
            .as_str()
            .unwrap()
            .contains("QuickJS")
    );
}
