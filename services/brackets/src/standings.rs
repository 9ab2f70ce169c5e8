//! Standings. Elimination: the champion first, then everyone by how late they were knocked out;
//! those knocked out in the same round share a rank, and ranks are dense as in brackets-manager
//! (1, 2, 3, 3, 4, 4, 4, 4: the next round out is the next rank), the third-place match
//! splitting its round into two.
//! Round robin (per group) and Swiss: points (a win or a bye 1, a draw ½), then Buchholz (the
//! sum of the opponents' points), then Sonneborn-Berger (the points of the opponents beaten,
//! plus half those of the opponents drawn), then the better seed.

use serde::Serialize;

use crate::model::{Format, GroupKind, Match, Outcome, ParticipantId, Side, Source};
use crate::score::{GameResult, tally};
use crate::stage::Stage;

/// A participant's place in a stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    pub participant: ParticipantId,
    /// 1 is the best. `None` while an elimination participant is still in the running.
    pub rank: Option<u32>,
    /// The round-robin group (1-based); 1 in other formats.
    pub group: u32,
    pub played: u32,
    pub wins: u32,
    pub draws: u32,
    pub losses: u32,
    pub byes: u32,
    pub forfeits: u32,
    pub points: f64,
    pub buchholz: f64,
    pub sonneborn_berger: f64,
    pub disqualified: bool,
}

/// The standings of a stage, best first (by group first in a round robin).
pub fn standings(stage: &Stage) -> Vec<Standing> {
    let n = stage.participants().len();
    let records = tally(n, stage.matches());
    let points: Vec<f64> = records
        .iter()
        .map(|r| f64::from(r.half_points) / 2.0)
        .collect();
    let groups = group_of_each(stage);
    let mut rows: Vec<Standing> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let count =
                |want: GameResult| r.games.iter().filter(|(_, g)| *g == want).count() as u32;
            let buchholz = r.games.iter().map(|(o, _)| points[o.index()]).sum();
            let sonneborn_berger = r
                .games
                .iter()
                .map(|(o, g)| points[o.index()] * f64::from(g.half_points()) / 2.0)
                .sum();
            Standing {
                participant: ParticipantId(i as u32),
                rank: None,
                group: groups[i],
                played: r.games.len() as u32,
                wins: count(GameResult::Win),
                draws: count(GameResult::Draw),
                losses: count(GameResult::Loss),
                byes: r.byes,
                forfeits: r.forfeits,
                points: points[i],
                buchholz,
                sonneborn_berger,
                disqualified: stage.is_disqualified(ParticipantId(i as u32)),
            }
        })
        .collect();
    if stage.format().is_elimination() {
        let keys = elimination_keys(stage);
        // Ranks are dense, as brackets-manager gives them: one rank per round players went out
        // in, counting only rounds someone went out in. Players still in rank above them all.
        let mut distinct: Vec<u32> = keys.iter().flatten().copied().collect();
        distinct.sort_unstable_by(|a, b| b.cmp(a));
        distinct.dedup();
        let still_in = u32::from(keys.iter().any(Option::is_none));
        for row in &mut rows {
            row.rank = keys[row.participant.index()].map(|mine| {
                1 + still_in + distinct.iter().take_while(|&&k| k > mine).count() as u32
            });
        }
        rows.sort_by_key(|r| (r.rank.unwrap_or(0), r.participant));
    } else {
        rows.sort_by(|a, b| {
            (a.group.cmp(&b.group))
                .then(b.points.total_cmp(&a.points))
                .then(b.buchholz.total_cmp(&a.buchholz))
                .then(b.sonneborn_berger.total_cmp(&a.sonneborn_berger))
                .then(a.participant.cmp(&b.participant))
        });
        let mut previous_group = 0;
        let mut rank = 0;
        for row in &mut rows {
            if row.group != previous_group {
                (previous_group, rank) = (row.group, 0);
            }
            rank += 1;
            row.rank = Some(rank);
        }
    }
    rows
}

/// The round-robin group each participant plays in (1 in other formats).
fn group_of_each(stage: &Stage) -> Vec<u32> {
    let mut groups = vec![1; stage.participants().len()];
    if let Format::RoundRobin { .. } = stage.format() {
        for m in stage.matches() {
            for slot in &m.slots {
                if let Source::Participant(p) = slot.source {
                    groups[p.index()] = m.group + 1;
                }
            }
        }
    }
    groups
}

const CHAMPION: u32 = u32::MAX;
const RUNNER_UP: u32 = u32::MAX - 1;

/// How late each participant was knocked out (higher is later; `CHAMPION` for the winner), or
/// `None` while they are still in.
fn elimination_keys(stage: &Stage) -> Vec<Option<u32>> {
    let mut keys = vec![None; stage.participants().len()];
    let bracket_rounds = stage.groups()[0].rounds.len() as u32;
    for m in stage.matches() {
        let Some((Outcome::Winner(side), _)) = m.outcome else {
            continue;
        };
        // A bye never ranks, but a player can end their run on one: with 3 players, the
        // third-place match is a bye for the semi-final loser.
        let (winner_key, loser_key) = keys_of(stage, m, side, bracket_rounds);
        for (player, key) in [
            (m.player(side), winner_key),
            (m.player(side.other()), loser_key),
        ] {
            if let (Some(p), Some(k)) = (player, key) {
                keys[p.index()] = Some(k);
            }
        }
    }
    keys
}

/// The keys this match gives its winner and loser, if it ends their run.
fn keys_of(
    stage: &Stage,
    m: &Match,
    winner: Side,
    bracket_rounds: u32,
) -> (Option<u32>, Option<u32>) {
    let round = 4 * m.round;
    match stage.groups()[m.group as usize].kind {
        GroupKind::Bracket | GroupKind::WinnersBracket => (
            m.winner_to.is_none().then_some(CHAMPION),
            m.loser_to.is_none().then_some(round),
        ),
        GroupKind::LosersBracket => (m.winner_to.is_none().then_some(round + 2), Some(round)),
        GroupKind::Final if matches!(stage.format(), Format::SingleElimination { .. }) => {
            let semi_final = 4 * (bracket_rounds - 1);
            (Some(semi_final + 2), Some(semi_final + 1))
        }
        GroupKind::Final => {
            let goes_to_reset = stage
                .matches()
                .get(m.id.index() + 1)
                .is_some_and(|r| matches!(r.slots[0].source, Source::SideOf(f, _) if f == m.id));
            if goes_to_reset && winner == Side::Second {
                (None, None)
            } else {
                (Some(CHAMPION), Some(RUNNER_UP))
            }
        }
        GroupKind::Pool => (None, None),
    }
}
