//! A stage as brackets-model JSON, the tables brackets-manager stores (`participant`, `stage`,
//! `group`, `round`, `match`, `match_game`) and brackets-viewer.js draws. Ids count from 0 in
//! each table in creation order, as brackets-manager's in-memory storage gives them, so a freshly
//! drawn stage exports exactly what brackets-manager stores for the same seeding.
//!
//! Where brackets-manager's model has no word for ours: a Swiss stage is exported as a
//! one-group round robin whose rounds are the rounds paired so far; a grand final reset that is
//! not needed is `Archived` (brackets-manager leaves it ready to play); every match has
//! `child_count` 0 (no games within a match).

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::{Decision, Format, GrandFinal, Match, MatchStatus, Occupant, Outcome, Side};
use crate::stage::Stage;

/// The tables of one stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BracketsModel {
    pub participant: Vec<ParticipantRow>,
    pub stage: Vec<StageRow>,
    pub group: Vec<GroupRow>,
    pub round: Vec<RoundRow>,
    #[serde(rename = "match")]
    pub matches: Vec<MatchRow>,
    /// Always empty: matches have no child games.
    pub match_game: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParticipantRow {
    pub id: u32,
    pub tournament_id: u32,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageRow {
    pub id: u32,
    pub tournament_id: u32,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub number: u32,
    pub settings: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupRow {
    pub id: u32,
    pub stage_id: u32,
    pub number: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundRow {
    pub id: u32,
    pub number: u32,
    pub stage_id: u32,
    pub group_id: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatchRow {
    pub id: u32,
    pub number: u32,
    pub stage_id: u32,
    pub group_id: u32,
    pub round_id: u32,
    pub child_count: u32,
    /// brackets-model's `Status`: 0 locked, 1 waiting, 2 ready, 4 completed, 5 archived.
    pub status: u8,
    pub opponent1: Option<OpponentRow>,
    pub opponent2: Option<OpponentRow>,
}

/// A side of a match; `null` in JSON (the `Option` around it) is a bye.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpponentRow {
    /// `null` while the player is not known.
    pub id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forfeit: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<&'static str>,
}

/// The stage as tournament `tournament_id`'s only stage, named `name`.
pub fn to_brackets_model(stage: &Stage, tournament_id: u32, name: &str) -> BracketsModel {
    let participant = stage
        .participants()
        .iter()
        .map(|p| ParticipantRow {
            id: p.id.0,
            tournament_id,
            name: p.name.clone(),
        })
        .collect();
    let mut group = Vec::new();
    let mut round = Vec::new();
    let mut round_ids = vec![0; stage.matches().len()];
    for (g, grp) in stage.groups().iter().enumerate() {
        group.push(GroupRow {
            id: g as u32,
            stage_id: 0,
            number: grp.number,
        });
        for (r, matches) in grp.rounds.iter().enumerate() {
            let id = round.len() as u32;
            round.push(RoundRow {
                id,
                number: r as u32 + 1,
                stage_id: 0,
                group_id: g as u32,
            });
            for m in matches {
                round_ids[m.index()] = id;
            }
        }
    }
    let matches = stage
        .matches()
        .iter()
        .map(|m| MatchRow {
            id: m.id.0,
            number: m.number,
            stage_id: 0,
            group_id: m.group,
            round_id: round_ids[m.id.index()],
            child_count: 0,
            status: status(m),
            opponent1: opponent(m, Side::First),
            opponent2: opponent(m, Side::Second),
        })
        .collect();
    let (kind, settings) = settings(stage);
    BracketsModel {
        participant,
        stage: vec![StageRow {
            id: 0,
            tournament_id,
            name: name.to_owned(),
            kind,
            number: 1,
            settings,
        }],
        group,
        round,
        matches,
        match_game: Vec::new(),
    }
}

fn status(m: &Match) -> u8 {
    // brackets-manager stores a match with a bye as locked, whatever its other side.
    if m.has_bye() {
        return 0;
    }
    match m.status() {
        MatchStatus::Locked => 0,
        MatchStatus::Waiting => 1,
        MatchStatus::Ready => 2,
        MatchStatus::Completed => 4,
        MatchStatus::Skipped => 5,
    }
}

fn opponent(m: &Match, side: Side) -> Option<OpponentRow> {
    let slot = &m.slots[side.index()];
    let id = match slot.occupant {
        Occupant::Bye => return None,
        Occupant::Pending => None,
        Occupant::Player(p) => Some(p.0),
    };
    let mut row = OpponentRow {
        id,
        position: slot.position,
        forfeit: None,
        result: None,
    };
    if m.slots[side.other().index()].occupant == Occupant::Bye {
        row.result = Some("win");
    } else if let Some((outcome, decision)) = m.outcome {
        row.result = Some(match outcome {
            Outcome::Draw => "draw",
            Outcome::Winner(s) if s == side => "win",
            Outcome::Winner(_) => "loss",
        });
        if decision == Decision::Forfeit && row.result == Some("loss") {
            row.forfeit = Some(true);
        }
    }
    Some(row)
}

fn settings(stage: &Stage) -> (&'static str, Value) {
    let orderings: Vec<&str> = stage.orderings.iter().map(|o| o.name()).collect();
    match stage.format() {
        Format::SingleElimination { third_place_match } => (
            "single_elimination",
            json!({
                "consolationFinal": third_place_match,
                "size": stage.size,
                "matchesChildCount": 0,
                "seedOrdering": orderings,
            }),
        ),
        Format::DoubleElimination { grand_final } => (
            "double_elimination",
            json!({
                "grandFinal": match grand_final {
                    GrandFinal::None => "none",
                    GrandFinal::Simple => "simple",
                    GrandFinal::Double => "double",
                },
                "size": stage.size,
                "matchesChildCount": 0,
                "seedOrdering": orderings,
            }),
        ),
        Format::RoundRobin { groups, double } => (
            "round_robin",
            json!({
                "groupCount": groups,
                "roundRobinMode": if double { "double" } else { "simple" },
                "matchesChildCount": 0,
                "size": stage.size,
                "seedOrdering": ["groups.effort_balanced"],
            }),
        ),
        Format::Swiss { .. } => (
            "round_robin",
            json!({
                "groupCount": 1,
                "roundRobinMode": "simple",
                "matchesChildCount": 0,
                "size": stage.size,
            }),
        ),
    }
}
