//! The web app's static export served by the battle service (`JOUST_WEB_DIR`): pages and assets
//! for every path no other route takes, while the API, Socket.IO and health routes answer as
//! before.

use std::{path::PathBuf, time::Duration};

use serde_json::Value;
use uuid::Uuid;

use crate::{TestApp, spawn_app, spawn_app_with};

/// A small export in the shape `next build` writes: pages as `index.html` per directory, a
/// `404.html` and hashed assets.
fn export() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("joust-web-{}", Uuid::new_v4()));
    for (path, body) in [
        ("index.html", "<html>sign in page</html>"),
        ("lobby/index.html", "<html>lobby page</html>"),
        ("404.html", "<html>page not found</html>"),
        ("_next/static/chunks/app.js", "console.log('app')"),
    ] {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, body).unwrap();
    }
    dir
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.http
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn serves_the_pages_and_assets_of_the_export() {
    let dir = export();
    let web_dir = dir.clone();
    let app = spawn_app_with(Duration::from_secs(1), |s| s.web_dir = Some(web_dir)).await;

    let index = get(&app, "/").await;
    assert_eq!(index.status().as_u16(), 200);
    assert!(
        index.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(index.text().await.unwrap(), "<html>sign in page</html>");
    let lobby = get(&app, "/lobby/").await;
    assert_eq!(lobby.text().await.unwrap(), "<html>lobby page</html>");
    // Without its trailing slash a page redirects to it (reqwest follows).
    let lobby = get(&app, "/lobby").await;
    assert_eq!(lobby.url().path(), "/lobby/");
    assert_eq!(lobby.text().await.unwrap(), "<html>lobby page</html>");
    let script = get(&app, "/_next/static/chunks/app.js").await;
    assert_eq!(script.status().as_u16(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );

    let missing = get(&app, "/no-such-page/").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(missing.text().await.unwrap(), "<html>page not found</html>");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn api_health_and_socket_routes_are_not_shadowed_by_the_pages() {
    let dir = export();
    let web_dir = dir.clone();
    let app = spawn_app_with(Duration::from_secs(1), |s| s.web_dir = Some(web_dir)).await;

    let doc = get(&app, "/api/openapi.json").await;
    assert_eq!(doc.status().as_u16(), 200);
    let doc: Value = doc.json().await.unwrap();
    assert!(doc["paths"]["/api/auth/guest"].is_object());
    let guest = app
        .http
        .post(format!("{}/api/auth/guest", app.url))
        .json(&serde_json::json!({ "name": "webby" }))
        .send()
        .await
        .unwrap();
    assert_eq!(guest.status().as_u16(), 200);
    assert!(guest.json::<Value>().await.unwrap()["token"].is_string());

    // An unknown API path is a JSON error, never the 404 page.
    for path in ["/api/nothing", "/api"] {
        let missing = get(&app, path).await;
        assert_eq!(missing.status().as_u16(), 404, "{path}");
        let body: Value = missing.json().await.unwrap();
        assert_eq!(body["error"]["code"], "NOT_FOUND", "{path}");
    }
    assert_eq!(get(&app, "/healthz").await.text().await.unwrap(), "ok");
    // The Socket.IO handshake (Engine.IO polling) still reaches the socket layer.
    let handshake = get(&app, "/socket.io/?EIO=4&transport=polling").await;
    assert_eq!(handshake.status().as_u16(), 200);
    assert!(handshake.text().await.unwrap().contains("\"sid\""));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn without_a_web_dir_every_unknown_path_is_a_json_error() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let root = get(&app, "/").await;
    assert_eq!(root.status().as_u16(), 404);
    let body: Value = root.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn scripts_are_gzipped_for_clients_that_accept_it() {
    let dir = export();
    let script: String = "console.log('a line of the app');\n".repeat(200);
    std::fs::write(dir.join("_next/static/chunks/big.js"), &script).unwrap();
    let web_dir = dir.clone();
    let app = spawn_app_with(Duration::from_secs(1), |s| s.web_dir = Some(web_dir)).await;
    let url = format!("{}/_next/static/chunks/big.js", app.url);

    let gzipped = app
        .http
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status().as_u16(), 200);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let body = gzipped.bytes().await.unwrap();
    assert!(body.len() < script.len() / 4, "{} bytes", body.len());

    let plain = app.http.get(&url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), script);
    std::fs::remove_dir_all(dir).unwrap();
}
