//! Hostile input to the auth endpoints, one test per class: shape, size, authorization,
//! conflicts (unknown ids are in `accounts.rs`), and the per-IP and per-handle limits.

use std::time::Duration;

use joust_battle::settings::Rate;
use serde_json::{Value, json};

use crate::{
    accounts::{call, credentials, register},
    spawn_app, spawn_app_with,
};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn malformed_bodies_are_refused_by_shape() {
    let app = spawn_app(Duration::from_secs(1)).await;
    for (path, body, status, expected) in [
        (
            "/api/auth/register",
            json!({ "handle": "ada" }),
            422,
            "INVALID_BODY",
        ),
        (
            "/api/auth/register",
            json!({ "handle": "ada", "password": 12345678 }),
            422,
            "INVALID_BODY",
        ),
        (
            "/api/auth/register",
            json!({ "handle": "ada", "password": "correct horse", "role": "admin" }),
            422,
            "INVALID_BODY",
        ),
        (
            "/api/auth/register",
            credentials("a b", "correct horse"),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            "/api/auth/register",
            credentials("_ada", "correct horse"),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            "/api/auth/register",
            credentials("ada", "short"),
            422,
            "INVALID_PAYLOAD",
        ),
        (
            "/api/auth/login",
            json!("ada:correct horse"),
            422,
            "INVALID_BODY",
        ),
        (
            "/api/auth/refresh",
            json!({ "refresh_token": 7 }),
            422,
            "INVALID_BODY",
        ),
        ("/api/auth/logout", json!({}), 422, "INVALID_BODY"),
    ] {
        let (got, body, _) = call(&app, path, Some(body.clone()), None).await;
        assert_eq!((got, code(&body)), (status, expected), "{path} {body}");
    }
    let malformed = app
        .http
        .post(format!("{}/api/auth/login", app.url))
        .header("content-type", "application/json")
        .body("{\"handle\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status().as_u16(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(code(&body), "MALFORMED_JSON");
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn oversized_input_is_refused_before_it_is_hashed() {
    let app = spawn_app(Duration::from_secs(1)).await;
    // Over the body limit of the auth routes.
    let huge = credentials("ada", &"p".repeat(joust_battle::accounts::MAX_BODY_BYTES));
    let (status, body, _) = call(&app, "/api/auth/register", Some(huge), None).await;
    assert_eq!((status, code(&body)), (413, "BODY_TOO_LARGE"));
    // Within it, but over the field limits.
    for (handle, password) in [
        ("ada", "p".repeat(129)),
        (&*"a".repeat(33), "correct horse".into()),
    ] {
        let (status, body, _) = call(
            &app,
            "/api/auth/register",
            Some(credentials(handle, &password)),
            None,
        )
        .await;
        assert_eq!((status, code(&body)), (422, "INVALID_PAYLOAD"), "{handle}");
    }
    let token = json!({ "refresh_token": "x".repeat(5000) });
    let (status, _, _) = call(&app, "/api/auth/refresh", Some(token), None).await;
    assert_eq!(status, 413);
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn authenticated_routes_need_a_valid_access_token() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let foreign = joust_battle::auth::TokenKeys::new("another-key", Duration::from_secs(60))
        .issue(&app.guest("ada").await);
    let tokens = [None, Some("garbage"), Some(foreign.as_str()), Some("a.b.c")];
    for path in ["/api/auth/logout-all", "/api/auth/me"] {
        for token in tokens {
            let (status, body, _) = call(&app, path, None, token).await;
            assert_eq!(
                (status, code(&body)),
                (401, "UNAUTHORIZED"),
                "{path} {token:?}"
            );
        }
    }
    for token in tokens {
        let claim = credentials("claimed", "correct horse");
        let (status, body, _) = call(&app, "/api/auth/claim", Some(claim), token).await;
        assert_eq!((status, code(&body)), (401, "UNAUTHORIZED"), "{token:?}");
    }
    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains(r#"auth_failures_total{code="UNAUTHORIZED",handler="auth:me"} 4"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn taken_handles_and_registered_accounts_are_conflicts() {
    let app = spawn_app(Duration::from_secs(1)).await;
    register(&app, "ada", "correct horse").await;
    let guest = app.guest("Bob").await;
    // A handle is a name: taken by an account or a guest, ignoring case.
    for handle in ["ADA", "bob"] {
        let (status, body, _) = call(
            &app,
            "/api/auth/register",
            Some(credentials(handle, "correct horse")),
            None,
        )
        .await;
        assert_eq!((status, code(&body)), (409, "NAME_TAKEN"), "{handle}");
    }
    let token = app.state.tokens.issue(&guest);
    let (status, body, _) = call(
        &app,
        "/api/auth/claim",
        Some(credentials("Ada", "correct horse")),
        Some(&token),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "NAME_TAKEN"));
    // The guest may keep its own name as its handle.
    let (status, body, _) = call(
        &app,
        "/api/auth/claim",
        Some(credentials("BOB", "correct horse")),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // A guest name cannot be taken by a new guest either.
    let response = app
        .http
        .post(format!("{}/api/auth/guest", app.url))
        .json(&json!({ "name": "ada" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
}

#[tokio::test]
async fn one_address_is_limited_across_the_auth_endpoints() {
    let app = spawn_app_with(Duration::from_secs(1), |s| {
        s.accounts.ip_rate = Rate::new(0.01, 3);
    })
    .await;
    register(&app, "ada", "correct horse").await;
    let (status, _, _) = call(
        &app,
        "/api/auth/login",
        Some(credentials("ada", "correct horse")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = call(
        &app,
        "/api/auth/refresh",
        Some(json!({ "refresh_token": "unknown" })),
        None,
    )
    .await;
    assert_eq!(status, 401);
    let (status, body, headers) = call(
        &app,
        "/api/auth/login",
        Some(credentials("ada", "correct horse")),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (429, "RATE_LIMITED"));
    assert!(body["error"]["retry_after_ms"].as_u64().unwrap() > 0);
    assert!(headers.contains_key("retry-after"));
    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains(r#"socket_events_limited_total{class="auth",limit="ip_rate"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn one_handle_is_limited_whatever_the_address() {
    let app = spawn_app_with(Duration::from_secs(1), |s| {
        s.accounts.handle_rate = Rate::new(0.01, 3);
        // Addresses come from X-Forwarded-For, as behind a load balancer.
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    register(&app, "ada", "correct horse").await;
    let attempt = |n: u8, handle: &'static str| {
        let request = app
            .http
            .post(format!("{}/api/auth/login", app.url))
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .json(&credentials(handle, "wrong horse"));
        async move { request.send().await.unwrap() }
    };
    for n in 1..=2 {
        assert_eq!(attempt(n, "ADA").await.status().as_u16(), 401);
    }
    let limited = attempt(3, "Ada").await;
    assert_eq!(limited.status().as_u16(), 429);
    let body: Value = limited.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
    // Other handles are not affected; nor is the failed-login count by refused attempts.
    assert_eq!(attempt(4, "bob").await.status().as_u16(), 401);
    let failures: i32 = sqlx::query_scalar("SELECT failed_logins FROM users WHERE name = 'ada'")
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(failures, 2);
}
