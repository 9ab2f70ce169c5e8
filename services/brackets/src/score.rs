//! Each participant's record from the decided matches of round-robin and Swiss stages: games,
//! byes and points, counted in half points so draws stay exact.

use crate::model::{Decision, Match, Occupant, Outcome, ParticipantId, Side};

/// How one game ended for the participant it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameResult {
    Win,
    Draw,
    Loss,
}

impl GameResult {
    pub fn half_points(self) -> u32 {
        match self {
            GameResult::Win => 2,
            GameResult::Draw => 1,
            GameResult::Loss => 0,
        }
    }
}

/// A participant's record so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// Games against an opponent (not byes), in the order they were decided.
    pub games: Vec<(ParticipantId, GameResult)>,
    pub byes: u32,
    pub forfeits: u32,
    /// A win (or a bye) is 2, a draw 1.
    pub half_points: u32,
}

/// The records of `participants` participants from these matches; undecided ones are skipped.
pub fn tally<'a>(participants: usize, matches: impl IntoIterator<Item = &'a Match>) -> Vec<Record> {
    let mut records = vec![Record::default(); participants];
    for m in matches {
        let Some((outcome, decision)) = m.outcome else {
            continue;
        };
        match (m.slots[0].occupant, m.slots[1].occupant) {
            (Occupant::Player(a), Occupant::Player(b)) => {
                let first = match outcome {
                    Outcome::Draw => GameResult::Draw,
                    Outcome::Winner(Side::First) => GameResult::Win,
                    Outcome::Winner(Side::Second) => GameResult::Loss,
                };
                let second = match first {
                    GameResult::Win => GameResult::Loss,
                    GameResult::Draw => GameResult::Draw,
                    GameResult::Loss => GameResult::Win,
                };
                for (me, them, result) in [(a, b, first), (b, a, second)] {
                    let record = &mut records[me.index()];
                    record.games.push((them, result));
                    record.half_points += result.half_points();
                    if decision == Decision::Forfeit && result == GameResult::Loss {
                        record.forfeits += 1;
                    }
                }
            }
            (Occupant::Player(p), Occupant::Bye) | (Occupant::Bye, Occupant::Player(p)) => {
                let record = &mut records[p.index()];
                record.byes += 1;
                record.half_points += 2;
            }
            _ => {}
        }
    }
    records
}
