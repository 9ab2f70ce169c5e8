//! The OpenAPI document: served, version 3.1, listing every public route and every error code.

use std::time::Duration;

use serde_json::Value;

use crate::spawn_app;

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_error_code() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let response = app
        .http
        .get(format!("{}/api/openapi.json", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for (path, method) in [
        ("/api/auth/guest", "post"),
        ("/api/auth/register", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/logout", "post"),
        ("/api/auth/logout-all", "post"),
        ("/api/auth/claim", "post"),
        ("/api/auth/me", "get"),
        ("/api/openapi.json", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    // Routes that need a token say so.
    for path in ["/api/auth/logout-all", "/api/auth/claim", "/api/auth/me"] {
        let method = if path.ends_with("/me") { "get" } else { "post" };
        assert!(
            doc["paths"][path][method]["security"][0]["bearer"].is_array(),
            "{path}"
        );
    }
    let codes: Vec<&str> =
        doc["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"]
            .as_array()
            .expect("the error code is an enum")
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
    for code in joust_battle::error::ApiError::ALL_CODES
        .iter()
        .chain(joust_battle::error::BODY_CODES)
    {
        assert!(codes.contains(code), "{code} is not in ErrorDetail");
    }
}

/// Every route of the router is in the document: an undocumented one answers, but 404s here.
#[tokio::test]
async fn no_documented_route_is_missing_from_the_router() {
    let app = spawn_app(Duration::from_secs(1)).await;
    let doc = joust_battle::api_doc::openapi();
    for (path, item) in doc.paths.paths {
        for method in ["get", "post"] {
            let documented = match method {
                "get" => item.get.is_some(),
                _ => item.post.is_some(),
            };
            if !documented {
                continue;
            }
            let url = format!("{}{path}", app.url);
            let request = match method {
                "get" => app.http.get(url),
                _ => app.http.post(url),
            };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            // A route's own 404 names what is missing (`PROBLEM_NOT_FOUND`, ...); only the
            // fallback answers the bare `NOT_FOUND`.
            let unrouted = status == 404 && body["error"]["code"] == "NOT_FOUND";
            assert!(
                !unrouted && status != 405,
                "{method} {path} answered {status} {body}"
            );
        }
    }
}

/// utoipa names a component after its type, and of two types with one name the document keeps
/// only one: every other route using that name would be documented with the wrong schema.
#[test]
fn no_two_documented_types_share_a_name() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    let mut seen: std::collections::HashMap<String, std::path::PathBuf> = Default::default();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut derives_schema = false;
            for line in text.lines().map(str::trim) {
                if line.contains("ToSchema") && !line.starts_with("use ") {
                    derives_schema = true;
                }
                let declared = ["pub struct ", "pub enum "]
                    .iter()
                    .find_map(|keyword| line.strip_prefix(keyword));
                if let Some(rest) = declared {
                    if derives_schema && !text.contains("#[schema(as") {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if let Some(other) = seen.insert(name.clone(), path.clone()) {
                            panic!(
                                "{name} is a schema in both {} and {}",
                                other.display(),
                                path.display()
                            );
                        }
                    }
                    derives_schema = false;
                }
            }
        }
    }
    assert!(seen.len() > 20, "only {} schemas found", seen.len());
}
