//! Every way a battle ends moves both players' ratings, once, through the path that really
//! ends it: an accepted submission, a resignation, a no-show (the reconnect grace running out
//! before the battle even started) and a draw at the time limit (the sweeper).

use std::time::Duration;

use joust_battle::{
    auth::Player,
    battles::{self, Submit},
    presence::grace,
    sweeper,
};
use joust_common::domain::{self, Ending, EventKind, ForfeitReason};
use uuid::Uuid;

use crate::{TestApp, spawn_app_with};

/// What one battle did to its players: the `battle.finished` event's changes, checked against
/// the users table and the rating history.
async fn check_rated(app: &TestApp, battle: Uuid, winner: Option<&Player>, players: [&Player; 2]) {
    let (outcome, finished_winner): (String, Option<Uuid>) =
        sqlx::query_as("SELECT outcome, winner_id FROM battles WHERE id = $1")
            .bind(battle)
            .fetch_one(&app.stores.pool)
            .await
            .unwrap();
    assert_eq!(finished_winner, winner.map(|w| w.id), "{outcome}");
    let log = app.log(players[0], battle).await;
    let finished: Vec<_> = log
        .iter()
        .filter(|e| e.kind == EventKind::BattleFinished)
        .collect();
    assert_eq!(finished.len(), 1, "{outcome}: one battle.finished");
    let changes = finished[0].data["ratings"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{outcome}");
    for player in players {
        let change = changes
            .iter()
            .find(|c| c["user_id"] == player.id.to_string())
            .unwrap_or_else(|| panic!("{outcome}: no change for {}", player.name));
        let (before, after) = (
            change["rating_before"].as_i64().unwrap(),
            change["rating_after"].as_i64().unwrap(),
        );
        assert_eq!(before, 1200, "{outcome}");
        assert_eq!(change["delta"].as_i64().unwrap(), after - before);
        match winner {
            Some(w) if w.id == player.id => assert!(after > before, "{outcome}: {change}"),
            Some(_) => assert!(after < before, "{outcome}: {change}"),
            // Equal players drawing keep their rating and lose uncertainty.
            None => assert_eq!(after, before, "{outcome}: {change}"),
        }
        let (rating, deviation, rated_battles): (i32, f64, i32) = sqlx::query_as(
            "SELECT rating, rating_deviation, rated_battles FROM users WHERE id = $1",
        )
        .bind(player.id)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
        assert_eq!(i64::from(rating), after, "{outcome}");
        assert!(deviation < 350.0, "{outcome}: deviation {deviation}");
        assert_eq!(rated_battles, 1, "{outcome}: rated once");
    }
    let history: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rating_history WHERE battle_id = $1")
            .bind(battle)
            .fetch_one(&app.stores.pool)
            .await
            .unwrap();
    assert_eq!(history, 2, "{outcome}");
    // A second ending of a finished battle is refused and rates nobody again.
    let mut conn = app.stores.pool.acquire().await.unwrap();
    let again = Ending::Forfeit {
        loser: players[0].id,
        reason: ForfeitReason::Resigned,
    };
    assert!(
        domain::finish_battle(&mut conn, battle, again)
            .await
            .unwrap()
            .is_none()
    );
    let total: i64 = sqlx::query_scalar("SELECT sum(rated_battles) FROM users WHERE id = ANY($1)")
        .bind([players[0].id, players[1].id])
        .fetch_one(&app.stores.pool)
        .await
        .unwrap();
    assert_eq!(total, 2, "{outcome}");
}

async fn finished(app: &TestApp, battle: Uuid) -> bool {
    sqlx::query_scalar("SELECT status = 'finished' FROM battles WHERE id = $1")
        .bind(battle)
        .fetch_one(&app.stores.pool)
        .await
        .unwrap()
}

/// Runs `step` until `battle` has finished. The service's own sweeper runs beside the test and
/// may hold the battle's row when the test's step comes (the step then skips it), and a busy
/// runtime can run either late: generous for a loaded machine.
async fn until_finished(app: &TestApp, battle: Uuid, step: impl AsyncFn()) {
    for _ in 0..300 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        step().await;
        if finished(app, battle).await {
            return;
        }
    }
}

#[tokio::test]
async fn every_ending_rates_both_players_exactly_once() {
    let app = spawn_app_with(Duration::ZERO, |s| {
        s.reconnect_grace = Duration::from_millis(50);
    })
    .await;
    let [ada, bo, cy, dee, eve, fay, gus, hal] = app
        .guests(["ada", "bo", "cy", "dee", "eve", "fay", "gus", "hal"])
        .await;

    // Accepted: ada's submission is judged AC; the judge's finish call ends the battle.
    let accepted = app.duel(&ada, &bo).await.battle_id;
    battles::start_if_due(&app.state, accepted).await.unwrap();
    let submit = Submit {
        battle_id: accepted,
        language: "python".into(),
        source: "print(3)".into(),
        idempotency_key: None,
    };
    let submission = battles::submit(app.state.clone(), ada.clone(), submit)
        .await
        .unwrap()
        .submission_id;
    sqlx::query("UPDATE submissions SET status = 'judged', verdict = 'AC' WHERE id = $1")
        .bind(submission)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    let mut conn = app.stores.pool.acquire().await.unwrap();
    let ending = Ending::Accepted {
        winner: ada.id,
        submission_id: submission,
    };
    domain::finish_battle(&mut conn, accepted, ending)
        .await
        .unwrap()
        .expect("the accepted submission wins");
    drop(conn);
    check_rated(&app, accepted, Some(&ada), [&ada, &bo]).await;

    // Resigned, while running.
    let resigned = app.duel(&cy, &dee).await.battle_id;
    battles::start_if_due(&app.state, resigned).await.unwrap();
    app.resign(&cy, resigned).await.unwrap();
    check_rated(&app, resigned, Some(&dee), [&cy, &dee]).await;

    // A no-show: fay never comes (back) before the start; her grace period runs out.
    let no_show = app.duel(&eve, &fay).await.battle_id;
    grace::disconnected(&app.state, fay.id).await.unwrap();
    // This test's expiry or the service's own sweeper forfeits her, whichever comes first.
    until_finished(&app, no_show, async || {
        grace::expire(&app.state, &app.io).await.unwrap();
    })
    .await;
    check_rated(&app, no_show, Some(&eve), [&eve, &fay]).await;

    // A draw: the time runs out with nobody accepted, and the sweeper ends the battle.
    let drawn = app.duel(&gus, &hal).await.battle_id;
    battles::start_if_due(&app.state, drawn).await.unwrap();
    sqlx::query("UPDATE battles SET ends_at = now() - interval '1 second' WHERE id = $1")
        .bind(drawn)
        .execute(&app.stores.pool)
        .await
        .unwrap();
    until_finished(&app, drawn, async || {
        sweeper::sweep_once(&app.state, &app.io).await
    })
    .await;
    check_rated(&app, drawn, None, [&gus, &hal]).await;
}
