//! Properties over random stages of 2 to 256 players, played out with random results.

use std::collections::HashSet;

use joust_brackets::standings::standings;
use joust_brackets::{
    Format, GrandFinal, MatchId, Occupant, Outcome, ParticipantId, Side, Source, Stage,
};
use proptest::prelude::*;

use crate::helpers::{play_out, stage};

/// A small deterministic generator, so a failing case replays from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn random_result(rng: &mut Rng, draws: bool) -> Outcome {
    match rng.next() % if draws { 5 } else { 2 } {
        0 | 2 => Outcome::Winner(Side::First),
        1 | 3 => Outcome::Winner(Side::Second),
        _ => Outcome::Draw,
    }
}

fn elimination() -> impl Strategy<Value = Format> {
    prop_oneof![
        any::<bool>().prop_map(|third_place_match| Format::SingleElimination { third_place_match }),
        prop_oneof![Just(GrandFinal::Simple), Just(GrandFinal::Double)]
            .prop_map(|grand_final| Format::DoubleElimination { grand_final }),
    ]
}

/// Every player plays at most once in each round of each group.
fn assert_once_per_round(stage: &Stage) {
    for group in stage.groups() {
        for (r, round) in group.rounds.iter().enumerate() {
            let mut seen = HashSet::new();
            for id in round {
                for slot in &stage.get(*id).unwrap().slots {
                    if let Occupant::Player(p) = slot.occupant {
                        assert!(
                            seen.insert(p),
                            "{p:?} twice in group {} round {}",
                            group.number,
                            r + 1
                        );
                    }
                }
            }
        }
    }
}

fn played_out(format: Format, n: usize, seed: u64) -> Stage {
    let mut s = stage(format, n);
    let mut rng = Rng(seed | 1);
    let draws = !format.is_elimination();
    play_out(&mut s, |_, _| random_result(&mut rng, draws));
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn byes_go_to_the_top_seeds(format in elimination(), n in 2usize..=256) {
        let s = stage(format, n);
        let byes = n.next_power_of_two() - n;
        let with_bye: HashSet<ParticipantId> = s.groups()[0].rounds[0]
            .iter()
            .map(|id| s.get(*id).unwrap())
            .filter(|m| m.has_bye())
            .filter_map(|m| m.player(Side::First).or(m.player(Side::Second)))
            .collect();
        let top: HashSet<ParticipantId> = (0..byes as u32).map(ParticipantId).collect();
        prop_assert_eq!(with_bye, top);
    }

    #[test]
    fn an_elimination_stage_ends_with_one_champion(format in elimination(), n in 2usize..=256, seed in any::<u64>()) {
        let s = played_out(format, n, seed);
        prop_assert!(s.is_finished());
        assert_once_per_round(&s);
        let table = standings(&s);
        prop_assert_eq!(table.len(), n);
        prop_assert!(table.iter().all(|row| row.rank.is_some()));
        prop_assert_eq!(table.iter().filter(|row| row.rank == Some(1)).count(), 1);
        prop_assert_eq!(table.iter().filter(|row| row.rank == Some(2)).count(), 1);
    }

    #[test]
    fn a_round_robin_ends_with_a_full_standing_in_every_group(
        n in 2usize..=64,
        groups in 1u32..=4,
        double in any::<bool>(),
        seed in any::<u64>(),
    ) {
        prop_assume!(n >= 2 * groups as usize);
        let s = played_out(Format::RoundRobin { groups, double }, n, seed);
        prop_assert!(s.is_finished());
        assert_once_per_round(&s);
        // Everyone met everyone else in their group once (twice in a double round robin).
        let table = standings(&s);
        for row in &table {
            let group_size = table.iter().filter(|r| r.group == row.group).count() as u32;
            prop_assert_eq!(row.played, (group_size - 1) * if double { 2 } else { 1 });
            prop_assert!(row.rank.unwrap() <= group_size);
        }
        let ranks: HashSet<(u32, u32)> = table.iter().map(|r| (r.group, r.rank.unwrap())).collect();
        prop_assert_eq!(ranks.len(), n);
    }

    #[test]
    fn swiss_has_no_rematch_while_one_can_be_avoided(n in 2usize..=256, extra in 0u32..=3, seed in any::<u64>()) {
        // Up to n/2 rounds a rematch-free pairing always exists (the games not yet played form
        // a graph dense enough for a perfect matching), so none may happen.
        let log = usize::BITS - (n - 1).leading_zeros();
        let rounds = (log + extra).clamp(1, (n as u32 / 2).max(1));
        let s = played_out(Format::Swiss { rounds }, n, seed);
        prop_assert!(s.is_finished());
        prop_assert_eq!(s.groups()[0].rounds.len(), rounds as usize);
        assert_once_per_round(&s);
        let mut pairs = HashSet::new();
        let mut byes = vec![0; n];
        for m in s.matches() {
            match (m.player(Side::First), m.player(Side::Second)) {
                (Some(a), Some(b)) => prop_assert!(pairs.insert((a.min(b), a.max(b))), "rematch {a:?} {b:?}"),
                (Some(p), None) | (None, Some(p)) => byes[p.index()] += 1,
                _ => {}
            }
        }
        prop_assert!(byes.iter().all(|&b| b <= 1), "a second bye");
        // Every active player is in every round: paired or given the bye.
        for round in &s.groups()[0].rounds {
            let seats: usize = round.iter().map(|id| {
                s.get(*id).unwrap().slots.iter().filter(|slot| matches!(slot.source, Source::Participant(_))).count()
            }).sum();
            prop_assert_eq!(seats, n);
        }
        let table = standings(&s);
        let ranks: HashSet<u32> = table.iter().map(|r| r.rank.unwrap()).collect();
        prop_assert_eq!(ranks.len(), n);
        // Points are ordered; Buchholz breaks ties before Sonneborn-Berger.
        for pair in table.windows(2) {
            prop_assert!(pair[0].points >= pair[1].points);
            if pair[0].points == pair[1].points {
                prop_assert!(pair[0].buchholz >= pair[1].buchholz);
            }
        }
    }

    #[test]
    fn disqualifications_and_overrides_still_end_the_stage(
        format in prop_oneof![
            elimination(),
            Just(Format::RoundRobin { groups: 2, double: false }),
            Just(Format::Swiss { rounds: 4 }),
        ],
        n in 8usize..=64,
        seed in any::<u64>(),
    ) {
        let mut s = stage(format, n);
        let mut rng = Rng(seed | 1);
        let draws = !format.is_elimination();
        let mut steps = 0;
        while let Some(&id) = s.ready_matches().first() {
            steps += 1;
            prop_assert!(steps < 10_000);
            match rng.next() % 10 {
                0 => {
                    let p = ParticipantId((rng.next() % n as u64) as u32);
                    let _ = s.disqualify(p);
                }
                1 => {
                    // Overriding the last played match: either allowed, or refused because a
                    // later match fed by it has been played.
                    if let Some(done) = last_played(&s) {
                        let flipped = Outcome::Winner(if rng.next().is_multiple_of(2) { Side::First } else { Side::Second });
                        let _ = s.override_result(done, flipped);
                    }
                }
                _ => {
                    let result = random_result(&mut rng, draws);
                    s.record(id, result).unwrap();
                }
            }
        }
        prop_assert!(s.is_finished());
        assert_once_per_round(&s);
        let table = standings(&s);
        prop_assert!(table.iter().all(|row| row.rank.is_some()));
    }
}

fn last_played(s: &Stage) -> Option<MatchId> {
    s.matches()
        .iter()
        .rev()
        .find(|m| matches!(m.outcome, Some((_, joust_brackets::Decision::Played))))
        .map(|m| m.id)
}

/// Every small size and every format, played out by seed: the sizes where byes, the
/// third-place match and the losers bracket meet in unusual ways are all covered.
#[test]
fn every_stage_of_2_to_64_players_ends_with_a_full_standing() {
    let mut formats = vec![
        Format::SingleElimination {
            third_place_match: false,
        },
        Format::SingleElimination {
            third_place_match: true,
        },
        Format::RoundRobin {
            groups: 1,
            double: false,
        },
        Format::Swiss { rounds: 5 },
    ];
    for grand_final in [GrandFinal::None, GrandFinal::Simple, GrandFinal::Double] {
        formats.push(Format::DoubleElimination { grand_final });
    }
    for n in 2..=64 {
        for &format in &formats {
            let mut s = match format {
                Format::Swiss { rounds } => stage(
                    Format::Swiss {
                        rounds: rounds.min(n as u32 - 1),
                    },
                    n,
                ),
                _ => stage(format, n),
            };
            play_out(&mut s, crate::helpers::favourite);
            assert!(s.is_finished(), "{format:?} {n}");
            assert_once_per_round(&s);
            let table = standings(&s);
            assert!(
                table.iter().all(|r| r.rank.is_some()),
                "{format:?} {n}: {table:?}"
            );
            // The better seed wins every match, so seed 1 is first.
            assert_eq!(table[0].participant, ParticipantId(0), "{format:?} {n}");
            assert_eq!(
                table.iter().filter(|r| r.rank == Some(1)).count(),
                1,
                "{format:?} {n}"
            );
        }
    }
}

/// Whether `players` can be paired with no two who have met, one of them resting if the count is
/// odd: by trying every pairing, for the small stages where that is cheap.
fn rematch_free_round_exists(players: &[u32], met: &HashSet<(u32, u32)>) -> bool {
    fn pairable(rest: &[u32], met: &HashSet<(u32, u32)>) -> bool {
        let Some((&a, others)) = rest.split_first() else {
            return true;
        };
        others.iter().enumerate().any(|(i, &b)| {
            let left: Vec<u32> = others
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &p)| p)
                .collect();
            !met.contains(&(a.min(b), a.max(b))) && pairable(&left, met)
        })
    }
    if players.len().is_multiple_of(2) {
        return pairable(players, met);
    }
    (0..players.len()).any(|resting| {
        let left: Vec<u32> = players
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != resting)
            .map(|(_, &p)| p)
            .collect();
        pairable(&left, met)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// In small Swiss stages played to the most rounds they allow, a round has a rematch only
    /// when trying every pairing finds none without one.
    #[test]
    fn a_swiss_rematch_happens_only_when_every_pairing_has_one(n in 2usize..=11, seed in any::<u64>()) {
        let rounds = joust_brackets::stage::max_swiss_rounds(n);
        let s = played_out(Format::Swiss { rounds }, n, seed);
        prop_assert!(s.is_finished());
        let players: Vec<u32> = (0..n as u32).collect();
        for round in 2..=rounds {
            let pairs_of = |keep: &dyn Fn(u32) -> bool| -> HashSet<(u32, u32)> {
                s.matches()
                    .iter()
                    .filter(|m| keep(m.round))
                    .filter_map(|m| Some((m.player(Side::First)?.0, m.player(Side::Second)?.0)))
                    .map(|(a, b)| (a.min(b), a.max(b)))
                    .collect()
            };
            let met = pairs_of(&|r| r < round);
            let this_round = pairs_of(&|r| r == round);
            if this_round.iter().any(|pair| met.contains(pair)) {
                prop_assert!(
                    !rematch_free_round_exists(&players, &met),
                    "round {round} of {n} has a rematch that could be avoided"
                );
            }
        }
    }
}
