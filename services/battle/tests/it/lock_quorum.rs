//! The battle-creation Redlock over three independent Redis masters, each a real `redis-server`
//! process this test starts, kills and restarts empty: one node down still creates each battle
//! once, two down refuse with `LOCK_UNAVAILABLE` and write nothing, and a node that returns
//! without its keys lets a second holder in, whose newer fencing token wins.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use joust_battle::{
    auth::Player,
    battles::{self, AcceptChallenge, CreateChallenge, Rematch},
    error::ApiError,
    state::AppState,
};
use redis::IntoConnectionInfo;
use uuid::Uuid;

use crate::{TestApp, spawn_app_with, spawn_instance_with};

/// One `redis-server` on its own port, without persistence: a restart comes back empty.
struct RedisNode {
    port: u16,
    process: Option<Child>,
}

impl RedisNode {
    async fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut node = Self {
            port,
            process: None,
        };
        node.restart().await;
        node
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on its port and waits until it answers.
    async fn restart(&mut self) {
        assert!(self.process.is_none(), "node {} is running", self.port);
        let process = Command::new("/usr/bin/redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.process = Some(process);
        let client = redis::Client::open(self.url()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut conn) = client.get_multiplexed_async_connection().await
                && redis::cmd("PING")
                    .query_async::<String>(&mut conn)
                    .await
                    .is_ok()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server {} is up",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Kills the server at once (SIGKILL): its keys are gone with it.
    fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl Drop for RedisNode {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Three lock nodes.
async fn three_nodes() -> [RedisNode; 3] {
    [
        RedisNode::start().await,
        RedisNode::start().await,
        RedisNode::start().await,
    ]
}

/// A battle service whose lock is taken on `nodes`, with a long countdown (nothing starts).
async fn app_on(nodes: &[RedisNode]) -> TestApp {
    let urls = lock_urls(nodes);
    spawn_app_with(Duration::from_secs(60), move |s| s.lock.redis_urls = urls).await
}

fn lock_urls(nodes: &[RedisNode]) -> Vec<redis::ConnectionInfo> {
    nodes
        .iter()
        .map(|n| n.url().into_connection_info().unwrap())
        .collect()
}

async fn accept(state: &AppState, player: &Player, code: &str) -> Result<Uuid, ApiError> {
    let req = AcceptChallenge {
        code: code.to_owned(),
    };
    battles::accept_challenge(state.clone(), player.clone(), req)
        .await
        .map(|b| b.battle_id)
}

async fn challenge_status(app: &TestApp, code: &str) -> String {
    sqlx::query_scalar("SELECT status FROM challenges WHERE code = $1")
        .bind(code)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap()
}

fn failures(state: &AppState, reason: &str) -> u64 {
    state
        .locks
        .metrics()
        .failures
        .with_label_values(&[reason])
        .get()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_of_three_lock_nodes_killed_each_battle_is_still_created_once() {
    let mut nodes = three_nodes().await;
    let app = app_on(&nodes).await;
    let urls = lock_urls(&nodes);
    let other = spawn_instance_with(&app, Duration::from_secs(60), |s| {
        s.lock.redis_urls = urls;
    })
    .await;
    nodes[2].kill();
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let first = app.duel(&ada, &bo).await;
    app.resign(&ada, first.battle_id).await.unwrap();
    // Both players ask for the rematch at once, on different instances.
    let rematch = |state: AppState, player: Player| {
        let req = Rematch {
            battle_id: first.battle_id,
        };
        tokio::spawn(battles::rematch(state, player, req))
    };
    let (a, b) = (
        rematch(app.state.clone(), ada.clone()),
        rematch(other.clone(), bo.clone()),
    );
    let results = [a.await.unwrap(), b.await.unwrap()];
    let created = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(created, 1, "{results:?}");
    assert!(
        results.iter().all(|r| matches!(
            r,
            Ok(_) | Err(ApiError::BattleExists | ApiError::LockBusy | ApiError::FencingRejected)
        )),
        "{results:?}"
    );
    assert_eq!(app.count("battles").await, 2);
    assert_eq!(failures(&app.state, "quorum"), 0);
    assert_eq!(app.state.locks.metrics().nodes.get(), 3);
    assert_eq!(app.state.locks.metrics().nodes_reachable.get(), 3);
}

#[tokio::test]
async fn with_two_of_three_lock_nodes_killed_creation_fails_typed_and_writes_nothing() {
    let mut nodes = three_nodes().await;
    let app = app_on(&nodes).await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let challenge =
        battles::create_challenge(app.state.clone(), ada.clone(), CreateChallenge::default())
            .await
            .unwrap();
    nodes[0].kill();
    nodes[1].kill();
    let refused = accept(&app.state, &bo, &challenge.code).await;
    assert!(
        matches!(refused, Err(ApiError::LockUnavailable)),
        "{refused:?}"
    );
    assert_eq!(
        ApiError::LockUnavailable.to_ack()["error"]["code"],
        "LOCK_UNAVAILABLE"
    );
    assert_eq!(app.count("battles").await, 0);
    assert_eq!(
        app.count("fencing").await,
        0,
        "no fencing token was recorded"
    );
    assert_eq!(challenge_status(&app, &challenge.code).await, "open");
    assert_eq!(failures(&app.state, "quorum"), 1);
    assert_eq!(failures(&app.state, "busy"), 0);
    let metrics = app.metrics_text().await;
    assert!(metrics.contains("lock_nodes_reachable 1"), "{metrics}");
    assert!(
        metrics.contains(r#"lock_failures_total{reason="quorum"} 1"#),
        "{metrics}"
    );
    // One node back (empty) restores the majority: the still-open challenge is accepted.
    nodes[1].restart().await;
    let battle = accept(&app.state, &bo, &challenge.code).await.unwrap();
    assert_eq!(app.count("battles").await, 1);
    assert_eq!(challenge_status(&app, &challenge.code).await, "accepted");
    let players: (Uuid, Uuid) =
        sqlx::query_as("SELECT player_a, player_b FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&app.stores.pool)
            .await
            .unwrap();
    assert_eq!(players, (ada.id, bo.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_node_restarted_empty_admits_a_second_holder_and_fencing_keeps_one_battle() {
    let mut nodes = three_nodes().await;
    let app = app_on(&nodes).await;
    let urls = lock_urls(&nodes);
    // The first holder stalls under the lock well before its first renewal would be due.
    let stalled = spawn_instance_with(&app, Duration::from_secs(60), |s| {
        s.lock.redis_urls = urls;
        s.lock.ttl = Duration::from_secs(30);
        s.lock.test_hold = Duration::from_secs(8);
    })
    .await;
    let [ada, bo] = app.guests(["ada", "bo"]).await;
    let first = app.duel(&ada, &bo).await;
    app.resign(&ada, first.battle_id).await.unwrap();
    let req = || Rematch {
        battle_id: first.battle_id,
    };
    // The lock is taken on nodes 0 and 1 only: node 2 is down.
    nodes[2].kill();
    let holder = tokio::spawn(battles::rematch(stalled.clone(), ada.clone(), req()));
    let lock_key = app.state.locks.key(&battles::pair_key(ada.id, bo.id));
    wait_for_key(&nodes[0], &lock_key).await;
    // Node 1 loses its copy in a restart and node 2 returns empty: a majority no longer knows
    // about the held lock.
    nodes[1].kill();
    nodes[1].restart().await;
    nodes[2].restart().await;
    let started = Instant::now();
    let second = battles::rematch(app.state.clone(), bo.clone(), req()).await;
    assert!(
        !holder.is_finished(),
        "the first holder still works under its lock (the second took {:?})",
        started.elapsed()
    );
    let second = second.expect("the second holder got the lock on the empty nodes");
    let stale = holder.await.unwrap();
    assert!(matches!(stale, Err(ApiError::FencingRejected)), "{stale:?}");
    assert_eq!(app.count("battles").await, 2, "exactly one rematch");
    let rematches: i64 = sqlx::query_scalar("SELECT count(*) FROM battles WHERE id = $1")
        .bind(second.battle_id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(rematches, 1);
    assert_eq!(stalled.locks.metrics().fencing_rejections.get(), 1);
}

/// Waits until `key` exists on `node`: the lock was taken there.
async fn wait_for_key(node: &RedisNode, key: &str) {
    let client = redis::Client::open(node.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let exists: i64 = redis::cmd("EXISTS")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        if exists == 1 {
            return;
        }
        assert!(Instant::now() < deadline, "the lock {key} was taken");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
