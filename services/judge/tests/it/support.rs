//! Test support: stores, judges in-process and as processes, executor processes, a fault
//! injecting proxy, and seeding battles and submissions.

use std::{
    net::TcpListener as StdListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header::AUTHORIZATION},
    response::IntoResponse,
    routing::post,
};
use joust_common::{settings::LogFormat, testing::TestStores};
use joust_judge::{Application, Settings};
use sqlx::PgPool;
use uuid::Uuid;

pub const SUM_C: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);}";
pub const WRONG_C: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a-b);}";

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn workspace_cache(var: &str, sub: &str) -> PathBuf {
    std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../.cache")
            .join(sub)
    })
}

/// A child process killed (SIGKILL) when dropped.
pub struct Process(pub Child);

impl Process {
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn wait_ready(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(response) = client.get(format!("{url}/readyz")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not become ready");
}

/// The executor binary, built beside the judge's (`cargo build --bins`).
fn executor_binary() -> PathBuf {
    let judge = PathBuf::from(env!("CARGO_BIN_EXE_joust-judge"));
    let executor = judge.with_file_name("joust-executor");
    assert!(
        executor.exists(),
        "{} is missing: build the binaries first (cargo build --bins)",
        executor.display()
    );
    executor
}

/// The bearer token the tests' judges and executors share: random per test run.
pub fn executor_token() -> &'static str {
    static TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TOKEN.get_or_init(|| format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple()))
}

/// Starts an executor process on `port` and waits until it serves.
pub async fn start_executor(port: u16) -> Process {
    let child = Command::new(executor_binary())
        .env("JOUST_EXECUTOR_PORT", port.to_string())
        .env("JOUST_EXECUTOR_TOKEN", executor_token())
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
    wait_ready(&format!("http://127.0.0.1:{port}")).await;
    Process(child)
}

/// Judge settings for tests: quick breaker, retries and claims.
pub fn judge_settings(stores: &TestStores, executors: &[String]) -> Settings {
    Settings {
        stores: stores.store_settings(),
        port: 0,
        executor_urls: executors.to_vec(),
        executor_token: joust_common::settings::KeyRing::single(executor_token()),
        consumer_name: format!("judge-{}", Uuid::new_v4()),
        executor_timeout: Duration::from_secs(30),
        breaker_failures: 3,
        breaker_open: Duration::from_millis(1_000),
        retry_delay: Duration::from_millis(200),
        claim_idle: Duration::from_millis(1_500),
        ..Settings::default()
    }
}

/// A judge running in this process.
pub struct InProcessJudge {
    pub metrics_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_judge(settings: Settings) -> InProcessJudge {
    if std::env::var_os("TEST_LOG").is_some() {
        joust_common::telemetry::init(LogFormat::Pretty);
    }
    let app = Application::build(settings).await.expect("judge starts");
    let metrics_url = format!("http://127.0.0.1:{}/metrics", app.port());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    InProcessJudge {
        metrics_url,
        stop: Some(tx),
        handle: Some(handle),
    }
}

impl InProcessJudge {
    pub async fn metrics(&self) -> String {
        reqwest::get(&self.metrics_url)
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.handle.take().unwrap().await.unwrap().unwrap();
    }
}

/// A judge as its own process, to be killed with SIGKILL.
pub fn start_judge_process(stores: &TestStores, executor: &str, claim_idle_ms: u64) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_joust-judge"))
        .env("JOUST_DATABASE_URL", &stores.database_url)
        .env("JOUST_REDIS_URL", &stores.redis_url)
        .env("JOUST_REDIS_PREFIX", &stores.redis_prefix)
        .env("JOUST_JUDGE_PORT", "0")
        .env("JOUST_EXECUTOR_URL", executor)
        .env("JOUST_EXECUTOR_TOKEN", executor_token())
        .env("JOUST_JUDGE_CLAIM_IDLE_MS", claim_idle_ms.to_string())
        .env("JOUST_JUDGE_RETRY_MS", "200")
        .env("JOUST_JUDGE_BREAKER_OPEN_MS", "1000")
        .env("JOUST_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .spawn()
        .expect("judge starts");
    Process(child)
}

/// Sits in front of an executor and injects faults: a delay before forwarding (`slow_ms` more
/// for requests whose body contains `SLOW`), HTTP 429 while `busy` is above zero, and HTTP 500
/// for requests whose body contains `POISON`. It remembers the last `Authorization` header.
#[derive(Clone)]
pub struct FaultProxy {
    pub url: String,
    pub delay_ms: Arc<AtomicU64>,
    pub slow_ms: Arc<AtomicU64>,
    pub busy: Arc<AtomicUsize>,
    pub authorization: Arc<std::sync::Mutex<Option<String>>>,
    pub seen: Arc<AtomicUsize>,
    pub fail_poison: Arc<AtomicBool>,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    proxy: FaultProxy,
    http: reqwest::Client,
}

async fn forward(
    State(state): State<ProxyState>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    state.proxy.seen.fetch_add(1, Ordering::SeqCst);
    let authorization = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    *state.proxy.authorization.lock().unwrap() = authorization.clone();
    let busy = state
        .proxy
        .busy
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    if busy.is_ok() {
        return (StatusCode::TOO_MANY_REQUESTS, "saturated".to_owned());
    }
    let mut delay = state.proxy.delay_ms.load(Ordering::SeqCst);
    if body.windows(4).any(|w| w == b"SLOW") {
        delay += state.proxy.slow_ms.load(Ordering::SeqCst);
    }
    tokio::time::sleep(Duration::from_millis(delay)).await;
    if state.proxy.fail_poison.load(Ordering::SeqCst) && body.windows(6).any(|w| w == b"POISON") {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected failure".to_owned(),
        );
    }
    let response = state
        .http
        .post(format!("{}/v1/executions", state.upstream))
        .header("content-type", "application/json")
        .header(AUTHORIZATION, authorization.unwrap_or_default())
        .body(body)
        .send()
        .await;
    match response {
        Ok(r) => (
            StatusCode::from_u16(r.status().as_u16()).unwrap(),
            r.text().await.unwrap_or_default(),
        ),
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()),
    }
}

/// A real executor on a free port, reached through a fault-injecting proxy.
pub async fn executor_behind_proxy() -> (Process, FaultProxy) {
    let port = free_port();
    let executor = start_executor(port).await;
    let proxy = start_proxy(&format!("http://127.0.0.1:{port}")).await;
    (executor, proxy)
}

pub async fn start_proxy(upstream: &str) -> FaultProxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = FaultProxy {
        url: format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port()),
        delay_ms: Arc::default(),
        slow_ms: Arc::default(),
        busy: Arc::default(),
        authorization: Arc::default(),
        seen: Arc::default(),
        fail_poison: Arc::new(AtomicBool::new(true)),
    };
    let state = ProxyState {
        upstream: upstream.to_owned(),
        proxy: proxy.clone(),
        http: reqwest::Client::new(),
    };
    let app = Router::new()
        .route("/v1/executions", post(forward))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await });
    proxy
}

/// What most tests start from: an executor process on a free port (and that port), fresh
/// stores, and two players in a running battle.
pub async fn executor_and_battle() -> (Process, u16, TestStores, (Uuid, Uuid, Uuid)) {
    let port = free_port();
    let executor = start_executor(port).await;
    let stores = TestStores::new().await;
    let battle = running_battle(&stores.pool).await;
    (executor, port, stores, battle)
}

/// Two players and a running battle on the seeded problem.
pub async fn running_battle(pool: &PgPool) -> (Uuid, Uuid, Uuid) {
    let (a, b, battle) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    // Names are unique: a test may set up many battles in one database.
    for (id, name) in [(a, "ada"), (b, "bo")] {
        sqlx::query("INSERT INTO users (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(format!("{name}-{}", &id.simple().to_string()[..8]))
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status, fencing_token, starts_at, ends_at)
         SELECT $1, id, $2, $3, $4, $5, 1, now(), now() + interval '1 hour' FROM problems WHERE slug = 'sum-of-two'",
    )
    .bind(battle)
    .bind(a)
    .bind(b)
    .bind(format!("test:{battle}"))
    .bind(joust_common::domain::BattleStatus::Running)
    .execute(pool)
    .await
    .unwrap();
    (a, b, battle)
}

pub async fn queue_submission(
    stores: &TestStores,
    battle: Uuid,
    user: Uuid,
    language: &str,
    source: &str,
) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO submissions (id, battle_id, user_id, language, source) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(battle)
        .bind(user)
        .bind(language)
        .bind(source)
        .execute(&stores.pool)
        .await
        .unwrap();
    let mut conn = redis_connection(stores).await;
    redis::cmd("XADD")
        .arg(joust_common::queue::submissions_stream(
            &stores.redis_prefix,
        ))
        .arg("*")
        .arg("submission_id")
        .arg(id.to_string())
        .query_async::<String>(&mut conn)
        .await
        .unwrap();
    id
}

/// A real executor behind a fault-injecting proxy, fresh stores and a running battle in them.
pub async fn proxied_battle() -> (Process, FaultProxy, TestStores, (Uuid, Uuid, Uuid)) {
    let (executor, proxy) = executor_behind_proxy().await;
    let stores = TestStores::new().await;
    let battle = running_battle(&stores.pool).await;
    (executor, proxy, stores, battle)
}

/// A pub/sub connection subscribed to `channels`.
pub async fn subscribe(stores: &TestStores, channels: &[String]) -> redis::aio::PubSub {
    let client = redis::Client::open(stores.redis_url.as_str()).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    for channel in channels {
        pubsub.subscribe(channel).await.unwrap();
    }
    pubsub
}

pub async fn redis_connection(stores: &TestStores) -> redis::aio::MultiplexedConnection {
    redis::Client::open(stores.redis_url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

pub async fn verdict(pool: &PgPool, submission: Uuid) -> Option<String> {
    sqlx::query_scalar("SELECT verdict FROM submissions WHERE id = $1")
        .bind(submission)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub async fn wait_for_verdict(pool: &PgPool, submission: Uuid) -> String {
    for _ in 0..600 {
        if let Some(v) = verdict(pool, submission).await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("submission {submission} was not judged in time");
}

/// `submission.judged` events per submission id.
pub async fn judged_events(pool: &PgPool, submission: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM battle_events WHERE type = 'submission.judged' AND data->>'submission_id' = $1",
    )
    .bind(submission.to_string())
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Polls `check` until it is true or `timeout` passes.
pub async fn eventually<F, Fut>(timeout: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}
