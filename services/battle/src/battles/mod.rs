//! Duel operations, by stage of a battle's life:
//!
//! - [`challenges`]: opening a challenge, its expiry, and claiming it to accept it;
//! - [`creation`]: creating a battle under its pairing's lock (accepted challenge, rematch,
//!   matchmaking pair);
//! - [`lifecycle`]: the reveal when the countdown ends, and the endings the battle service
//!   decides (resignation, forfeit, time running out), through the one `finish_battle`;
//! - [`submissions`]: submitting a program, idempotently, and queueing it for judging;
//! - [`history`]: what a client reads back (missed events, the current state).
//!
//! Each operation checks who may do it, changes PostgreSQL in one transaction (appending to the
//! battle's event log), and publishes the new events once committed.

pub mod challenges;
pub mod creation;
pub mod history;
pub mod lifecycle;
pub mod submissions;

pub use challenges::{
    AcceptChallenge, ChallengeCreated, CreateChallenge, accept_challenge, create_challenge,
    expire_challenges,
};
pub use creation::{BattleCreated, Rematch, pair_key, rematch};
pub use history::{Resume, Resumed, StateQuery, battle_state, resume};
pub use lifecycle::{Resign, Resigned, finish_overdue, resign, start_if_due};
pub use submissions::{SubmissionQueued, Submit, submit, validate_program};
use uuid::Uuid;

use crate::{auth::Player, error::ApiError};

/// Who may act on a battle: its two players.
fn require_player(players: [Uuid; 2], player: &Player) -> Result<(), ApiError> {
    if players.contains(&player.id) {
        Ok(())
    } else {
        Err(ApiError::NotAParticipant)
    }
}
