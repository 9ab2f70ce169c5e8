//! The judge against real PostgreSQL, Redis and an executor serving real HTTP.

use std::time::Duration;

use joust_common::{
    battle_events,
    execution::{ExecutionResponse, Verdict},
    settings::{CommonSettings, LogFormat, StoreSettings},
    testing::TestStores,
};
use joust_judge::{Application, Settings};
use sqlx::PgPool;
use uuid::Uuid;

async fn spawn_executor() -> String {
    let settings = joust_executor::Settings::for_tests(2, Duration::from_secs(10));
    let app = joust_executor::Application::build(settings)
        .await
        .expect("executor starts");
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    url
}

struct TestJudge {
    stores: TestStores,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn spawn_judge(stores: TestStores, executor_url: &str) -> TestJudge {
    let settings = Settings {
        common: CommonSettings {
            host: "127.0.0.1".into(),
            log_format: LogFormat::Pretty,
        },
        stores: StoreSettings {
            database_url: stores.database_url.clone(),
            redis_url: stores.redis_url.clone(),
            redis_prefix: stores.redis_prefix.clone(),
        },
        port: 0,
        executor_url: executor_url.to_owned(),
        consumer_name: format!("judge-{}", Uuid::new_v4()),
        executor_timeout: Duration::from_secs(30),
        breaker_failures: 3,
        breaker_open: Duration::from_millis(500),
        retry_delay: Duration::from_millis(100),
        claim_idle: Duration::from_millis(1_000),
    };
    let app = Application::build(settings).await.expect("judge starts");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    TestJudge {
        stores,
        stop: Some(tx),
        handle,
    }
}

impl TestJudge {
    async fn stop(mut self) -> TestStores {
        let _ = self.stop.take().unwrap().send(());
        self.handle.await.unwrap().unwrap();
        self.stores
    }
}

/// Two players and a running battle on the seeded problem.
async fn running_battle(pool: &PgPool) -> (Uuid, Uuid, Uuid) {
    let (a, b, battle) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    for (id, name) in [(a, "ada"), (b, "bo")] {
        sqlx::query("INSERT INTO users (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(name)
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status, fencing_token, starts_at, ends_at)
         SELECT $1, id, $2, $3, $4, 'running', 1, now(), now() + interval '1 hour' FROM problems WHERE slug = 'sum-of-two'",
    )
    .bind(battle)
    .bind(a)
    .bind(b)
    .bind(format!("test:{battle}"))
    .execute(pool)
    .await
    .unwrap();
    (a, b, battle)
}

async fn queue_submission(
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
    let client = redis::Client::open(stores.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
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

async fn wait_for_verdict(pool: &PgPool, submission: Uuid) -> String {
    for _ in 0..600 {
        let verdict: Option<String> =
            sqlx::query_scalar("SELECT verdict FROM submissions WHERE id = $1")
                .bind(submission)
                .fetch_one(pool)
                .await
                .unwrap();
        if let Some(v) = verdict {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("submission {submission} was not judged in time");
}

const SUM_C: &str = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);}";

#[tokio::test]
async fn judges_queued_submissions_and_the_first_accepted_wins() {
    let executor = spawn_executor().await;
    let stores = TestStores::new().await;
    let (a, b, battle) = running_battle(&stores.pool).await;

    let client = redis::Client::open(stores.redis_url.as_str()).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub
        .subscribe(battle_events::channel(&stores.redis_prefix))
        .await
        .unwrap();

    let judge = spawn_judge(stores, &executor).await;
    let wrong = queue_submission(&judge.stores, battle, a, "python", "print(1)").await;
    assert_eq!(wait_for_verdict(&judge.stores.pool, wrong).await, "WA");
    let right = queue_submission(&judge.stores, battle, b, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&judge.stores.pool, right).await, "AC");
    let late = queue_submission(&judge.stores, battle, a, "c", SUM_C).await;
    assert_eq!(wait_for_verdict(&judge.stores.pool, late).await, "AC");

    let (status, winner): (String, Option<Uuid>) =
        sqlx::query_as("SELECT status, winner_id FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&judge.stores.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), winner),
        ("finished", Some(b)),
        "the first accepted wins, a later one does not"
    );

    let mut conn = judge.stores.pool.acquire().await.unwrap();
    let events = battle_events::since(&mut conn, battle, 0).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "submission.judged",
            "submission.judged",
            "battle.finished",
            "submission.judged"
        ]
    );
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    drop(conn);

    use futures::StreamExt as _;
    let mut messages = pubsub.on_message();
    let first = tokio::time::timeout(Duration::from_secs(5), messages.next())
        .await
        .unwrap()
        .unwrap();
    let published: battle_events::PublishedEvent =
        serde_json::from_str(&first.get_payload::<String>().unwrap()).unwrap();
    assert_eq!(published.event, events[0]);
    assert_eq!(published.players, vec![a, b]);

    let stores = judge.stop().await;
    drop(stores);
}

#[tokio::test]
async fn applying_a_verdict_twice_changes_nothing_the_second_time() {
    let stores = TestStores::new().await;
    let (a, _b, battle) = running_battle(&stores.pool).await;
    let id = queue_submission(&stores, battle, a, "c", SUM_C).await;
    let submission = joust_judge::load_submission(&stores.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        submission.request.tests.len(),
        5,
        "every hidden test of the problem"
    );
    let response = ExecutionResponse {
        verdict: Verdict::AC,
        compile_output: None,
        tests: vec![],
    };
    let first = joust_judge::apply_verdict(&stores.pool, &submission, &response)
        .await
        .unwrap();
    assert_eq!(first.len(), 2, "judged and finished");
    let second = joust_judge::apply_verdict(&stores.pool, &submission, &response)
        .await
        .unwrap();
    assert!(second.is_empty());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE battle_id = $1")
        .bind(battle)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn an_unreachable_executor_leaves_the_submission_queued_until_it_is_back() {
    let stores = TestStores::new().await;
    let (a, _b, battle) = running_battle(&stores.pool).await;
    // Nothing listens on this port yet.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let judge = spawn_judge(stores, &format!("http://127.0.0.1:{port}")).await;
    let id = queue_submission(&judge.stores, battle, a, "c", SUM_C).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status: String = sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
        .bind(id)
        .fetch_one(&judge.stores.pool)
        .await
        .unwrap();
    assert_eq!(status, "queued");
    let stores = judge.stop().await;

    // Another worker of the group, with a working executor, claims the idle entry: nothing
    // was lost, and it is judged once.
    let executor = spawn_executor().await;
    let judge = spawn_judge(stores, &executor).await;
    assert_eq!(wait_for_verdict(&judge.stores.pool, id).await, "AC");
    let judged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM battle_events WHERE type = 'submission.judged'")
            .fetch_one(&judge.stores.pool)
            .await
            .unwrap();
    assert_eq!(judged, 1);
    drop(judge.stop().await);
}
