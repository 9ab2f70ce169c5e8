use std::time::Duration;

use serde_json::{Value, json};

use crate::spawn_app;

#[tokio::test]
async fn guest_login_returns_a_token_for_a_new_user() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let player = app.guest("  ada  ").await;
    assert_eq!(player.name, "ada");
    let stored: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(player.id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(stored, "ada");
}

#[tokio::test]
async fn bad_guest_requests_get_json_errors() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let url = format!("{}/api/auth/guest", app.url);
    for (body, status, code) in [
        (json!({ "name": "" }), 422, "INVALID_PAYLOAD"),
        (json!({ "name": "x".repeat(33) }), 422, "INVALID_PAYLOAD"),
        (json!({ "name": "a\u{7}b" }), 422, "INVALID_PAYLOAD"),
        (json!({ "nom": "ada" }), 422, "INVALID_BODY"),
    ] {
        let response = app.http.post(&url).json(&body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{body}");
    }
    let malformed = app
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status().as_u16(), 400);
    let plain = app.http.post(&url).body("{}").send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 415);
}

#[tokio::test]
async fn operational_endpoints_answer() {
    let app = spawn_app(Duration::from_secs(1)).await;
    for path in ["/healthz", "/readyz"] {
        let response = app
            .http
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }
    app.guest("metrics").await;
    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains(r#"handler_duration_seconds_count{handler="auth:guest"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn names_are_unique_ignoring_case_and_free_of_hidden_characters() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let url = format!("{}/api/auth/guest", app.url);
    app.guest("Ada").await;
    for (name, status, code) in [
        ("ada", 409, "NAME_TAKEN"),
        ("  ADA ", 409, "NAME_TAKEN"),
        ("\u{202E}adA", 422, "INVALID_PAYLOAD"),
        ("a\u{200B}da", 422, "INVALID_PAYLOAD"),
        ("ada\u{2066}", 422, "INVALID_PAYLOAD"),
    ] {
        let response = app
            .http
            .post(&url)
            .json(&json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{name:?}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{name:?}");
    }
    // NFC: a decomposed é is the same name as a composed one.
    app.guest("Jos\u{e9}").await;
    let response = app
        .http
        .post(&url)
        .json(&json!({ "name": "jose\u{301}" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.count("users").await, 2);
}

#[tokio::test]
async fn the_public_port_has_no_metrics_no_details_and_no_cross_origin_access() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let get = |path: &str| {
        app.http
            .get(format!("{}{path}", app.url))
            .header("origin", "https://evil.example")
            .send()
    };
    let metrics = get("/metrics").await.unwrap();
    assert_eq!(metrics.status().as_u16(), 404);
    let body: Value = metrics.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    let ready = get("/readyz").await.unwrap();
    assert!(ready.headers().get("access-control-allow-origin").is_none());
    assert_eq!(ready.text().await.unwrap(), "ready");
    // A preflight from another origin is not granted.
    let preflight = app
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/auth/guest", app.url),
        )
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    // The operations listener has both.
    let ops = app
        .http
        .get(format!("{}/readyz", app.ops_url))
        .send()
        .await
        .unwrap();
    assert_eq!(ops.status().as_u16(), 200);
    assert!(
        app.metrics_text()
            .await
            .contains("socket_events_limited_total")
    );
}

#[tokio::test]
async fn listed_origins_may_call_the_api_cross_origin() {
    let app = crate::spawn_app_with(Duration::from_secs(1), |s| {
        s.cors_origins = vec!["https://play.example".into()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/auth/guest", app.url),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let allowed = preflight("https://play.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://play.example"
    );
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn wrong_methods_and_paths_get_json_errors() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let response = app
        .http
        .get(format!("{}/api/auth/guest", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "METHOD_NOT_ALLOWED");
    let response = app
        .http
        .post(format!("{}/api/nothing", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn the_service_refuses_to_start_without_a_real_secret() {
    let binary = env!("CARGO_BIN_EXE_joust-battle");
    let run = |secret: Option<&str>| {
        let mut command = std::process::Command::new(binary);
        command
            .env_remove("JOUST_JWT_SECRET")
            .env_remove("JOUST_JWT_PREVIOUS_SECRET")
            .env("JOUST_DEV_MODE", "false")
            // The other secrets are valid, so the JWT secret is what is refused.
            .env(
                "JOUST_EXECUTOR_TOKEN",
                "an-executor-token-of-at-least-32-bytes",
            )
            .env("RUST_BACKTRACE", "0")
            // Never reached: settings are read first.
            .env("JOUST_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
        if let Some(secret) = secret {
            command.env("JOUST_JWT_SECRET", secret);
        }
        command.output().unwrap()
    };
    for secret in [
        None,
        Some("tiny-key-7q"),
        Some(joust_battle::settings::DEV_JWT_SECRET),
    ] {
        let output = run(secret);
        assert!(!output.status.success(), "{secret:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("JOUST_JWT_SECRET"), "{stderr}");
        if let Some(secret) = secret {
            assert!(
                !stderr.contains(secret),
                "the secret is never printed: {stderr}"
            );
        }
    }
}

#[tokio::test]
async fn one_address_creates_guests_at_a_bounded_rate() {
    let app = crate::spawn_app_with(Duration::from_secs(1), |s| {
        s.limits.guest = joust_battle::settings::Rate::new(0.001, 2);
    })
    .await;
    app.guests(["g1", "g2"]).await;
    let response = app
        .http
        .post(format!("{}/api/auth/guest", app.url))
        .json(&json!({ "name": "g3" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "RATE_LIMITED");
    assert_eq!(app.count("users").await, 2);
}
