//! Adding groups, rounds and matches to a stage in creation order (which gives every match the
//! id brackets-manager gives it), and linking each match to where its winner and loser go.

use crate::model::{Group, GroupKind, Match, MatchId, Side, Slot, Source};

/// The groups and matches of a stage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub groups: Vec<Group>,
    pub matches: Vec<Match>,
}

impl Layout {
    /// Adds a group and returns its index.
    pub fn add_group(&mut self, kind: GroupKind) -> usize {
        self.groups.push(Group {
            number: self.groups.len() as u32 + 1,
            kind,
            rounds: Vec::new(),
        });
        self.groups.len() - 1
    }

    /// Adds a round of these matches to a group, numbered from 1, and returns their ids. Every
    /// source a slot names must be a match added before.
    pub fn add_round(&mut self, group: usize, duels: Vec<[Slot; 2]>) -> Vec<MatchId> {
        let round = self.groups[group].rounds.len() as u32 + 1;
        let mut ids = Vec::with_capacity(duels.len());
        for (i, slots) in duels.into_iter().enumerate() {
            let id = MatchId(self.matches.len() as u32);
            for side in Side::BOTH {
                match slots[side.index()].source {
                    Source::WinnerOf(from) => {
                        self.matches[from.index()].winner_to = Some((id, side))
                    }
                    Source::LoserOf(from) => self.matches[from.index()].loser_to = Some((id, side)),
                    _ => {}
                }
            }
            self.matches.push(Match {
                id,
                group: group as u32,
                round,
                number: i as u32 + 1,
                slots,
                outcome: None,
                winner_to: None,
                loser_to: None,
                skipped: false,
            });
            ids.push(id);
        }
        self.groups[group].rounds.push(ids.clone());
        ids
    }
}

/// Consecutive slots paired into matches: 1 against 2, 3 against 4, and so on.
pub fn pairs(slots: &[Slot]) -> Vec<[Slot; 2]> {
    slots.chunks_exact(2).map(|p| [p[0], p[1]]).collect()
}
