//! The cross-check: every elimination and round-robin stage of 2 to 64 players must be drawn
//! exactly as brackets-manager.js draws it (its stored tables compared whole: rounds, matches,
//! byes, seeds' and losers' positions, statuses), and playing every match by the same rule on
//! both sides must put the same players in every match (so each winner and loser goes to the
//! same place) and rank the players of elimination stages the same.
//! `services/brackets/crosscheck/structure.mjs` prints brackets-manager's side; `make deps`
//! installs its npm packages, and `make test` runs this test with the crate's others.

use joust_brackets::export::to_brackets_model;
use joust_brackets::standings::standings;
use joust_brackets::{Format, GrandFinal, MatchId, MatchStatus, Outcome, Side, Stage};
use serde_json::Value;

use crate::helpers::{play_out, stage};

/// The rule both sides play by (`opponent1Wins` in structure.mjs): ids are seed indexes.
fn first_wins(stage: &Stage, id: MatchId) -> Outcome {
    let m = stage.get(id).unwrap();
    let (a, b) = (
        m.player(Side::First).unwrap().0,
        m.player(Side::Second).unwrap().0,
    );
    if (a * 7 + b * 3 + id.0) % 5 < 3 {
        Outcome::Winner(Side::First)
    } else {
        Outcome::Winner(Side::Second)
    }
}

fn format_of(case: &Value) -> Format {
    let settings = &case["settings"];
    match case["type"].as_str().unwrap() {
        "single_elimination" => Format::SingleElimination {
            third_place_match: settings["consolationFinal"].as_bool().unwrap(),
        },
        "double_elimination" => Format::DoubleElimination {
            grand_final: match settings["grandFinal"].as_str().unwrap() {
                "none" => GrandFinal::None,
                "simple" => GrandFinal::Simple,
                _ => GrandFinal::Double,
            },
        },
        _ => Format::RoundRobin {
            groups: settings["groupCount"].as_u64().unwrap() as u32,
            double: settings["roundRobinMode"] == "double",
        },
    }
}

/// Who played each match after playing out, and whether the first side won: `[id, opponent1,
/// opponent2, opponent1's result]`. The result of a skipped grand final reset is left out
/// (brackets-manager makes it ready and the rule plays it).
fn played(stage: &Stage) -> Vec<Value> {
    let model = serde_json::to_value(to_brackets_model(stage, 0, "Stage")).unwrap();
    model["match"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let side = |s: &str| m[s].get("id").cloned().unwrap_or(Value::Null);
            let result = m["opponent1"].get("result").cloned().unwrap_or(Value::Null);
            serde_json::json!([m["id"], side("opponent1"), side("opponent2"), result])
        })
        .collect()
}

#[test]
fn every_elimination_and_round_robin_stage_is_drawn_and_played_as_brackets_manager_does() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/crosscheck");
    let output = std::process::Command::new("node")
        .arg("structure.mjs")
        .current_dir(dir)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "structure.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (mut compared, mut ranked) = (0, 0);
    let mut failures = Vec::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let n = case["players"].as_u64().unwrap() as usize;
        let label = format!("{} players, {} {}", n, case["type"], case["settings"]);
        let mut ours = stage(format_of(&case), n);
        let drawn = serde_json::to_value(to_brackets_model(&ours, 0, "Stage")).unwrap();
        if drawn != case["created"] {
            failures.push(format!(
                "{label}: drawn differently\n ours:   {drawn}\n theirs: {}",
                case["created"]
            ));
        }
        play_out(&mut ours, first_wins);
        let theirs = case["played"].as_array().unwrap();
        let ours_played = played(&ours);
        for (mine, their) in ours_played.iter().zip(theirs) {
            let skipped = ours
                .get(MatchId(mine[0].as_u64().unwrap() as u32))
                .unwrap()
                .status()
                == MatchStatus::Skipped;
            let same = if skipped {
                (0..3).all(|i| mine[i] == their[i])
            } else {
                mine == their
            };
            if !same {
                failures.push(format!(
                    "{label}: match {} played as {mine}, theirs {their}",
                    mine[0]
                ));
                break;
            }
        }
        if let Some(theirs) = case["standings"].as_array() {
            let mut theirs: Vec<(u64, u64)> = theirs
                .iter()
                .map(|row| (row[0].as_u64().unwrap(), row[1].as_u64().unwrap()))
                .collect();
            theirs.sort();
            let mut mine: Vec<(u64, u64)> = standings(&ours)
                .iter()
                .map(|row| (u64::from(row.participant.0), u64::from(row.rank.unwrap())))
                .collect();
            mine.sort();
            if mine != theirs {
                failures.push(format!("{label}: ranked {mine:?}, theirs {theirs:?}"));
            }
            ranked += 1;
        }
        compared += 1;
    }
    assert!(
        compared >= 600,
        "structure.mjs printed every stage ({compared})"
    );
    assert!(
        ranked >= 300,
        "brackets-manager ranked the elimination stages ({ranked})"
    );
    assert!(
        failures.is_empty(),
        "{} of {compared} stages differ; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
