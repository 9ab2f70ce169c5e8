//! Single and double elimination brackets, built the way brackets-manager builds them: the
//! bracket is the next power of two, seeds placed by `inner_outer` with byes in the places of the
//! missing bottom seeds (so byes go to the top seeds), losers dropped into the losers bracket
//! with its default orderings, the grand final in a group of its own.

use crate::layout::{Layout, pairs};
use crate::model::{GrandFinal, GroupKind, MatchId, ParticipantId, Side, Slot, Source};
use crate::seeding::{Ordering, loser_ordering};

/// A built bracket and the orderings it used, in brackets-manager's `seedOrdering` order.
pub struct Bracket {
    pub layout: Layout,
    pub orderings: Vec<Ordering>,
    /// The power of two the bracket is drawn for.
    pub size: usize,
}

/// The bracket size for this many participants.
pub fn bracket_size(participants: usize) -> usize {
    participants.next_power_of_two().max(2)
}

/// The first round's slots: seeds by `inner_outer`, byes for the seeds that do not exist.
fn first_round(participants: usize) -> Vec<Slot> {
    let slots: Vec<Slot> = (0..bracket_size(participants))
        .map(|i| {
            if i < participants {
                Slot::participant(ParticipantId(i as u32))
            } else {
                Slot::bye()
            }
        })
        .collect();
    Ordering::InnerOuter.apply(&slots)
}

pub fn single(participants: usize, third_place_match: bool) -> Bracket {
    let mut layout = Layout::default();
    let first = first_round(participants);
    let size = first.len();
    let (losers, _) = standard_bracket(&mut layout, GroupKind::Bracket, &first);
    if third_place_match && losers.len() >= 2 {
        let group = layout.add_group(GroupKind::Final);
        layout.add_round(group, pairs(&losers[losers.len() - 2]));
    }
    Bracket {
        layout,
        orderings: vec![Ordering::InnerOuter],
        size,
    }
}

pub fn double(participants: usize, grand_final: GrandFinal) -> Bracket {
    let mut layout = Layout::default();
    let first = first_round(participants);
    let size = first.len();
    let mut orderings = vec![Ordering::InnerOuter];
    let (losers, winners_final) = standard_bracket(&mut layout, GroupKind::WinnersBracket, &first);
    if size > 2 {
        let losers_final = losers_bracket(&mut layout, size, &losers, &mut orderings);
        if grand_final != GrandFinal::None {
            let group = layout.add_group(GroupKind::Final);
            let first_final = layout.add_round(
                group,
                vec![[
                    Slot::from(Source::WinnerOf(winners_final), None),
                    Slot::from(Source::WinnerOf(losers_final), Some(1)),
                ]],
            )[0];
            if grand_final == GrandFinal::Double {
                layout.add_round(
                    group,
                    vec![
                        Side::BOTH.map(|side| Slot::from(Source::SideOf(first_final, side), None)),
                    ],
                );
            }
        }
    }
    Bracket {
        layout,
        orderings,
        size,
    }
}

/// A winners bracket (or the one bracket of single elimination) from its first-round slots.
/// Returns the losers of each round, positioned by the number of the match they lost, and the
/// final.
fn standard_bracket(
    layout: &mut Layout,
    kind: GroupKind,
    first: &[Slot],
) -> (Vec<Vec<Slot>>, MatchId) {
    let group = layout.add_group(kind);
    let mut duels = pairs(first);
    let mut losers = Vec::new();
    let mut previous: Vec<MatchId> = Vec::new();
    while !duels.is_empty() {
        previous = layout.add_round(group, duels);
        losers.push(
            previous
                .iter()
                .enumerate()
                .map(|(i, &m)| Slot::from(Source::LoserOf(m), Some(i as u32 + 1)))
                .collect(),
        );
        duels = previous
            .chunks_exact(2)
            .map(|p| [winner_of(p[0]), winner_of(p[1])])
            .collect();
    }
    (losers, previous[0])
}

fn winner_of(m: MatchId) -> Slot {
    Slot::from(Source::WinnerOf(m), None)
}

/// The losers bracket: a major round among those already in it (the first one among the losers
/// of winners round 1), then a minor round where the losers of the next winners round drop in.
/// Returns its final.
fn losers_bracket(
    layout: &mut Layout,
    size: usize,
    losers: &[Vec<Slot>],
    orderings: &mut Vec<Ordering>,
) -> MatchId {
    let round_pairs = size.trailing_zeros() as usize - 1;
    let group = layout.add_group(GroupKind::LosersBracket);
    let major = loser_ordering(size, 0);
    orderings.push(major);
    let mut duels = pairs(&major.apply(&losers[0]));
    let mut previous = Vec::new();
    for i in 0..round_pairs {
        if i > 0 {
            duels = previous
                .chunks_exact(2)
                .map(|p: &[MatchId]| [winner_of(p[0]), winner_of(p[1])])
                .collect();
        }
        previous = layout.add_round(group, duels);
        // The last minor round has one loser to place: brackets-manager orders nothing there.
        let dropping = if i + 1 == round_pairs {
            losers[i + 1].clone()
        } else {
            let minor = loser_ordering(size, i + 1);
            orderings.push(minor);
            minor.apply(&losers[i + 1])
        };
        let minor_duels = previous
            .iter()
            .zip(dropping)
            .map(|(&m, dropped)| [dropped, winner_of(m)])
            .collect();
        previous = layout.add_round(group, minor_duels);
        duels = Vec::new();
    }
    previous[0]
}
