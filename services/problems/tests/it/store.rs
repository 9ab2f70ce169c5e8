//! Storing versions: atomic, idempotent, and a new version leaves older battles on theirs.

use joust_common::testing::TestStores;
use joust_problems::{ImportError, check_and_import, parse, store};
use uuid::Uuid;

use crate::{executor, fixture_files, fixture_with};

async fn count(stores: &TestStores, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(&stores.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn importing_the_same_package_twice_changes_nothing() {
    let stores = TestStores::new().await;
    let files = fixture_files("different");
    let (_, verified, first) = check_and_import(&stores.pool, &files, &executor())
        .await
        .expect("imports");
    assert!(first.created);
    let tables = [
        "problems",
        "problem_versions",
        "problem_version_tests",
        "problem_version_files",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(count(&stores, table).await);
    }
    assert_eq!(before[2], 4);
    let (_, _, again) = check_and_import(&stores.pool, &files, &executor())
        .await
        .expect("imports again");
    assert!(!again.created);
    assert_eq!(
        (again.problem_id, again.version_id),
        (first.problem_id, first.version_id)
    );
    for (table, before) in tables.iter().zip(before) {
        assert_eq!(count(&stores, table).await, before, "{table}");
    }
    let listed = store::list(&stores.pool).await.unwrap();
    let row = listed.iter().find(|p| p.slug == "different").unwrap();
    assert_eq!(row.title, "A Different Problem");
    assert_eq!(row.rating, 1400);
    assert_eq!(row.time_limit_ms as u64, verified.time_limit_ms);
    assert_eq!(row.version_id, Some(first.version_id));
    // The seeded problem is still there, without a version.
    assert!(
        listed
            .iter()
            .any(|p| p.slug == "sum-of-two" && p.version_id.is_none())
    );
}

#[tokio::test]
async fn a_refused_package_writes_nothing() {
    let stores = TestStores::new().await;
    let files = fixture_with(
        "different",
        &[("submissions/accepted/wrong.py", Some("print(0)\n"))],
    );
    let refused = check_and_import(&stores.pool, &files, &executor()).await;
    assert!(matches!(refused, Err(ImportError::Refused(_))));
    assert_eq!(count(&stores, "problem_versions").await, 0);
    assert_eq!(count(&stores, "problems").await, 1);
}

#[tokio::test]
async fn a_new_version_becomes_current_and_old_battles_keep_theirs() {
    let stores = TestStores::new().await;
    let (_, verified, first) =
        check_and_import(&stores.pool, &fixture_files("different"), &executor())
            .await
            .unwrap();
    // A battle created now records the current version.
    let battle = Uuid::new_v4();
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    for user in [a, b] {
        sqlx::query("INSERT INTO users (id, name) VALUES ($1, $2)")
            .bind(user)
            .bind(user.simple().to_string()[..12].to_owned())
            .execute(&stores.pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO battles (id, problem_id, problem_version_id, player_a, player_b, pairing_key,
             status, fencing_token, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, 'test', 'finished', 1, now(), now())",
    )
    .bind(battle)
    .bind(first.problem_id)
    .bind(first.version_id)
    .bind(a)
    .bind(b)
    .execute(&stores.pool)
    .await
    .unwrap();

    // The new version changes a secret answer's data: same problem, new version.
    let files = fixture_with(
        "different",
        &[
            ("data/secret/small/more.in", Some("7 2\n")),
            ("data/secret/small/more.ans", Some("5\n")),
        ],
    );
    let package = parse(&files).unwrap();
    let second = store::import(&stores.pool, &package, &files, &verified)
        .await
        .unwrap();
    assert!(second.created);
    assert_eq!(second.problem_id, first.problem_id);
    assert_ne!(second.version_id, first.version_id);
    let current: Uuid = sqlx::query_scalar("SELECT current_version_id FROM problems WHERE id = $1")
        .bind(first.problem_id)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(current, second.version_id);
    let kept: Uuid = sqlx::query_scalar("SELECT problem_version_id FROM battles WHERE id = $1")
        .bind(battle)
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(kept, first.version_id);
    let tests = |version: Uuid| {
        let pool = stores.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM problem_version_tests WHERE version_id = $1",
            )
            .bind(version)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(
        (
            tests(first.version_id).await,
            tests(second.version_id).await
        ),
        (4, 5)
    );
}

#[tokio::test]
async fn concurrent_imports_of_one_package_store_one_version() {
    let stores = TestStores::new().await;
    let files = fixture_files("different");
    let package = parse(&files).unwrap();
    let verified = joust_problems::verify(&package, &executor()).await.unwrap();
    let imports = (0..4).map(|_| store::import(&stores.pool, &package, &files, &verified));
    let results = futures::future::join_all(imports).await;
    let created = results
        .iter()
        .filter(|r| r.as_ref().unwrap().created)
        .count();
    assert_eq!(created, 1);
    assert_eq!(count(&stores, "problem_versions").await, 1);
}
