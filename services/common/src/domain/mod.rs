//! The domain model every service shares: the names of battle states, outcomes, event kinds,
//! submission states and languages (each with one string form, on the wire and in the
//! database), and [`finish_battle`], the one place where a battle ends.
//!
//! SQL that filters on a state binds the value from here (`BattleStatus::Finished.as_str()`),
//! so these names are written nowhere else in code; only the migrations repeat them.

mod battle;
pub mod events;
mod finish;
mod language;
pub mod rating;
pub mod scoring;
mod text_enum;

pub use battle::{
    BattleStatus, ChallengeStatus, DrawReason, EventKind, ForfeitReason, Outcome, SubmissionStatus,
    Verdict,
};
pub use events::BattleEvent;
pub use finish::{Ending, FinishedBattle, finish_battle};
pub use language::Language;
pub use rating::RatingChange;
pub use text_enum::UnknownName;

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `parse`, `FromStr`, serde and `Display` agree on every name of a set.
    fn round_trips<T>(all: &[T], as_str: fn(&T) -> &'static str)
    where
        T: std::str::FromStr + serde::Serialize + serde::de::DeserializeOwned,
        T: std::fmt::Display + PartialEq + std::fmt::Debug,
    {
        for value in all {
            let text = as_str(value);
            assert_eq!(text.parse::<T>().ok().as_ref(), Some(value));
            assert_eq!(value.to_string(), text);
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
        }
        assert!("no-such-name".parse::<T>().is_err());
        assert!(serde_json::from_str::<T>("\"no-such-name\"").is_err());
    }

    #[test]
    fn every_name_has_one_string_form() {
        round_trips(&Language::ALL, |v| v.as_str());
        round_trips(&BattleStatus::ALL, |v| v.as_str());
        round_trips(&Outcome::ALL, |v| v.as_str());
        round_trips(&ForfeitReason::ALL, |v| v.as_str());
        round_trips(&DrawReason::ALL, |v| v.as_str());
        round_trips(&EventKind::ALL, |v| v.as_str());
        round_trips(&SubmissionStatus::ALL, |v| v.as_str());
        round_trips(&ChallengeStatus::ALL, |v| v.as_str());
        round_trips(&Verdict::ALL, |v| v.as_str());
        assert_eq!(Language::parse("cobol"), None);
        assert_eq!(
            EventKind::parse("battle.finished"),
            Some(EventKind::BattleFinished)
        );
    }

    #[test]
    fn endings_apply_to_the_states_they_may_end() {
        let someone = uuid::Uuid::nil();
        let forfeit = Ending::Forfeit {
            loser: someone,
            reason: ForfeitReason::Resigned,
        };
        let draw = Ending::Draw {
            reason: DrawReason::Time,
        };
        assert_eq!(forfeit.outcome(), Outcome::Forfeit);
        assert_eq!(draw.outcome(), Outcome::Draw);
        assert_eq!(forfeit.reason(), "resigned");
        assert_eq!(draw.reason(), "time");
    }
}
