//! Battle snapshots in Redis: read instead of PostgreSQL, rebuilt from the log when missing or
//! behind, never moved back.

use joust_common::domain::{BattleStatus, EventKind, Outcome};
use std::time::Duration;

use joust_battle::{
    battles::{self, Resign, StateQuery},
    snapshot::{BattleSnapshot, Snapshots},
};
use uuid::Uuid;

use crate::{TestApp, spawn_app};

async fn cached(app: &TestApp, battle_id: Uuid) -> Option<BattleSnapshot> {
    let mut redis = app.state.redis.clone();
    let json: Option<String> = redis::cmd("GET")
        .arg(Snapshots::key(&app.state.redis_prefix, battle_id))
        .query_async(&mut redis)
        .await
        .unwrap();
    json.map(|j| serde_json::from_str(&j).unwrap())
}

async fn labelled(app: &TestApp, name: &str, label: &str) -> f64 {
    let text = app.metrics_text().await;
    let prefix = format!("{name}{{{label}}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

/// Polls until the cached snapshot satisfies `done`.
async fn cached_until(
    app: &TestApp,
    battle_id: Uuid,
    done: impl Fn(&BattleSnapshot) -> bool,
) -> BattleSnapshot {
    for _ in 0..200 {
        if let Some(s) = cached(app, battle_id).await
            && done(&s)
        {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "the cached snapshot never got there: {:?}",
        cached(app, battle_id).await
    );
}

#[tokio::test]
async fn state_is_read_from_the_snapshot_and_rebuilt_when_redis_lost_it() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bob) = (app.guest("ada").await, app.guest("bob").await);
    let battle = app.duel(&ada, &bob).await;
    let query = || StateQuery {
        battle_id: battle.battle_id,
    };

    let first = battles::battle_state(app.state.clone(), ada.clone(), query())
        .await
        .unwrap();
    assert_eq!(
        first.status,
        BattleStatus::Running,
        "asking after the countdown starts it"
    );
    assert_eq!(first.player_ids(), vec![ada.id, bob.id]);
    assert!(first.problem.is_some() && first.ends_at.is_some());
    let rebuilt_before = labelled(&app, "battle_snapshot_reads_total", "source=\"log\"").await;

    // Served from Redis now.
    let again = battles::battle_state(app.state.clone(), bob.clone(), query())
        .await
        .unwrap();
    assert_eq!(again, first);
    assert!(labelled(&app, "battle_snapshot_reads_total", "source=\"cache\"").await >= 1.0);
    assert_eq!(cached(&app, battle.battle_id).await.as_ref(), Some(&first));

    // Redis loses it: the next read replays the log and caches the same state again.
    let mut redis = app.state.redis.clone();
    let _: i64 = redis::cmd("DEL")
        .arg(Snapshots::key(&app.state.redis_prefix, battle.battle_id))
        .query_async(&mut redis)
        .await
        .unwrap();
    let after_loss = battles::battle_state(app.state.clone(), ada.clone(), query())
        .await
        .unwrap();
    assert_eq!(after_loss, first);
    assert_eq!(
        labelled(&app, "battle_snapshot_reads_total", "source=\"log\"").await,
        rebuilt_before + 1.0
    );
    assert!(cached(&app, battle.battle_id).await.is_some());

    let missing = battles::battle_state(
        app.state.clone(),
        ada.clone(),
        StateQuery {
            battle_id: Uuid::new_v4(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(missing.code(), "BATTLE_NOT_FOUND");
}

#[tokio::test]
async fn relayed_events_advance_the_snapshot_and_a_gap_rebuilds_it() {
    let app = spawn_app(Duration::ZERO).await;
    let (ada, bob) = (app.guest("ada").await, app.guest("bob").await);
    let battle = app.duel(&ada, &bob).await;
    let running = battles::battle_state(
        app.state.clone(),
        ada.clone(),
        StateQuery {
            battle_id: battle.battle_id,
        },
    )
    .await
    .unwrap();

    // Plant a snapshot that is behind the log (as if the `battle.started` publish was lost):
    // the next relayed event shows the gap and the snapshot is rebuilt, not patched.
    let mut redis = app.state.redis.clone();
    let mut behind = running.clone();
    behind.last_seq = 1;
    behind.status = BattleStatus::Countdown;
    behind.problem = None;
    let _: () = redis::cmd("SET")
        .arg(Snapshots::key(&app.state.redis_prefix, battle.battle_id))
        .arg(serde_json::to_string(&behind).unwrap())
        .query_async(&mut redis)
        .await
        .unwrap();

    battles::resign(
        app.state.clone(),
        bob.clone(),
        Resign {
            battle_id: battle.battle_id,
        },
    )
    .await
    .unwrap();
    let finished = cached_until(&app, battle.battle_id, |s| {
        s.status == BattleStatus::Finished
    })
    .await;
    assert_eq!(finished.last_seq, running.last_seq + 1);
    assert_eq!(
        finished.problem, running.problem,
        "rebuilt from the whole log"
    );
    assert_eq!(finished.winner_id, Some(ada.id));
    assert_eq!(finished.outcome, Some(Outcome::Forfeit));

    // An older snapshot never replaces a newer one.
    let snapshots = app.state.snapshots.clone();
    let stale_event = joust_common::domain::BattleEvent {
        battle_id: battle.battle_id,
        seq: 2,
        kind: EventKind::BattleStarted,
        at: chrono::Utc::now(),
        data: serde_json::json!({}),
    };
    snapshots.advance(&stale_event).await;
    assert_eq!(cached(&app, battle.battle_id).await, Some(finished));
}
