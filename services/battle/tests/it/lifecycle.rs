//! How battles end without a verdict (a draw at `ends_at`, a resignation, an expired reconnect
//! grace) and how a finished pairing gets a rematch.

use std::time::{Duration, Instant};

use joust_battle::{
    auth::Player,
    battles::{self, Rematch},
    error::ApiError,
    presence,
};
use joust_common::domain::{BattleStatus, EventKind, Outcome};
use uuid::Uuid;

use crate::{TestApp, spawn_app, spawn_app_with};

/// `(status, outcome, winner)` of a battle.
async fn outcome(app: &TestApp, battle_id: Uuid) -> (BattleStatus, Option<Outcome>, Option<Uuid>) {
    sqlx::query_as("SELECT status, outcome, winner_id FROM battles WHERE id = $1")
        .bind(battle_id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap()
}

/// The kinds of the battle's events, in order, as `player` reads them back.
async fn kinds(app: &TestApp, player: &Player, battle_id: Uuid) -> Vec<EventKind> {
    app.log(player, battle_id)
        .await
        .iter()
        .map(|e| e.kind)
        .collect()
}

async fn wait_until_finished(app: &TestApp, battle_id: Uuid, within: Duration) {
    let deadline = Instant::now() + within;
    while outcome(app, battle_id).await.0 != BattleStatus::Finished {
        assert!(Instant::now() < deadline, "battle {battle_id} still on");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_battle_past_its_end_is_a_draw_exactly_once() {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.battle_length = Duration::from_millis(400);
    })
    .await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battle = app.duel(&ada, &bo).await;

    // The sweeper starts the battle and, once `ends_at` passes, ends it.
    wait_until_finished(&app, battle.battle_id, Duration::from_secs(10)).await;
    assert_eq!(
        outcome(&app, battle.battle_id).await,
        (BattleStatus::Finished, Some(Outcome::Draw), None)
    );
    let log = app.log(&bo, battle.battle_id).await;
    let finished: Vec<_> = log
        .iter()
        .filter(|e| e.kind == EventKind::BattleFinished)
        .collect();
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].data["outcome"], "draw");
    assert!(finished[0].data["winner_id"].is_null());
    let late = app.resign(&ada, battle.battle_id).await;
    assert!(matches!(late, Err(ApiError::BattleFinished)), "{late:?}");
}

#[tokio::test]
async fn concurrent_sweeps_finish_an_overdue_battle_once() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battles_ids: Vec<Uuid> = {
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(app.duel(&ada, &bo).await.battle_id);
        }
        ids
    };
    for id in &battles_ids {
        battles::start_if_due(&app.state, *id).await.unwrap();
    }
    sqlx::query("UPDATE battles SET ends_at = now() - interval '1 second'")
        .execute(&app.stores.pool)
        .await
        .unwrap();
    // Eight sweeps at once, besides the application's own sweeper.
    let sweeps = (0..8).map(|_| {
        let state = app.state.clone();
        tokio::spawn(async move { battles::finish_overdue(&state).await.unwrap() })
    });
    let mut finished_here: Vec<Uuid> = futures::future::join_all(sweeps)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    // Each sweep reports what it finished itself: no battle twice.
    let reported = finished_here.len();
    finished_here.sort();
    finished_here.dedup();
    assert_eq!(finished_here.len(), reported);
    assert!(finished_here.iter().all(|id| battles_ids.contains(id)));
    for id in &battles_ids {
        wait_until_finished(&app, *id, Duration::from_secs(5)).await;
        let draws: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM battle_events WHERE battle_id = $1 AND type = 'battle.finished'",
        )
        .bind(id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
        assert_eq!(draws, 1, "battle {id}");
    }
}

#[tokio::test]
async fn resigning_gives_the_opponent_the_win() {
    let app = spawn_app(Duration::from_secs(30)).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let battle = app.duel(&ada, &bo).await;
    let id = battle.battle_id;
    let by_eve = app.resign(&eve, id).await;
    assert!(matches!(by_eve, Err(ApiError::NotAParticipant)));
    // Allowed during the countdown as well.
    let resigned = app.resign(&ada, id).await.unwrap();
    assert_eq!(resigned.winner_id, bo.id);
    let again = app.resign(&bo, id).await;
    assert!(matches!(again, Err(ApiError::BattleFinished)));
    assert_eq!(
        outcome(&app, battle.battle_id).await,
        (BattleStatus::Finished, Some(Outcome::Forfeit), Some(bo.id))
    );
    let log = kinds(&app, &bo, battle.battle_id).await;
    assert_eq!(log, [EventKind::BattleCreated, EventKind::BattleFinished]);
    let missing = app.resign(&ada, Uuid::new_v4()).await;
    assert!(matches!(missing, Err(ApiError::BattleNotFound)));
}

#[tokio::test]
async fn both_players_asking_for_a_rematch_get_one_battle() {
    let app = spawn_app(Duration::from_secs(30)).await;
    let [ada, bo, eve] = app.guests(["ada", "bo", "eve"]).await;
    let battle = app.duel(&ada, &bo).await;
    let rematch = |player: &Player| {
        battles::rematch(
            app.state.clone(),
            player.clone(),
            Rematch {
                battle_id: battle.battle_id,
            },
        )
    };
    assert!(matches!(rematch(&ada).await, Err(ApiError::BattleExists)));
    assert!(matches!(
        rematch(&eve).await,
        Err(ApiError::NotAParticipant)
    ));
    app.resign(&bo, battle.battle_id).await.unwrap();

    let (first, second) = tokio::join!(rematch(&ada), rematch(&bo));
    let results = [first, second];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(ApiError::BattleExists | ApiError::LockBusy))),
        "{results:?}"
    );
    let (key, problem): (String, Uuid) =
        sqlx::query_as("SELECT pairing_key, problem_id FROM battles WHERE status <> $1")
            .bind(BattleStatus::Finished)
            .fetch_one(&app.stores.pool)
            .await
            .unwrap();
    assert_eq!(key, battles::pair_key(bo.id, ada.id));
    assert_eq!(problem.to_string(), "00000000-0000-4000-8000-000000000001");
    let fenced: i64 = sqlx::query_scalar("SELECT token FROM fencing WHERE resource = $1")
        .bind(&key)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert!(fenced > 0);
}

#[tokio::test]
async fn a_seat_is_held_through_the_grace_period_and_forfeited_after_it() {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.reconnect_grace = Duration::from_millis(600);
    })
    .await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battle = app.duel(&ada, &bo).await;
    battles::start_if_due(&app.state, battle.battle_id)
        .await
        .unwrap();

    let leaves = || presence::grace::disconnected(&app.state, ada.id);
    let comes_back = || presence::grace::connected(&app.state, ada.id);
    // Back within the grace period: the seat is kept.
    leaves().await.unwrap();
    comes_back().await.unwrap();
    // A second connection while nothing is held is not a reconnect.
    comes_back().await.unwrap();
    assert_eq!(app.metric("reconnects_total").await, 1.0);
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(
        outcome(&app, battle.battle_id).await.0,
        BattleStatus::Running
    );

    // Gone for good: the opponent wins, once, although disconnects are reported twice.
    leaves().await.unwrap();
    leaves().await.unwrap();
    wait_until_finished(&app, battle.battle_id, Duration::from_secs(5)).await;
    assert_eq!(
        outcome(&app, battle.battle_id).await,
        (BattleStatus::Finished, Some(Outcome::Forfeit), Some(bo.id))
    );
    let log = kinds(&app, &bo, battle.battle_id).await;
    assert_eq!(
        log,
        [
            EventKind::BattleCreated,
            EventKind::BattleStarted,
            EventKind::PlayerDisconnected,
            EventKind::PlayerReconnected,
            EventKind::PlayerDisconnected,
            EventKind::BattleFinished,
        ]
    );
    let mut redis = app.state.redis.clone();
    let pending: i64 = redis::cmd("ZCARD")
        .arg(presence::grace::grace_key(&app.state.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(pending, 0);
}

#[tokio::test]
async fn a_battle_is_not_drawn_while_a_submission_made_in_time_awaits_its_verdict() {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.battle_length = Duration::from_millis(1_500);
    })
    .await;
    let (ada, bo) = (app.guest("ada").await, app.guest("bo").await);
    let battle = app.duel(&ada, &bo).await;
    battles::start_if_due(&app.state, battle.battle_id)
        .await
        .unwrap();
    battles::submit(
        app.state.clone(),
        ada,
        battles::Submit {
            battle_id: battle.battle_id,
            language: "c".into(),
            source: "int main(void) { return 0; }".into(),
            idempotency_key: None,
        },
    )
    .await
    .unwrap();
    // No judge runs here: the submission stays queued past the end.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(
        outcome(&app, battle.battle_id).await.0,
        BattleStatus::Running
    );
    // Once it has its verdict, the next sweep draws the battle.
    sqlx::query("UPDATE submissions SET status = 'judged', verdict = 'WA' WHERE battle_id = $1")
        .bind(battle.battle_id)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    wait_until_finished(&app, battle.battle_id, Duration::from_secs(10)).await;
    assert_eq!(outcome(&app, battle.battle_id).await.1, Some(Outcome::Draw));
}

#[tokio::test]
async fn presence_says_when_it_cannot_know_and_callers_fall_back() {
    let app = spawn_app(Duration::from_secs(30)).await;
    let user = Uuid::new_v4();
    // Nobody connected: every instance answers, with no socket.
    let sockets = presence::sockets_of(&app.io, user).await.unwrap();
    assert!(sockets.is_empty());
    // A closing instance cannot ask: an error, never a silent "not connected".
    app.io.close().await;
    let closing = presence::sockets_of(&app.io, user).await;
    assert!(
        matches!(closing, Err(presence::PresenceUnknown::Closing)),
        "{closing:?}"
    );
    assert!(presence::local_sockets_of(&app.io, user).is_empty());
}
