//! The shape of a stage: participants, formats, groups, rounds, matches, the two slots of a match
//! and where each slot is filled from. Building a stage lives in `elimination.rs`,
//! `round_robin.rs` and `swiss.rs`; playing it lives in `stage.rs`.

use serde::{Deserialize, Serialize};

/// A participant of a stage. It is also the participant's seed: 0 is the top seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ParticipantId(pub u32);

impl ParticipantId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A match of a stage: its index in `Stage::matches`, which is the order the matches were
/// created in (brackets-manager gives the same ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MatchId(pub u32);

impl MatchId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One of the two sides of a match (brackets-model's `opponent1` and `opponent2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    First,
    Second,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::First, Side::Second];

    pub fn index(self) -> usize {
        match self {
            Side::First => 0,
            Side::Second => 1,
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::First => Side::Second,
            Side::Second => Side::First,
        }
    }
}

/// Someone entering a stage, before seeding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entrant {
    pub name: String,
    /// Used by `Seeding::ByRating`; ignored by `Seeding::Manual`.
    pub rating: Option<i32>,
}

/// How entrants become seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seeding {
    /// Highest rating first; entrants without a rating after those with one; equal ratings keep
    /// the order they were given in.
    ByRating,
    /// The order the entrants were given in is the seeding.
    Manual,
}

/// A seeded participant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    pub id: ParticipantId,
    pub name: String,
    pub rating: Option<i32>,
}

/// The final of a double elimination stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrandFinal {
    /// No final: the stage ends with a winners-bracket and a losers-bracket winner.
    None,
    /// One match between the two bracket winners.
    Simple,
    /// One match, and a second one (the reset) if the losers-bracket winner wins the first.
    Double,
}

/// The format of a stage and its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    SingleElimination {
        third_place_match: bool,
    },
    DoubleElimination {
        grand_final: GrandFinal,
    },
    /// Everyone meets everyone in their group, once or (`double`) twice with sides swapped.
    RoundRobin {
        groups: u32,
        double: bool,
    },
    /// `rounds` rounds, each paired by score once the previous one is complete.
    Swiss {
        rounds: u32,
    },
}

impl Format {
    pub fn is_elimination(self) -> bool {
        matches!(
            self,
            Format::SingleElimination { .. } | Format::DoubleElimination { .. }
        )
    }
}

/// What a group of a stage is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupKind {
    /// The bracket of a single elimination stage.
    Bracket,
    WinnersBracket,
    LosersBracket,
    /// The third-place match, or the grand final (and its reset).
    Final,
    /// A round-robin group, or the one group of a Swiss stage.
    Pool,
}

/// A group of a stage: its rounds, each a list of matches in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// 1-based, as in brackets-model.
    pub number: u32,
    pub kind: GroupKind,
    pub rounds: Vec<Vec<MatchId>>,
}

/// Where a slot of a match is filled from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// This participant, placed by seeding or by a Swiss pairing.
    Participant(ParticipantId),
    /// Nobody: the other side goes through.
    Bye,
    WinnerOf(MatchId),
    LoserOf(MatchId),
    /// Whoever played this side of that match (the grand final reset replays the grand final).
    SideOf(MatchId, Side),
}

/// Who is in a slot now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Occupant {
    /// Not known yet: the match it comes from is not decided.
    Pending,
    Player(ParticipantId),
    Bye,
}

impl Occupant {
    pub fn player(self) -> Option<ParticipantId> {
        match self {
            Occupant::Player(id) => Some(id),
            _ => None,
        }
    }
}

/// One side of a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub source: Source,
    pub occupant: Occupant,
    /// brackets-model's `position`: the seed of a seeded slot, or the number of the match a
    /// loser comes from (and 1 for the losers-bracket winner in the grand final).
    pub position: Option<u32>,
}

impl Slot {
    pub(crate) fn participant(id: ParticipantId) -> Slot {
        Slot {
            source: Source::Participant(id),
            occupant: Occupant::Player(id),
            position: Some(id.0 + 1),
        }
    }

    pub(crate) fn bye() -> Slot {
        Slot {
            source: Source::Bye,
            occupant: Occupant::Bye,
            position: None,
        }
    }

    pub(crate) fn from(source: Source, position: Option<u32>) -> Slot {
        Slot {
            source,
            occupant: Occupant::Pending,
            position,
        }
    }
}

/// How a match ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Winner(Side),
    /// Only in round robin and Swiss stages.
    Draw,
}

/// Why a match has its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Recorded through `Stage::record` or `Stage::override_result`.
    Played,
    /// One side was a bye.
    Bye,
    /// The loser was disqualified.
    Forfeit,
}

/// Something done to a stage. A stage is its format, its seeded participants and its events in
/// order (`Stage::history`, `Stage::restore`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    Result(MatchId, Outcome),
    Disqualified(ParticipantId),
}

/// Where a match is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchStatus {
    /// Neither player known yet, or a bye is pending its player.
    Locked,
    /// One player known, the other still pending.
    Waiting,
    /// Both players known: the result can be recorded.
    Ready,
    Completed,
    /// A grand final reset that is not needed: the winners-bracket winner won the first final.
    Skipped,
}

/// A match and where its winner and loser go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub id: MatchId,
    /// Index into `Stage::groups`.
    pub group: u32,
    /// 1-based within its group.
    pub round: u32,
    /// 1-based within its round.
    pub number: u32,
    pub slots: [Slot; 2],
    pub outcome: Option<(Outcome, Decision)>,
    pub winner_to: Option<(MatchId, Side)>,
    pub loser_to: Option<(MatchId, Side)>,
    pub skipped: bool,
}

impl Match {
    pub fn status(&self) -> MatchStatus {
        if self.skipped {
            return MatchStatus::Skipped;
        }
        if self.outcome.is_some() {
            return MatchStatus::Completed;
        }
        match (self.slots[0].occupant, self.slots[1].occupant) {
            (Occupant::Player(_), Occupant::Player(_)) => MatchStatus::Ready,
            (Occupant::Player(_), Occupant::Pending) | (Occupant::Pending, Occupant::Player(_)) => {
                MatchStatus::Waiting
            }
            _ => MatchStatus::Locked,
        }
    }

    pub fn player(&self, side: Side) -> Option<ParticipantId> {
        self.slots[side.index()].occupant.player()
    }

    pub fn has_bye(&self) -> bool {
        self.slots.iter().any(|s| s.occupant == Occupant::Bye)
    }

    /// The winner's occupant once decided (a bye wins only against a bye).
    pub fn winner(&self) -> Option<Occupant> {
        match self.outcome? {
            (Outcome::Winner(side), _) => Some(self.slots[side.index()].occupant),
            (Outcome::Draw, _) => None,
        }
    }

    pub fn loser(&self) -> Option<Occupant> {
        match self.outcome? {
            (Outcome::Winner(side), _) => Some(self.slots[side.other().index()].occupant),
            (Outcome::Draw, _) => None,
        }
    }
}
