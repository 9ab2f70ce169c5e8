//! Swiss pairing: players ordered by points (then seed) are paired from the top, each with the
//! nearest one below they have not met, backtracking when the rest cannot be paired that way,
//! so no rematch happens while one can be avoided. With an odd count one player gets a bye
//! (worth a win): the lowest-ranked who has had none, or the next one up when the rest could
//! not be paired without a rematch. A rematch is avoided before a second bye is: a player rests
//! twice only when no one who has not rested leaves a pairing without rematches. Round 1 pairs
//! the top half of the seeds against the bottom half, 1 against n/2 + 1, and the last seed
//! rests.

use crate::model::{Match, ParticipantId, Slot};
use crate::score::tally;

/// How many search steps a pairing may take before it settles for the fewest rematches the
/// greedy pass finds. Far above what a rematch-free pairing needs while one exists in the
/// rounds a Swiss stage is played for (it always does while rounds <= players / 2).
const SEARCH_BUDGET: u32 = 200_000;

type Pairs = Vec<(ParticipantId, ParticipantId)>;

/// The matches of the next round: pairs `[higher ranked, lower ranked]` in ranking order, then
/// the bye, if any, as `[player, bye]`. `active[p]` is false for disqualified players.
pub fn pair_round(active: &[bool], played: &[Match], round: u32) -> Vec<[Slot; 2]> {
    let records = tally(active.len(), played);
    let mut ranking: Vec<ParticipantId> = (0..active.len() as u32)
        .map(ParticipantId)
        .filter(|p| active[p.index()])
        .collect();
    ranking.sort_by_key(|p| (std::cmp::Reverse(records[p.index()].half_points), p.0));
    // Who may rest, in the order to try: the lowest-ranked first, those who have rested last.
    let mut resting: Vec<Option<usize>> = if ranking.len() % 2 == 1 {
        (0..ranking.len()).rev().map(Some).collect()
    } else {
        vec![None]
    };
    resting.sort_by_key(|at| at.is_some_and(|at| records[ranking[at].index()].byes > 0));
    let without = |at: Option<usize>| -> Vec<ParticipantId> {
        let mut rest = ranking.clone();
        if let Some(at) = at {
            rest.remove(at);
        }
        rest
    };
    let (bye, pairs) = if round == 1 {
        let rest = without(resting[0]);
        let half = rest.len() / 2;
        (
            resting[0],
            (0..half).map(|i| (rest[i], rest[i + half])).collect(),
        )
    } else {
        let met = Met::new(active.len(), played);
        let mut budget = SEARCH_BUDGET;
        resting
            .iter()
            .find_map(|&at| Some((at, pair_without_rematches(&without(at), &met, &mut budget)?)))
            .unwrap_or_else(|| (resting[0], pair_greedily(&without(resting[0]), &met)))
    };
    let mut duels: Vec<[Slot; 2]> = pairs
        .into_iter()
        .map(|(a, b)| [Slot::participant(a), Slot::participant(b)])
        .collect();
    duels.extend(bye.map(|at| [Slot::participant(ranking[at]), Slot::bye()]));
    duels
}

/// Who has met whom: a bit per ordered pair.
pub struct Met {
    players: usize,
    bits: Vec<u64>,
}

impl Met {
    pub fn new(players: usize, played: &[Match]) -> Met {
        let mut met = Met {
            players,
            bits: vec![0; (players * players).div_ceil(64)],
        };
        for m in played {
            if let (Some(a), Some(b)) = (m.slots[0].occupant.player(), m.slots[1].occupant.player())
            {
                met.set(a.index() * players + b.index());
                met.set(b.index() * players + a.index());
            }
        }
        met
    }

    fn set(&mut self, bit: usize) {
        self.bits[bit / 64] |= 1 << (bit % 64);
    }

    pub fn have_met(&self, a: ParticipantId, b: ParticipantId) -> bool {
        let bit = a.index() * self.players + b.index();
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// A rematch-free pairing found by depth-first search, or `None` when there is none or the
/// search ran out of budget.
fn pair_without_rematches(ranking: &[ParticipantId], met: &Met, budget: &mut u32) -> Option<Pairs> {
    let mut used = vec![false; ranking.len()];
    let mut pairs = Vec::with_capacity(ranking.len() / 2);
    search(ranking, met, &mut used, 0, &mut pairs, budget).then_some(pairs)
}

/// Pairs everyone unpaired from `from` on (everyone before it is paired).
fn search(
    ranking: &[ParticipantId],
    met: &Met,
    used: &mut [bool],
    from: usize,
    pairs: &mut Pairs,
    budget: &mut u32,
) -> bool {
    let Some(first) = (from..ranking.len()).find(|&i| !used[i]) else {
        return true;
    };
    used[first] = true;
    for other in first + 1..ranking.len() {
        if used[other] || met.have_met(ranking[first], ranking[other]) {
            continue;
        }
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        used[other] = true;
        pairs.push((ranking[first], ranking[other]));
        if search(ranking, met, used, first + 1, pairs, budget) {
            return true;
        }
        pairs.pop();
        used[other] = false;
    }
    used[first] = false;
    false
}

/// Each player from the top with the nearest one below not met yet, or the nearest one below
/// when everyone left has been met.
fn pair_greedily(ranking: &[ParticipantId], met: &Met) -> Pairs {
    let mut used = vec![false; ranking.len()];
    let mut pairs = Vec::with_capacity(ranking.len() / 2);
    for first in 0..ranking.len() {
        if used[first] {
            continue;
        }
        used[first] = true;
        let free = || (first + 1..ranking.len()).filter(|&o| !used[o]);
        let other = free()
            .find(|&o| !met.have_met(ranking[first], ranking[o]))
            .or_else(|| free().next());
        if let Some(other) = other {
            used[other] = true;
            pairs.push((ranking[first], ranking[other]));
        }
    }
    pairs
}
