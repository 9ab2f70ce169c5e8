//! Seeding entrants, and the orderings that place seeds and losers in a bracket. The orderings
//! are brackets-manager's (`ordering.ts`), so a stage built here has the same matches as the one
//! it builds for the same seeding.

use crate::model::{Entrant, Participant, ParticipantId, Seeding};

/// The entrants in seed order, numbered from 0.
pub fn seed(entrants: Vec<Entrant>, seeding: Seeding) -> Vec<Participant> {
    let mut entrants = entrants;
    if seeding == Seeding::ByRating {
        // Stable: equal ratings keep the order given. `None` sorts after every rating.
        entrants.sort_by_key(|e| std::cmp::Reverse(e.rating.map(i64::from).unwrap_or(i64::MIN)));
    }
    entrants
        .into_iter()
        .enumerate()
        .map(|(i, e)| Participant {
            id: ParticipantId(i as u32),
            name: e.name,
            rating: e.rating,
        })
        .collect()
}

/// An ordering of brackets-manager, by the name it stores in `settings.seedOrdering`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordering {
    Natural,
    Reverse,
    HalfShift,
    ReverseHalfShift,
    PairFlip,
    /// The standard bracket order: seed `p` meets seed `size + 1 - p`, and the top seeds meet
    /// as late as possible.
    InnerOuter,
}

impl Ordering {
    pub fn name(self) -> &'static str {
        match self {
            Ordering::Natural => "natural",
            Ordering::Reverse => "reverse",
            Ordering::HalfShift => "half_shift",
            Ordering::ReverseHalfShift => "reverse_half_shift",
            Ordering::PairFlip => "pair_flip",
            Ordering::InnerOuter => "inner_outer",
        }
    }

    pub fn apply<T: Copy>(self, items: &[T]) -> Vec<T> {
        let half = items.len() / 2;
        match self {
            Ordering::Natural => items.to_vec(),
            Ordering::Reverse => items.iter().rev().copied().collect(),
            Ordering::HalfShift => items[half..]
                .iter()
                .chain(&items[..half])
                .copied()
                .collect(),
            Ordering::ReverseHalfShift => items[..half]
                .iter()
                .rev()
                .chain(items[half..].iter().rev())
                .copied()
                .collect(),
            Ordering::PairFlip => items
                .chunks(2)
                .flat_map(|p| p.iter().rev())
                .copied()
                .collect(),
            Ordering::InnerOuter => inner_outer_positions(items.len())
                .into_iter()
                .map(|p| items[p - 1])
                .collect(),
        }
    }
}

/// The 1-based seed at each bracket position of a power-of-two bracket.
pub fn inner_outer_positions(size: usize) -> Vec<usize> {
    let mut positions = vec![1, 2];
    if size <= 2 {
        positions.truncate(size);
        return positions;
    }
    while positions.len() < size {
        let next_size = positions.len() * 2;
        positions = positions
            .iter()
            .flat_map(|&p| [p, next_size + 1 - p])
            .collect();
    }
    positions
}

/// brackets-manager's default orderings of the losers dropping into each round of a losers
/// bracket, by bracket size: first the losers of winners round 1, then those of each later
/// round. Sizes not listed, and rounds past the end of a list, use `Natural`.
pub fn default_loser_orderings(size: usize) -> &'static [Ordering] {
    use Ordering::*;
    match size {
        4 => &[Natural, Reverse],
        8 => &[Natural, Reverse, Natural],
        16 => &[Natural, ReverseHalfShift, Reverse, Natural],
        32 => &[Natural, Reverse, HalfShift, Natural, Natural],
        64 => &[Natural, Reverse, HalfShift, Reverse, Natural, Natural],
        128 => &[
            Natural, Reverse, HalfShift, PairFlip, PairFlip, PairFlip, Natural,
        ],
        _ => &[],
    }
}

pub fn loser_ordering(size: usize, index: usize) -> Ordering {
    default_loser_orderings(size)
        .get(index)
        .copied()
        .unwrap_or(Ordering::Natural)
}

/// brackets-manager's `groups.effort_balanced`: seeds dealt to the groups one by one, so each
/// group gets one of the top seeds, then one of the next, and so on.
pub fn effort_balanced<T: Copy>(items: &[T], groups: usize) -> Vec<T> {
    let mut result = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, 0);
    while result.len() < items.len() {
        result.push(items[i]);
        i += groups;
        if i >= items.len() {
            j += 1;
            i = j;
        }
    }
    result
}

/// Cuts an ordered list into `groups` groups, the first ones one larger when it does not divide.
pub fn make_groups<T: Copy>(items: &[T], groups: usize) -> Vec<Vec<T>> {
    let (min, extra) = (items.len() / groups, items.len() % groups);
    let mut cursor = 0;
    (0..groups)
        .map(|g| {
            let size = min + usize::from(g < extra);
            let group = items[cursor..cursor + size].to_vec();
            cursor += size;
            group
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_outer_puts_the_top_seeds_at_opposite_ends() {
        assert_eq!(inner_outer_positions(8), vec![1, 8, 4, 5, 2, 7, 3, 6]);
        assert_eq!(
            Ordering::ReverseHalfShift.apply(&[1, 2, 3, 4]),
            vec![2, 1, 4, 3]
        );
        assert_eq!(Ordering::PairFlip.apply(&[1, 2, 3, 4]), vec![2, 1, 4, 3]);
        assert_eq!(Ordering::HalfShift.apply(&[1, 2, 3, 4]), vec![3, 4, 1, 2]);
    }

    #[test]
    fn effort_balanced_deals_seeds_to_groups_in_turn() {
        let ordered = effort_balanced(&[0, 1, 2, 3, 4], 2);
        assert_eq!(ordered, vec![0, 2, 4, 1, 3]);
        assert_eq!(make_groups(&ordered, 2), vec![vec![0, 2, 4], vec![1, 3]]);
    }

    #[test]
    fn rating_seeding_is_stable_and_puts_unrated_last() {
        let e = |name: &str, rating| Entrant {
            name: name.into(),
            rating,
        };
        let seeded = seed(
            vec![
                e("a", None),
                e("b", Some(1500)),
                e("c", Some(1700)),
                e("d", Some(1500)),
            ],
            Seeding::ByRating,
        );
        let names: Vec<_> = seeded.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["c", "b", "d", "a"]);
    }
}
