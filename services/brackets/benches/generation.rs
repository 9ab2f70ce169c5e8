//! `make bench-brackets`: drawing a stage of 1,024 players in each format, and pairing one Swiss
//! round of 512 players after four rounds played; and, for scale, recording every result of a
//! 1,024-player double elimination. Each case runs until two seconds have passed (at least 11
//! and at most 10,000 times) and prints its median and fastest time; the cases run one after
//! the other in one process so their ratios compare like with like.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use joust_brackets::swiss::pair_round;
use joust_brackets::{Entrant, Format, GrandFinal, MatchId, Outcome, Seeding, Side, Stage};

fn players(n: usize) -> Vec<Entrant> {
    (0..n)
        .map(|i| Entrant {
            name: format!("P{}", i + 1),
            rating: Some(3000 - i as i32),
        })
        .collect()
}

/// Runs `work` repeatedly; returns the number of runs, the median and the fastest.
fn measure(mut work: impl FnMut()) -> (usize, Duration, Duration) {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 11 || (started.elapsed() < Duration::from_secs(2) && times.len() < 10_000) {
        let t = Instant::now();
        work();
        times.push(t.elapsed());
    }
    times.sort();
    (times.len(), times[times.len() / 2], times[0])
}

fn report(name: &str, (runs, median, fastest): (usize, Duration, Duration)) {
    println!("| {name} | {runs} | {median:.2?} | {fastest:.2?} |");
}

fn main() {
    println!("| case | runs | median | fastest |");
    println!("|---|---|---|---|");
    let formats = [
        (
            "single elimination, 1,024 players, third-place match",
            Format::SingleElimination {
                third_place_match: true,
            },
        ),
        (
            "double elimination, 1,024 players, grand final with reset",
            Format::DoubleElimination {
                grand_final: GrandFinal::Double,
            },
        ),
        (
            "round robin, 1,024 players in 32 groups",
            Format::RoundRobin {
                groups: 32,
                double: false,
            },
        ),
        (
            "round robin, 1,024 players in 1 group (523,776 matches)",
            Format::RoundRobin {
                groups: 1,
                double: false,
            },
        ),
        (
            "Swiss, 1,024 players, 10 rounds (draws round 1)",
            Format::Swiss { rounds: 10 },
        ),
    ];
    for (name, format) in formats {
        let entrants = players(1024);
        report(
            name,
            measure(|| {
                let stage = Stage::new(format, entrants.clone(), Seeding::ByRating).unwrap();
                black_box(stage);
            }),
        );
    }

    let drawn = Stage::new(
        Format::DoubleElimination {
            grand_final: GrandFinal::Double,
        },
        players(1024),
        Seeding::ByRating,
    )
    .unwrap();
    report(
        "double elimination, 1,024 players: all 2,046 results recorded",
        measure(|| {
            let mut stage = drawn.clone();
            // Play next what `record` says became ready, as a tournament service would.
            let mut ready: BTreeSet<MatchId> = stage.ready_matches().into_iter().collect();
            while let Some(id) = ready.pop_first() {
                ready.extend(stage.record(id, Outcome::Winner(Side::First)).unwrap());
            }
            black_box(stage);
        }),
    );

    // A Swiss stage of 512 after four rounds: the better seed wins, except every third match.
    let mut stage =
        Stage::new(Format::Swiss { rounds: 9 }, players(512), Seeding::ByRating).unwrap();
    while stage.groups()[0].rounds.len() < 5 {
        let id = stage.ready_matches()[0];
        let winner = if id.0.is_multiple_of(3) {
            Side::Second
        } else {
            Side::First
        };
        stage.record(id, Outcome::Winner(winner)).unwrap();
    }
    let played: Vec<_> = stage
        .matches()
        .iter()
        .filter(|m| m.round <= 4)
        .cloned()
        .collect();
    let active = vec![true; 512];
    report(
        "Swiss pairing of round 5, 512 players",
        measure(|| {
            black_box(pair_round(&active, &played, 5));
        }),
    );
}
