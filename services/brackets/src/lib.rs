//! Tournament brackets: drawing a stage, playing it and ranking it, with no I/O.
//!
//! Formats: single elimination (byes, optional third-place match), double elimination (winners
//! and losers brackets, grand final with an optional reset), round robin (single or double, in
//! groups) and Swiss (paired by score without rematches, byes, Buchholz and Sonneborn-Berger).
//! Seeding is by rating or manual ([`Seeding`]).
//!
//! Elimination and round-robin stages are drawn exactly as brackets-manager.js 1.11 draws them
//! for the same seeding (the `crosscheck` test compares every size from 2 to 64), so they export
//! to the brackets-model JSON that brackets-viewer.js draws ([`export::to_brackets_model`]).
//! Where the choice is a matter of taste we follow its defaults:
//! - the bracket is the next power of two; seeds are placed by `inner_outer` (seed `p` meets
//!   seed `size + 1 - p`) and the missing bottom seeds are byes, so byes go to the top seeds;
//!   byes are not balanced (`balanceByes` off);
//! - losers drop into the losers bracket in brackets-manager's default orderings per bracket
//!   size (`defaultMinorOrdering`), `natural` where it has none;
//! - the grand final reset is brackets-manager's `grandFinal: "double"`: a second match between
//!   the same sides, played only if the losers-bracket winner wins the first;
//! - the third-place match is its `consolationFinal` (single elimination only);
//! - round-robin groups are dealt by `groups.effort_balanced` and scheduled by its circle method;
//! - elimination ranks are dense, as its `finalStandings` gives them (1, 2, 3, 3, 4, ...).
//!
//! Playing: [`Stage::record`] advances winners and losers, passes players through byes and
//! returns the matches that became ready; [`Stage::override_result`] and [`Stage::disqualify`]
//! correct a stage; [`standings::standings`] ranks it; [`Stage::restore`] rebuilds a stage from
//! its entrants and [`Stage::history`].

pub mod elimination;
pub mod error;
pub mod export;
pub mod layout;
pub mod model;
pub mod round_robin;
pub mod score;
pub mod seeding;
pub mod stage;
pub mod standings;
pub mod swiss;

pub use error::BracketError;
pub use model::{
    Decision, Entrant, Event, Format, GrandFinal, Group, GroupKind, Match, MatchId, MatchStatus,
    Occupant, Outcome, Participant, ParticipantId, Seeding, Side, Slot, Source,
};
pub use stage::Stage;

/// The most participants a stage takes: a bracket of 4,096 has 8,191 matches in double
/// elimination, and a Swiss pairing keeps a bit per pair of players.
pub const MAX_PARTICIPANTS: usize = 4096;
