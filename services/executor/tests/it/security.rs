//! The executor's boundary: the bearer token (and its rotation), the maxima a caller cannot
//! go past, and JSON answers to every route and method it does not serve.

use std::time::Duration;

use joust_common::settings::KeyRing;
use serde_json::{Value, json};

use crate::{TestApp, spawn_app, spawn_with, sum_request, test_settings};

const CURRENT: &str = "current-executor-token-0123456789abcdef";
const PREVIOUS: &str = "previous-executor-token-0123456789abcdef";

async fn post_with_token(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = app
        .http
        .post(format!("{}/v1/executions", app.url))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn every_call_but_health_needs_a_current_or_previous_token() {
    let mut settings = test_settings(1, Duration::from_secs(5));
    settings.tokens = KeyRing {
        current: CURRENT.to_owned(),
        previous: Some(PREVIOUS.to_owned()),
    };
    let app = spawn_with(settings).await;
    let request = sum_request("python", "print(sum(map(int, input().split())))");

    for token in [None, Some("wrong"), Some(&CURRENT[..CURRENT.len() - 1])] {
        let (status, body) = post_with_token(&app, token, &request).await;
        assert_eq!(status, 401, "{token:?}: {body}");
        assert_eq!(body["error"]["code"], "UNAUTHORIZED");
    }
    let languages = app
        .http
        .get(format!("{}/v1/languages", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(languages.status().as_u16(), 401);
    assert_eq!(
        languages.headers()["www-authenticate"].to_str().unwrap(),
        "Bearer"
    );

    // During a rotation both tokens are accepted.
    for token in [CURRENT, PREVIOUS] {
        let (status, body) = post_with_token(&app, Some(token), &request).await;
        assert_eq!(
            (status, body["verdict"].as_str()),
            (200, Some("AC")),
            "{body}"
        );
    }

    // Health and metrics stay open (the executor listens on loopback).
    for path in ["/healthz", "/readyz", "/metrics"] {
        let response = app
            .http
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }
    assert_eq!(
        app.metric(r#"execution_rejections_total{reason="unauthorized"}"#)
            .await,
        4.0
    );
}

#[tokio::test]
async fn limits_above_the_maxima_are_refused_not_clamped() {
    let mut settings = test_settings(1, Duration::from_secs(5));
    settings.maxima.time_limit_ms = 3_000;
    settings.maxima.memory_limit_mb = 128;
    settings.maxima.tests = 3;
    settings.maxima.test_data_bytes = 1_000;
    let app = spawn_with(settings).await;
    let base = sum_request("python", "print(sum(map(int, input().split())))");

    let mut cases = Vec::new();
    let mut slow = base.clone();
    slow["time_limit_ms"] = json!(3_001);
    cases.push((slow, "time_limit_ms"));
    let mut big = base.clone();
    big["memory_limit_mb"] = json!(129);
    cases.push((big, "memory_limit_mb"));
    let mut many = base.clone();
    many["tests"] = json!(vec![base["tests"][0].clone(); 4]);
    cases.push((many, "tests"));
    let mut long = base.clone();
    long["tests"][0]["input"] = json!("1 ".repeat(501));
    cases.push((long, "tests[0]"));
    for (request, field) in cases {
        let (status, _, body) = app.execute(&request).await;
        assert_eq!(status, 422, "{field}: {body}");
        assert_eq!(body["error"]["code"], "LIMIT_EXCEEDED", "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field} is ")), "{message}");
    }
    assert_eq!(
        app.metric(r#"execution_rejections_total{reason="limit"}"#)
            .await,
        4.0
    );

    // At the maxima the request is judged.
    let mut at_max = base.clone();
    at_max["time_limit_ms"] = json!(3_000);
    at_max["memory_limit_mb"] = json!(128);
    let (status, _, body) = app.execute(&at_max).await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("AC")),
        "{body}"
    );

    // The languages list shows this executor's maxima.
    let languages: Value = app
        .http
        .get(format!("{}/v1/languages", app.url))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let limits = &languages["languages"][0]["limits"];
    assert_eq!(limits["max_time_limit_ms"], 3_000);
    assert_eq!(limits["max_memory_limit_mb"], 128);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    let cases = [
        (
            reqwest::Method::GET,
            "/v1/executions",
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            reqwest::Method::DELETE,
            "/v1/languages",
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (reqwest::Method::POST, "/healthz", 405, "METHOD_NOT_ALLOWED"),
        (reqwest::Method::GET, "/v2/executions", 404, "NOT_FOUND"),
        (reqwest::Method::GET, "/", 404, "NOT_FOUND"),
    ];
    for (method, path, status, code) in cases {
        let response = app
            .http
            .request(method.clone(), format!("{}{path}", app.url))
            .bearer_auth(&app.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        if status == 405 {
            assert!(response.headers().contains_key("allow"), "{method} {path}");
        }
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(body["error"]["code"], code, "{method} {path}");
    }
}
