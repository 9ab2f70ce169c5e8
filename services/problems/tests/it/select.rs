//! Matchmaking's problem choice: near both players' ratings, not played recently by either.

use joust_common::testing::TestStores;
use joust_problems::select::{RECENT_BATTLES, choose_problem};
use uuid::Uuid;

async fn problem(stores: &TestStores, slug: &str, rating: i32) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO problems (id, slug, title, statement, time_limit_ms, memory_limit_mb, rating)
         VALUES ($1, $2, $2, '', 1000, 64, $3)",
    )
    .bind(id)
    .bind(slug)
    .bind(rating)
    .execute(&stores.pool)
    .await
    .unwrap();
    id
}

async fn user(stores: &TestStores, rating: i32) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, name, rating) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(&id.simple().to_string()[..16])
        .bind(rating)
        .execute(&stores.pool)
        .await
        .unwrap();
    id
}

async fn played(stores: &TestStores, problem: Uuid, a: Uuid, b: Uuid) {
    sqlx::query(
        "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status,
             fencing_token, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, 'finished', 1, now(), now())",
    )
    .bind(Uuid::new_v4())
    .bind(problem)
    .bind(a)
    .bind(b)
    .bind(Uuid::new_v4().to_string())
    .execute(&stores.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_problem_nearest_both_ratings_is_chosen_unless_either_played_it_recently() {
    let stores = TestStores::new().await;
    // The seeded problem is rated 1500.
    let easy = problem(&stores, "easy", 900).await;
    let mid = problem(&stores, "mid", 1650).await;
    let hard = problem(&stores, "hard", 2400).await;
    let (a, b) = (user(&stores, 1500).await, user(&stores, 1900).await);
    // Midpoint 1700: "mid" is nearest.
    assert_eq!(
        choose_problem(&stores.pool, [a, b]).await.unwrap(),
        Some(mid)
    );

    // Either player having had it recently rules it out: the next nearest is the seeded one.
    let other = user(&stores, 1200).await;
    played(&stores, mid, b, other).await;
    let seeded: Uuid = sqlx::query_scalar("SELECT id FROM problems WHERE slug = 'sum-of-two'")
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(
        choose_problem(&stores.pool, [a, b]).await.unwrap(),
        Some(seeded)
    );
    played(&stores, seeded, other, a).await;
    assert_eq!(
        choose_problem(&stores.pool, [a, b]).await.unwrap(),
        Some(hard)
    );

    // Once a problem falls out of both players' last battles it can come back.
    for _ in 0..RECENT_BATTLES {
        played(&stores, easy, a, other).await;
        played(&stores, easy, b, other).await;
    }
    assert_eq!(
        choose_problem(&stores.pool, [a, b]).await.unwrap(),
        Some(mid)
    );

    // When every problem is recent, the nearest of all.
    let (c, d) = (user(&stores, 900).await, user(&stores, 900).await);
    for p in [easy, mid, hard, seeded] {
        played(&stores, p, c, d).await;
    }
    assert_eq!(
        choose_problem(&stores.pool, [c, d]).await.unwrap(),
        Some(easy)
    );
}
