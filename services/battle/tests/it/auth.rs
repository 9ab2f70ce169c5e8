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
