//! Tournaments played through their battles: finished battles advance the bracket through the
//! one finish hook (byes passed on, the next round started, the tournament finished with its
//! champion), no-shows forfeit (or draw, when both are absent), and a result the organizer
//! already decided is dropped, not applied twice.

use std::time::Duration;

use joust_battle::battles::{self, Submit};
use joust_common::domain::{BattleStatus, Outcome};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    TestApp, spawn_app_with,
    tournament_scheduler::{COUNTDOWN, Running, launched, loser_of, running, short},
    tournaments::{get, post},
};

/// The battles of the tournament not finished yet.
async fn unfinished(app: &TestApp, tournament: Uuid) -> Vec<Uuid> {
    sqlx::query_scalar(
        "SELECT b.id FROM tournament_matches m JOIN battles b ON b.id = m.battle_id
         WHERE m.tournament_id = $1 AND b.status <> $2 ORDER BY m.match_id",
    )
    .bind(tournament)
    .bind(BattleStatus::Finished.as_str())
    .fetch_all(&app.state.pool)
    .await
    .unwrap()
}

async fn detail(app: &TestApp, t: &Running) -> Value {
    let (status, detail) = get(app, &t.base).await;
    assert_eq!(status, 200, "{detail}");
    detail
}

/// Ticks and lets the lower seed of every battle resign, until the tournament is finished;
/// returns how many battles were played.
async fn play_out(app: &TestApp, t: &Running) -> usize {
    let mut played = 0;
    for _ in 0..200 {
        app.scheduler.tick().await;
        if detail(app, t).await["state"] == "finished" {
            return played;
        }
        for battle in unfinished(app, t.id).await {
            let loser = loser_of(app, t, battle).await;
            app.resign(&loser, battle).await.unwrap();
            played += 1;
        }
    }
    panic!("the tournament did not finish: {}", detail(app, t).await);
}

#[tokio::test]
async fn finished_battles_carry_a_bracket_with_byes_to_its_champion() {
    let app = spawn_app_with(COUNTDOWN, short).await;
    // Five players in a bracket of eight: the top three seeds wait in round 2.
    let t = running(&app, json!({"format": "single_elimination"}), 5).await;
    let played = play_out(&app, &t).await;
    assert_eq!(played, 4, "five players need four battles");
    assert_eq!(launched(&app, t.id).await.len(), 4);
    let detail = detail(&app, &t).await;
    let matches = detail["matches"].as_array().unwrap();
    let byes = matches
        .iter()
        .filter(|m| m["outcome"].as_str().is_some_and(|o| o.ends_with("(bye)")))
        .count();
    assert_eq!(byes, 3);
    // Every battle's result went through the outbox once, and nothing waits there.
    assert_eq!(app.count("tournament_results").await, 0);
    assert_eq!(
        app.scheduler
            .metrics()
            .results
            .with_label_values(&["applied"])
            .get(),
        4
    );
    let (_, standings) = get(&app, &format!("{}/standings", t.base)).await;
    assert_eq!(standings[0]["user_id"], t.field[0].id.to_string());
    assert_eq!(standings[0]["rank"], 1);
    assert_eq!(standings[1]["user_id"], t.field[1].id.to_string());
    // Each bracket match played as a battle shows it.
    for m in matches.iter().filter(|m| !m["battle_id"].is_null()) {
        assert!(m["outcome"] == "first" || m["outcome"] == "second", "{m}");
    }
}

#[tokio::test]
async fn a_swiss_stage_is_paired_round_after_round_until_it_ends() {
    let app = spawn_app_with(COUNTDOWN, short).await;
    let t = running(&app, json!({"format": "swiss", "swiss_rounds": 3}), 6).await;
    let played = play_out(&app, &t).await;
    assert_eq!(played, 9, "three rounds of three battles");
    let (_, standings) = get(&app, &format!("{}/standings", t.base)).await;
    assert_eq!(standings[0]["user_id"], t.field[0].id.to_string());
    assert_eq!(standings[0]["points"], 3.0);
    let total: f64 = standings
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["points"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 9.0);
}

/// The battle's `battle.finished` data.
async fn finished_data(app: &TestApp, battle: Uuid) -> Value {
    sqlx::query_scalar(
        "SELECT data FROM battle_events WHERE battle_id = $1 AND type = 'battle.finished'",
    )
    .bind(battle)
    .fetch_one(&app.state.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn no_shows_forfeit_and_two_no_shows_send_the_higher_seed_through() {
    let app = spawn_app_with(COUNTDOWN, |s| {
        short(s);
        s.tournaments.no_show_grace = Duration::from_millis(200);
    })
    .await;
    let scheduler = app.scheduler.clone();
    let t = running(&app, json!({"format": "single_elimination"}), 4).await;
    scheduler.tick().await;
    // Seeds 1 v 4 and 2 v 3.
    let round = launched(&app, t.id).await;
    assert_eq!(round.len(), 2);
    let (shown, absent) = (round[0].1, round[1].1);
    for battle in [shown, absent] {
        for _ in 0..100 {
            battles::start_if_due(&app.state, battle).await.unwrap();
            let status: String = sqlx::query_scalar("SELECT status FROM battles WHERE id = $1")
                .bind(battle)
                .fetch_one(&app.state.pool)
                .await
                .unwrap();
            if status == BattleStatus::Running.as_str() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // The top seed shows up by submitting; the fourth seed never comes. Neither player of the
    // other battle comes.
    let submit = Submit {
        battle_id: shown,
        language: "python".into(),
        source: "print(1)\n".into(),
        idempotency_key: None,
    };
    battles::submit(app.state.clone(), t.field[0].clone(), submit)
        .await
        .unwrap();
    let mut ended = 0;
    for _ in 0..100 {
        ended += scheduler.tick().await.no_shows;
        if ended == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ended, 2);
    let one = finished_data(&app, shown).await;
    assert_eq!(one["outcome"], Outcome::Forfeit.as_str());
    assert_eq!(one["reason"], "no_show");
    assert_eq!(one["winner_id"], t.field[0].id.to_string());
    assert_eq!(one["loser_id"], t.field[3].id.to_string());
    let both = finished_data(&app, absent).await;
    assert_eq!(both["outcome"], Outcome::Draw.as_str());
    assert_eq!(both["reason"], "no_show");
    assert_eq!(
        scheduler
            .metrics()
            .no_shows
            .with_label_values(&["one"])
            .get(),
        1
    );
    assert_eq!(
        scheduler
            .metrics()
            .no_shows
            .with_label_values(&["both"])
            .get(),
        1
    );
    // The next tick applies both: seed 1 won its match, seed 2 goes through on the draw, and
    // the final between them starts.
    scheduler.tick().await;
    let detail = detail(&app, &t).await;
    let matches = detail["matches"].as_array().unwrap();
    assert_eq!(matches[0]["outcome"], "first");
    assert_eq!(matches[1]["outcome"], "first");
    let final_match = &matches[2];
    assert_eq!(
        final_match["players"],
        json!([t.field[0].id, t.field[1].id]),
        "{final_match}"
    );
    assert!(!final_match["battle_id"].is_null());
}

#[tokio::test]
async fn a_result_the_organizer_already_decided_is_dropped() {
    let app = spawn_app_with(COUNTDOWN, short).await;
    // Three players: one match a round, each round past due, played one after the other.
    let t = running(&app, json!({"format": "round_robin"}), 3).await;
    app.scheduler.tick().await;
    let round = launched(&app, t.id).await;
    assert_eq!(
        round.len(),
        1,
        "a player's matches wait for the earlier ones"
    );
    let (match_id, battle) = round[0];
    // The organizer reports a draw while the battle still runs; then the battle ends.
    let (status, body) = post(
        &app,
        &format!("{}/matches/{match_id}/result", t.base),
        Some(&t.organizer),
        json!({"outcome": "draw"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    app.resign(&t.field[1], battle).await.unwrap();
    assert_eq!(app.count("tournament_results").await, 1);
    app.scheduler.tick().await;
    assert_eq!(app.count("tournament_results").await, 0);
    let results = &app.scheduler.metrics().results;
    assert_eq!(results.with_label_values(&["refused"]).get(), 1);
    assert_eq!(results.with_label_values(&["applied"]).get(), 0);
    let detail = detail(&app, &t).await;
    let first = detail["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == match_id)
        .unwrap();
    assert_eq!(first["outcome"], "draw");
    assert_eq!(first["battle_id"], battle.to_string());
    assert_eq!(detail["state"], "running");
}
