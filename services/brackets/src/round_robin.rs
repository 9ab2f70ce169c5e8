//! Round-robin groups, built the way brackets-manager builds them: seeds dealt to groups by
//! `groups.effort_balanced`, each group scheduled by the circle method (with an odd count, each
//! round one player rests), the double round robin repeating every round with sides swapped.

use crate::layout::Layout;
use crate::model::{GroupKind, ParticipantId, Slot};
use crate::seeding::{effort_balanced, make_groups};

pub fn round_robin(participants: usize, groups: usize, double: bool) -> Layout {
    let seeds: Vec<ParticipantId> = (0..participants as u32).map(ParticipantId).collect();
    let mut layout = Layout::default();
    for members in make_groups(&effort_balanced(&seeds, groups), groups) {
        let group = layout.add_group(GroupKind::Pool);
        let mut rounds = schedule(&members);
        if double {
            let swapped: Vec<_> = rounds
                .iter()
                .map(|round| round.iter().map(|&[a, b]| [b, a]).collect())
                .collect();
            rounds.extend(swapped);
        }
        for round in rounds {
            let duels = round
                .into_iter()
                .map(|pair| pair.map(Slot::participant))
                .collect();
            layout.add_round(group, duels);
        }
    }
    layout
}

/// The circle method as brackets-manager writes it (`makeRoundRobinDistribution`).
fn schedule(members: &[ParticipantId]) -> Vec<Vec<[ParticipantId; 2]>> {
    let n = members.len();
    let even = n + n % 2;
    (0..even - 1)
        .map(|round| {
            (0..even / 2)
                .filter(|&m| !(m == 0 && n % 2 == 1))
                .map(|m| {
                    let first = (round + even - m - 1) % (even - 1);
                    let second = if m == 0 {
                        even - 1
                    } else {
                        (round + m) % (even - 1)
                    };
                    [members[first], members[second]]
                })
                .collect()
        })
        .collect()
}
