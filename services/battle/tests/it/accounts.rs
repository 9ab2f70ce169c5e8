//! Registered accounts over HTTP: register and login, wrong passwords and the lockout, refresh
//! rotation and reuse, logging out, claiming a guest, and roles granted by the admin command.

use std::time::Duration;

use joust_battle::{
    accounts::admin::{self, AdminCommand},
    auth::Role,
};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, spawn_app, spawn_app_with};

/// The status, JSON body (`null` when empty) and headers of one request to `path`.
pub async fn call(
    app: &TestApp,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (u16, Value, HeaderMap) {
    let url = format!("{}{path}", app.url);
    let mut request = match &body {
        Some(body) => app.http.post(url).json(body),
        None if path.ends_with("/me") => app.http.get(url),
        None => app.http.post(url),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let text = response.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, value, headers)
}

pub fn credentials(handle: &str, password: &str) -> Value {
    json!({ "handle": handle, "password": password })
}

/// Registers `handle` and returns the session.
pub async fn register(app: &TestApp, handle: &str, password: &str) -> Value {
    let (status, body, _) = call(
        app,
        "/api/auth/register",
        Some(credentials(handle, password)),
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn login(app: &TestApp, handle: &str, password: &str) -> (u16, Value, HeaderMap) {
    call(
        app,
        "/api/auth/login",
        Some(credentials(handle, password)),
        None,
    )
    .await
}

async fn refresh(app: &TestApp, token: &Value) -> (u16, Value) {
    let body = json!({ "refresh_token": token.as_str().unwrap() });
    let (status, body, _) = call(app, "/api/auth/refresh", Some(body), None).await;
    (status, body)
}

#[tokio::test]
async fn a_registered_player_logs_in_with_its_handle_in_any_case() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let session = register(&app, "Ada", "correct horse").await;
    assert_eq!(session["handle"], "Ada");
    assert_eq!(session["role"], "learner");
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["expires_in"], 900);
    let claims = app
        .state
        .tokens
        .verify_claims(session["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.sub.to_string(), session["user_id"].as_str().unwrap());
    assert_eq!(claims.exp - claims.iat, 900, "short-lived");
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(claims.sub)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    let (status, again, _) = login(&app, "aDA", "correct horse").await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["user_id"], session["user_id"]);
    assert_ne!(again["refresh_token"], session["refresh_token"]);
    let token = again["access_token"].as_str().unwrap();
    let (status, me, _) = call(&app, "/api/auth/me", None, Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(me["registered"], true);
    assert_eq!(me["name"], "Ada");
    let metrics = app.metrics_text().await;
    for handler in ["auth:register", "auth:login", "auth:me"] {
        assert!(
            metrics.contains(&format!(
                "handler_duration_seconds_count{{handler=\"{handler}\"}} 1"
            )),
            "{handler}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_handle_get_the_same_answer() {
    let app = spawn_app(Duration::from_secs(1)).await;
    register(&app, "ada", "correct horse").await;
    for (handle, password) in [("ada", "wrong horse"), ("nobody", "correct horse")] {
        let (status, body, _) = login(&app, handle, password).await;
        assert_eq!(status, 401, "{handle}");
        assert_eq!(body["error"]["code"], "INVALID_CREDENTIALS");
    }
    let metrics = app.metrics_text().await;
    assert!(
        metrics
            .contains(r#"auth_failures_total{code="INVALID_CREDENTIALS",handler="auth:login"} 2"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let app = spawn_app_with(Duration::from_secs(1), |s| {
        s.accounts.max_failures = 3;
        s.accounts.lockout = Duration::from_secs(60);
    })
    .await;
    register(&app, "ada", "correct horse").await;
    for _ in 0..2 {
        let (status, body, _) = login(&app, "ada", "wrong horse").await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (401, &json!("INVALID_CREDENTIALS"))
        );
    }
    let (status, body, headers) = login(&app, "ada", "wrong horse").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "ACCOUNT_LOCKED");
    assert_eq!(body["error"]["retry_after_ms"], 60_000);
    assert_eq!(headers["retry-after"], "60");
    // Even the right password is refused while locked, and says how long is left.
    let (status, body, _) = login(&app, "ada", "correct horse").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "ACCOUNT_LOCKED");
    let left = body["error"]["retry_after_ms"].as_u64().unwrap();
    assert!((55_000..=60_000).contains(&left), "{left}");
    // Another account is not affected.
    register(&app, "bob", "correct horse").await;
    assert_eq!(login(&app, "bob", "correct horse").await.0, 200);
    // Once the lock has run out, the right password works and the count starts again.
    sqlx::query("UPDATE users SET locked_until = now() - interval '1 second' WHERE name = 'ada'")
        .execute(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(login(&app, "ada", "correct horse").await.0, 200);
    assert_eq!(login(&app, "ada", "wrong horse").await.0, 401);
}

#[tokio::test]
async fn every_refresh_rotates_the_refresh_token() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let session = register(&app, "ada", "correct horse").await;
    let (status, second) = refresh(&app, &session["refresh_token"]).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], session["refresh_token"]);
    assert_eq!(second["user_id"], session["user_id"]);
    assert!(
        app.state
            .tokens
            .verify(second["access_token"].as_str().unwrap())
            .is_ok()
    );
    let (status, third) = refresh(&app, &second["refresh_token"]).await;
    assert_eq!(status, 200);
    assert_ne!(third["refresh_token"], second["refresh_token"]);
    // Only hashes are stored.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM refresh_tokens")
        .fetch_all(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);
    let raw = third["refresh_token"].as_str().unwrap().as_bytes().to_vec();
    assert!(stored.iter().all(|h| h.len() == 32 && *h != raw));
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_whole_family() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let stolen = register(&app, "ada", "correct horse").await;
    let (_, other_device, _) = login(&app, "ada", "correct horse").await;
    let (status, rotated) = refresh(&app, &stolen["refresh_token"]).await;
    assert_eq!(status, 200);
    let (status, body) = refresh(&app, &stolen["refresh_token"]).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "REFRESH_TOKEN_REUSED");
    // The family's current token is dead too...
    let (status, body) = refresh(&app, &rotated["refresh_token"]).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "INVALID_REFRESH_TOKEN");
    // ...but another login's session goes on.
    assert_eq!(refresh(&app, &other_device["refresh_token"]).await.0, 200);
    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains(
            r#"auth_failures_total{code="REFRESH_TOKEN_REUSED",handler="auth:refresh"} 1"#
        ),
        "{metrics}"
    );
}

#[tokio::test]
async fn logging_out_everywhere_revokes_every_session() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let first = register(&app, "ada", "correct horse").await;
    let (_, second, _) = login(&app, "ada", "correct horse").await;
    let (_, third, _) = login(&app, "ada", "correct horse").await;
    // Logging out one session ends only that one.
    let body = json!({ "refresh_token": third["refresh_token"] });
    let (status, _, _) = call(&app, "/api/auth/logout", Some(body), None).await;
    assert_eq!(status, 204);
    assert_eq!(refresh(&app, &third["refresh_token"]).await.0, 401);

    let token = first["access_token"].as_str().unwrap();
    let (status, body, _) = call(&app, "/api/auth/logout-all", None, Some(token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["revoked_sessions"], 2);
    for session in [&first, &second] {
        let (status, body) = refresh(&app, &session["refresh_token"]).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["code"], "INVALID_REFRESH_TOKEN");
    }
    // Logging in again starts a new session.
    let (_, fresh, _) = login(&app, "ada", "correct horse").await;
    assert_eq!(refresh(&app, &fresh["refresh_token"]).await.0, 200);
}

#[tokio::test]
async fn a_guest_claims_its_account_and_keeps_its_id_rating_and_battles() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let [guest, opponent] = app.guests(["Guest One", "opponent"]).await;
    let battle = app.duel(&guest, &opponent).await;
    sqlx::query("UPDATE users SET rating = 1234 WHERE id = $1")
        .bind(guest.id)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    let guest_token = app.state.tokens.issue(&guest);
    let (status, session, _) = call(
        &app,
        "/api/auth/claim",
        Some(credentials("guest1", "correct horse")),
        Some(&guest_token),
    )
    .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user_id"], guest.id.to_string());
    assert_eq!(session["handle"], "guest1");

    let (_, logged_in, _) = login(&app, "guest1", "correct horse").await;
    assert_eq!(logged_in["user_id"], guest.id.to_string());
    let token = logged_in["access_token"].as_str().unwrap();
    let (_, me, _) = call(&app, "/api/auth/me", None, Some(token)).await;
    assert_eq!(me["rating"], 1234);
    assert_eq!(me["registered"], true);
    assert_eq!(me["name"], "guest1");
    // Its battle is still its own.
    let events = app.log(&guest, battle.battle_id).await;
    assert!(!events.is_empty());

    // Claiming twice is a conflict.
    let (status, body, _) = call(
        &app,
        "/api/auth/claim",
        Some(credentials("guest2", "correct horse")),
        Some(&guest_token),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "ALREADY_REGISTERED");
}

#[tokio::test]
async fn the_admin_command_grants_roles_that_tokens_then_carry() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let session = register(&app, "ada", "correct horse").await;
    let pool = &app.stores.pool;
    let grant = |handle: &str, role| AdminCommand::Grant {
        handle: handle.to_owned(),
        role,
    };
    let line = admin::run(pool, grant("ADA", Role::Organizer))
        .await
        .unwrap();
    assert!(line.contains("is now organizer (was learner)"), "{line}");
    let (_, session2, _) = login(&app, "ada", "correct horse").await;
    assert_eq!(session2["role"], "organizer");
    let claims = app
        .state
        .tokens
        .verify_claims(session2["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.role, Role::Organizer);
    // A refresh picks up the role now in the database.
    admin::run(pool, grant("ada", Role::Admin)).await.unwrap();
    let (_, refreshed) = refresh(&app, &session["refresh_token"]).await;
    assert_eq!(refreshed["role"], "admin");

    let unknown = admin::run(pool, grant("nobody", Role::Admin)).await;
    assert!(unknown.unwrap_err().to_string().contains("no user"));
    app.guest("someguest").await;
    let guest = admin::run(pool, grant("someguest", Role::Admin)).await;
    assert!(guest.unwrap_err().to_string().contains("guest"));
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE name = 'someguest'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(role, "learner");
}

#[tokio::test]
async fn a_token_of_an_unknown_user_finds_nothing() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let ghost = joust_battle::auth::Player {
        id: Uuid::new_v4(),
        name: "ghost".into(),
    };
    let token = app.state.tokens.issue(&ghost);
    let (status, body, _) = call(&app, "/api/auth/me", None, Some(&token)).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("USER_NOT_FOUND"))
    );
    let (status, body, _) = call(
        &app,
        "/api/auth/claim",
        Some(credentials("ghost", "correct horse")),
        Some(&token),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("USER_NOT_FOUND"))
    );
    for path in ["/api/auth/refresh", "/api/auth/logout"] {
        let body = json!({ "refresh_token": "not-a-token-we-issued" });
        let (status, body, _) = call(&app, path, Some(body), None).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["code"], "INVALID_REFRESH_TOKEN");
    }
}
