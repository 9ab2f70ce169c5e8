//! Building stages of numbered players and playing them out.

use std::collections::BTreeSet;

use joust_brackets::{Entrant, Format, MatchId, Outcome, Seeding, Side, Stage};

/// Players `P1`..`Pn`, seeded in that order.
pub fn players(n: usize) -> Vec<Entrant> {
    (1..=n)
        .map(|i| Entrant {
            name: format!("P{i}"),
            rating: None,
        })
        .collect()
}

pub fn stage(format: Format, n: usize) -> Stage {
    Stage::new(format, players(n), Seeding::Manual).expect("a valid stage")
}

/// Plays the lowest ready match with `decide` until none is ready; returns how many were played.
/// The matches to play next come from what `record` says became ready, so a match it failed to
/// name would be left unplayed.
pub fn play_out(stage: &mut Stage, mut decide: impl FnMut(&Stage, MatchId) -> Outcome) -> usize {
    let mut ready: BTreeSet<MatchId> = stage.ready_matches().into_iter().collect();
    let mut played = 0;
    while let Some(id) = ready.pop_first() {
        let outcome = decide(stage, id);
        ready.extend(
            stage
                .record(id, outcome)
                .expect("a ready match takes a result"),
        );
        played += 1;
    }
    assert_eq!(
        stage.ready_matches(),
        [],
        "record named every match that became ready"
    );
    played
}

/// The better seed wins.
pub fn favourite(stage: &Stage, id: MatchId) -> Outcome {
    let m = stage.get(id).unwrap();
    if m.player(Side::First) < m.player(Side::Second) {
        Outcome::Winner(Side::First)
    } else {
        Outcome::Winner(Side::Second)
    }
}
