//! What can go wrong building or playing a stage.

use crate::model::{MatchId, ParticipantId};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BracketError {
    #[error("a stage needs at least 2 participants, got {0}")]
    TooFewParticipants(usize),
    #[error("a stage takes at most {max} participants, got {got}", max = crate::MAX_PARTICIPANTS)]
    TooManyParticipants { got: usize },
    #[error("{groups} groups cannot each hold 2 of {participants} participants")]
    BadGroupCount { groups: u32, participants: usize },
    #[error("a Swiss stage needs between 1 and {max} rounds, got {got}")]
    BadRoundCount { got: u32, max: u32 },
    #[error("there is no match {0:?}")]
    UnknownMatch(MatchId),
    #[error("there is no participant {0:?}")]
    UnknownParticipant(ParticipantId),
    #[error("match {0:?} does not have both players yet")]
    NotReady(MatchId),
    #[error("match {0:?} already has a result")]
    AlreadyDecided(MatchId),
    #[error("match {0:?} has no played result to override")]
    NothingToOverride(MatchId),
    #[error("a later match fed by match {0:?} has been played")]
    LaterMatchPlayed(MatchId),
    #[error("an elimination match cannot end in a draw")]
    DrawNotAllowed,
    #[error("participant {0:?} is already disqualified")]
    AlreadyDisqualified(ParticipantId),
}

impl BracketError {
    /// A stable code for clients, in the style of the other error codes of the API.
    pub fn code(&self) -> &'static str {
        match self {
            BracketError::TooFewParticipants(_) => "TOO_FEW_PARTICIPANTS",
            BracketError::TooManyParticipants { .. } => "TOO_MANY_PARTICIPANTS",
            BracketError::BadGroupCount { .. } => "BAD_GROUP_COUNT",
            BracketError::BadRoundCount { .. } => "BAD_ROUND_COUNT",
            BracketError::UnknownMatch(_) => "UNKNOWN_MATCH",
            BracketError::UnknownParticipant(_) => "UNKNOWN_PARTICIPANT",
            BracketError::NotReady(_) => "MATCH_NOT_READY",
            BracketError::AlreadyDecided(_) => "MATCH_ALREADY_DECIDED",
            BracketError::NothingToOverride(_) => "NOTHING_TO_OVERRIDE",
            BracketError::LaterMatchPlayed(_) => "LATER_MATCH_PLAYED",
            BracketError::DrawNotAllowed => "DRAW_NOT_ALLOWED",
            BracketError::AlreadyDisqualified(_) => "ALREADY_DISQUALIFIED",
        }
    }
}
