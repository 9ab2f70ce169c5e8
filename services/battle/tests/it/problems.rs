//! The problem routes over real HTTP: who may import, the limits, typed refusals, and the
//! public list and statement. Verification runs on a real executor process, started per test
//! from the binary built beside the battle service's (`cargo build --bins`).

use std::{
    io::Write,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use joust_battle::auth::Player;
use serde_json::Value;
use uuid::Uuid;

use crate::{TestApp, spawn_app_with};

/// An executor process, killed when dropped.
struct Executor {
    child: Child,
    url: String,
    token: String,
}

impl Drop for Executor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the sandbox finds its runtimes and caches: the environment's, else the workspace's.
fn workspace_cache(var: &str, sub: &str) -> PathBuf {
    std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../.cache")
            .join(sub)
    })
}

/// Starts the executor binary on a free port with a random token and waits until it serves.
async fn start_executor() -> Executor {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_joust-battle")).with_file_name("joust-executor");
    assert!(
        binary.exists(),
        "{} is missing: build the binaries first (cargo build --bins)",
        binary.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let child = Command::new(binary)
        .env("JOUST_EXECUTOR_PORT", port.to_string())
        .env("JOUST_EXECUTOR_TOKEN", &token)
        .env(
            "JOUST_RUNTIME_DIR",
            workspace_cache("JOUST_RUNTIME_DIR", "runtimes"),
        )
        .env(
            "JOUST_SANDBOX_CACHE_DIR",
            workspace_cache("JOUST_SANDBOX_CACHE_DIR", "sandbox"),
        )
        .env("JOUST_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .spawn()
        .expect("executor starts");
    let executor = Executor {
        child,
        url: format!("http://127.0.0.1:{port}"),
        token,
    };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(response) = client.get(format!("{}/readyz", executor.url)).send().await
            && response.status().is_success()
        {
            return executor;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the executor did not become ready");
}

/// A package of one problem, `name`, whose only submission echoes its input, zipped in a
/// folder; `secret` is its secret test's input and answer.
fn package_zip(name: &str, secret: &str) -> Vec<u8> {
    let files = [
        ("problem.yaml", "name: Echo\nrating: 1300\n".to_owned()),
        ("problem_statement/problem.md", "Print $x$.".to_owned()),
        ("data/sample/1.in", "7\n".to_owned()),
        ("data/sample/1.ans", "7\n".to_owned()),
        ("data/secret/1.in", secret.to_owned()),
        ("data/secret/1.ans", secret.to_owned()),
        (
            "input_format_validators/v.py",
            "import sys\nsys.exit(42)\n".to_owned(),
        ),
        (
            "submissions/accepted/echo.py",
            "print(input())\n".to_owned(),
        ),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (path, content) in files {
        zip.start_file(
            format!("{name}/{path}"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

struct Setup {
    app: TestApp,
    /// Kept for the test's length: dropping it stops the executor.
    _executor: Executor,
    organizer: Player,
    organizer_token: String,
}

async fn setup(configure: impl FnOnce(&mut joust_battle::Settings)) -> Setup {
    let executor = start_executor().await;
    let organizer = Player {
        id: Uuid::new_v4(),
        name: "organizer".to_owned(),
    };
    let app = spawn_app_with(Duration::from_secs(1), |settings| {
        settings.problems.executor.url = executor.url.clone();
        settings.problems.executor.token = executor.token.clone();
        configure(settings);
    })
    .await;
    sqlx::query("INSERT INTO users (id, name, role) VALUES ($1, $2, 'organizer')")
        .bind(organizer.id)
        .bind(&organizer.name)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    let organizer_token = app.state.tokens.issue(&organizer);
    Setup {
        app,
        _executor: executor,
        organizer,
        organizer_token,
    }
}

impl Setup {
    async fn import(&self, token: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let mut request = self
            .app
            .http
            .post(format!("{}/api/problems", self.app.url))
            .header("content-type", "application/zip")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .app
            .http
            .get(format!("{}{path}", self.app.url))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }
}

#[tokio::test]
async fn an_organizer_imports_a_package_once_and_everyone_reads_it() {
    let s = setup(|_| {}).await;
    let (status, created) = s
        .import(
            Some(&s.organizer_token),
            package_zip("echo", "secret-answer-1\n"),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["slug"], "echo");
    assert_eq!(created["created"], true);
    // The slowest accepted test × 5 (legacy), rounded up to whole seconds.
    let time_limit_ms = created["time_limit_ms"].as_u64().unwrap();
    assert!(
        time_limit_ms >= 1000 && time_limit_ms % 1000 == 0,
        "{created}"
    );
    assert_eq!(created["time_limit_derived"], true);

    let (status, again) = s
        .import(
            Some(&s.organizer_token),
            package_zip("echo", "secret-answer-1\n"),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["created"], false);
    assert_eq!(again["version_id"], created["version_id"]);

    let (status, list) = s.get("/api/problems").await;
    assert_eq!(status, 200);
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["echo", "sum-of-two"]);
    let echo = &list[0];
    assert_eq!(
        (echo["title"].as_str(), echo["rating"].as_i64()),
        (Some("Echo"), Some(1300))
    );

    let (status, page) = s
        .get(&format!(
            "/api/problems/{}",
            created["problem_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["statements"][0]["markdown"], "Print $x$.");
    assert_eq!(
        page["samples"],
        serde_json::json!([{ "input": "7\n", "output": "7\n" }])
    );
    // Secret tests never leave the server.
    assert!(!page.to_string().contains("secret-"), "{page}");
    assert_eq!(
        s.app
            .metric("problem_imports_total{outcome=\"imported\"}")
            .await,
        1.0
    );
    assert_eq!(
        s.app
            .metric("problem_imports_total{outcome=\"unchanged\"}")
            .await,
        1.0
    );
    let _ = &s.organizer;
}

#[tokio::test]
async fn the_seeded_problem_has_a_page_with_its_sample_only() {
    let s = setup(|_| {}).await;
    let (_, list) = s.get("/api/problems").await;
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let (status, page) = s.get(&format!("/api/problems/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(page["slug"], "sum-of-two");
    assert_eq!(page["problem_type"], "pass-fail");
    assert_eq!(
        page["samples"],
        serde_json::json!([{ "input": "1 2\n", "output": "3\n" }])
    );
    assert!(!page.to_string().contains("3345678901234"));
    for path in [
        format!("/api/problems/{}", Uuid::new_v4()),
        "/api/problems/not-a-uuid".to_owned(),
    ] {
        let (status, error) = s.get(&path).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (404, Some("PROBLEM_NOT_FOUND"))
        );
    }
}

#[tokio::test]
async fn imports_need_an_organizer_token() {
    let s = setup(|_| {}).await;
    let (status, error) = s
        .import(None, package_zip("echo", "secret-answer-1\n"))
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (401, Some("UNAUTHORIZED"))
    );
    let (status, error) = s
        .import(
            Some("forged.token.value"),
            package_zip("echo", "secret-answer-1\n"),
        )
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (401, Some("UNAUTHORIZED"))
    );
    let player = s.app.guest("player").await;
    let token = s.app.state.tokens.issue(&player);
    let (status, error) = s
        .import(Some(&token), package_zip("echo", "secret-answer-1\n"))
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (403, Some("FORBIDDEN"))
    );
    assert_eq!(s.app.count("problem_versions").await, 0);
}

#[tokio::test]
async fn bad_and_oversized_packages_are_refused_with_every_problem() {
    let s = setup(|settings| settings.problems.max_package_bytes = 4096).await;
    let (status, error) = s
        .import(Some(&s.organizer_token), b"not a zip".to_vec())
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (422, Some("PACKAGE_REFUSED"))
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a readable zip archive")
    );

    // A zip without a statement, an answer and an input validator: all three are named.
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (path, content) in [
        ("p/problem.yaml", "name: P\ncolour: red\n"),
        ("p/data/secret/1.in", "1\n"),
    ] {
        zip.start_file(path, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let (status, error) = s.import(Some(&s.organizer_token), out.into_inner()).await;
    assert_eq!(status, 422);
    let message = error["error"]["message"].as_str().unwrap();
    for problem in [
        "unknown key \"colour\"",
        "no statement",
        "1.ans: missing",
        "no input validator",
    ] {
        assert!(message.contains(problem), "{problem} in {message}");
    }

    let (status, error) = s.import(Some(&s.organizer_token), vec![0; 5000]).await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (413, Some("PACKAGE_TOO_LARGE"))
    );
    assert_eq!(s.app.count("problem_versions").await, 0);
    assert_eq!(
        s.app
            .metric("problem_imports_total{outcome=\"refused\"}")
            .await,
        2.0
    );
}

#[tokio::test]
async fn imports_and_reads_are_rate_limited() {
    let s = setup(|settings| {
        settings.problems.imports_per_min = 1.0;
        settings.problems.reads_per_sec = 1.0;
    })
    .await;
    let (status, _) = s
        .import(
            Some(&s.organizer_token),
            package_zip("echo", "secret-answer-1\n"),
        )
        .await;
    assert_eq!(status, 201);
    let (status, error) = s
        .import(
            Some(&s.organizer_token),
            package_zip("echo", "secret-answer-2\n"),
        )
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (429, Some("RATE_LIMITED"))
    );
    // Reads: a burst of two, then refused.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(s.get("/api/problems").await.0);
    }
    assert_eq!(&statuses[..2], [200, 200]);
    assert_eq!(statuses[3], 429);
}
