//! Recording, overriding and disqualifying, seeding, standings and the export, on small stages
//! whose every step is known.

use joust_brackets::export::to_brackets_model;
use joust_brackets::standings::standings;
use joust_brackets::{
    BracketError, Decision, Entrant, Format, GrandFinal, MatchId, MatchStatus, Occupant, Outcome,
    ParticipantId, Seeding, Side, Stage,
};

use crate::helpers::{favourite, play_out, players, stage};

const FIRST: Outcome = Outcome::Winner(Side::First);
const SECOND: Outcome = Outcome::Winner(Side::Second);
const P: fn(u32) -> Occupant = |seed| Occupant::Player(ParticipantId(seed - 1));

fn single(n: usize) -> Stage {
    stage(
        Format::SingleElimination {
            third_place_match: false,
        },
        n,
    )
}

#[test]
fn recording_a_result_moves_the_winner_on_and_says_which_matches_became_ready() {
    // 4 players: 1 v 4 (match 0), 2 v 3 (match 1), the final (match 2).
    let mut s = single(4);
    assert_eq!(s.ready_matches(), [MatchId(0), MatchId(1)]);
    assert_eq!(s.record(MatchId(0), SECOND).unwrap(), []);
    assert_eq!(s.get(MatchId(2)).unwrap().status(), MatchStatus::Waiting);
    assert_eq!(s.record(MatchId(1), FIRST).unwrap(), [MatchId(2)]);
    let final_ = s.get(MatchId(2)).unwrap();
    assert_eq!(
        [final_.slots[0].occupant, final_.slots[1].occupant],
        [P(4), P(2)]
    );
    assert_eq!(
        s.record(MatchId(0), FIRST),
        Err(BracketError::AlreadyDecided(MatchId(0)))
    );
    assert_eq!(
        s.record(MatchId(9), FIRST),
        Err(BracketError::UnknownMatch(MatchId(9)))
    );
    assert_eq!(
        s.record(MatchId(2), Outcome::Draw),
        Err(BracketError::DrawNotAllowed)
    );
    s.record(MatchId(2), FIRST).unwrap();
    assert!(s.is_finished());
    let ranks: Vec<_> = standings(&s)
        .iter()
        .map(|r| (r.participant.0 + 1, r.rank))
        .collect();
    assert_eq!(
        ranks,
        [(4, Some(1)), (2, Some(2)), (1, Some(3)), (3, Some(3))]
    );
}

#[test]
fn with_three_players_the_semi_final_loser_takes_third_place_on_a_bye() {
    let mut s = stage(
        Format::SingleElimination {
            third_place_match: true,
        },
        3,
    );
    play_out(&mut s, favourite);
    assert!(s.is_finished());
    let ranks: Vec<_> = standings(&s)
        .iter()
        .map(|r| (r.participant.0 + 1, r.rank))
        .collect();
    assert_eq!(ranks, [(1, Some(1)), (2, Some(2)), (3, Some(3))]);
}

#[test]
fn a_match_that_is_not_ready_takes_no_result() {
    let mut s = single(4);
    assert_eq!(
        s.record(MatchId(2), FIRST),
        Err(BracketError::NotReady(MatchId(2)))
    );
}

#[test]
fn top_seeds_pass_their_byes_at_once() {
    // 5 players in a bracket of 8: seeds 1, 2 and 3 meet byes and wait in round 2.
    let s = single(5);
    let round_two: Vec<_> = s.groups()[0].rounds[1]
        .iter()
        .map(|id| s.get(*id).unwrap().slots.map(|slot| slot.occupant))
        .collect();
    assert_eq!(round_two, [[P(1), Occupant::Pending], [P(2), P(3)]]);
    assert_eq!(s.ready_matches(), [MatchId(1), MatchId(5)]);
}

#[test]
fn an_override_replaces_the_winner_until_a_later_match_is_played() {
    let mut s = single(4);
    s.record(MatchId(0), FIRST).unwrap();
    assert_eq!(s.override_result(MatchId(0), SECOND).unwrap(), []);
    assert_eq!(s.get(MatchId(2)).unwrap().slots[0].occupant, P(4));
    assert_eq!(
        s.override_result(MatchId(1), FIRST),
        Err(BracketError::NothingToOverride(MatchId(1)))
    );
    s.record(MatchId(1), FIRST).unwrap();
    s.record(MatchId(2), FIRST).unwrap();
    assert_eq!(
        s.override_result(MatchId(0), FIRST),
        Err(BracketError::LaterMatchPlayed(MatchId(0)))
    );
    // The final itself can still be overridden.
    s.override_result(MatchId(2), SECOND).unwrap();
    assert_eq!(standings(&s)[0].participant, ParticipantId(1));
}

#[test]
fn a_disqualified_player_forfeits_now_and_later() {
    let mut s = stage(
        Format::DoubleElimination {
            grand_final: GrandFinal::Simple,
        },
        4,
    );
    // Seed 4 is disqualified: their first match goes to seed 1, their losers-bracket match to
    // whoever drops in against them.
    s.disqualify(ParticipantId(3)).unwrap();
    let first = s.get(MatchId(0)).unwrap();
    assert_eq!(first.outcome, Some((FIRST, Decision::Forfeit)));
    assert_eq!(
        s.disqualify(ParticipantId(3)),
        Err(BracketError::AlreadyDisqualified(ParticipantId(3)))
    );
    assert_eq!(
        s.disqualify(ParticipantId(7)),
        Err(BracketError::UnknownParticipant(ParticipantId(7)))
    );
    play_out(&mut s, favourite);
    assert!(s.is_finished());
    let table = standings(&s);
    assert_eq!(table[0].participant, ParticipantId(0));
    let dq = table
        .iter()
        .find(|r| r.participant == ParticipantId(3))
        .unwrap();
    assert!(dq.disqualified && dq.forfeits == 2 && dq.rank == Some(4));
    let json = serde_json::to_value(to_brackets_model(&s, 0, "Stage")).unwrap();
    assert_eq!(json["match"][0]["opponent2"]["forfeit"], true);
}

#[test]
fn the_grand_final_reset_is_played_only_when_the_losers_bracket_winner_takes_the_first() {
    for (first_final, reset_status) in [(FIRST, MatchStatus::Skipped), (SECOND, MatchStatus::Ready)]
    {
        let mut s = stage(
            Format::DoubleElimination {
                grand_final: GrandFinal::Double,
            },
            4,
        );
        let finals = s.groups()[2].rounds.concat();
        while !s.ready_matches().contains(&finals[0]) {
            let id = s.ready_matches()[0];
            s.record(id, FIRST).unwrap();
        }
        s.record(finals[0], first_final).unwrap();
        assert_eq!(s.get(finals[1]).unwrap().status(), reset_status);
        assert_eq!(s.is_finished(), first_final == FIRST);
    }
}

#[test]
fn swiss_gives_the_bye_to_the_lowest_ranked_player_who_has_not_had_one() {
    let mut s = stage(Format::Swiss { rounds: 3 }, 5);
    let round_one = &s.groups()[0].rounds[0];
    // Round 1: 1 v 3, 2 v 4, and seed 5 rests.
    let bye = s.get(*round_one.last().unwrap()).unwrap();
    assert_eq!(bye.slots.map(|slot| slot.occupant), [P(5), Occupant::Bye]);
    play_out(&mut s, favourite);
    let table = standings(&s);
    assert!(table.iter().all(|r| r.byes <= 1));
    assert_eq!(table.iter().map(|r| r.byes).sum::<u32>(), 3);
    assert_eq!(table[0].participant, ParticipantId(0));
    assert_eq!(table[0].points, 3.0);
}

#[test]
fn round_robin_standings_count_points_then_buchholz_then_sonneborn_berger() {
    // 4 players, everyone meets everyone. Results: 1 beats 2, 3 and 4 draw, 1 draws 3, 2 beats
    // 4, 1 beats 4, 2 draws 3.
    let mut s = stage(
        Format::RoundRobin {
            groups: 1,
            double: false,
        },
        4,
    );
    play_out(&mut s, |s, id| {
        let m = s.get(id).unwrap();
        let pair = [
            m.player(Side::First).unwrap().0 + 1,
            m.player(Side::Second).unwrap().0 + 1,
        ];
        let winner = match pair {
            [1, 2] | [1, 4] | [2, 4] => Side::First,
            [2, 1] | [4, 1] | [4, 2] => Side::Second,
            _ => return Outcome::Draw,
        };
        Outcome::Winner(winner)
    });
    let table = standings(&s);
    let row = |seed: u32| {
        table
            .iter()
            .find(|r| r.participant == ParticipantId(seed - 1))
            .unwrap()
    };
    // Points: 1: 2.5, 2: 1.5, 3: 1.5, 4: 0.5.
    assert_eq!(
        [row(1).points, row(2).points, row(3).points, row(4).points],
        [2.5, 1.5, 1.5, 0.5]
    );
    // Buchholz: 2 met 1, 3, 4 = 4.5; 3 met 1, 2, 4 = 4.5. Sonneborn-Berger: 2 beat 4 (0.5) and
    // drew 3 (0.75) = 1.25; 3 drew 1, 2 and 4 = (2.5 + 1.5 + 0.5) / 2 = 2.25.
    assert_eq!([row(2).buchholz, row(3).buchholz], [4.5, 4.5]);
    assert_eq!(
        [row(2).sonneborn_berger, row(3).sonneborn_berger],
        [1.25, 2.25]
    );
    let order: Vec<u32> = table.iter().map(|r| r.participant.0 + 1).collect();
    assert_eq!(order, [1, 3, 2, 4]);
}

#[test]
fn seeding_by_rating_puts_the_highest_rating_first() {
    let entrants = vec![
        Entrant {
            name: "low".into(),
            rating: Some(1200),
        },
        Entrant {
            name: "high".into(),
            rating: Some(1900),
        },
        Entrant {
            name: "mid".into(),
            rating: Some(1500),
        },
    ];
    let s = Stage::new(
        Format::SingleElimination {
            third_place_match: true,
        },
        entrants,
        Seeding::ByRating,
    )
    .unwrap();
    let names: Vec<&str> = s.participants().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["high", "mid", "low"]);
    // The top seed has the bye.
    assert_eq!(s.get(MatchId(0)).unwrap().slots[1].occupant, Occupant::Bye);
}

#[test]
fn stages_refuse_impossible_settings() {
    let new = |format, n| Stage::new(format, players(n), Seeding::Manual).map(|_| ());
    assert_eq!(
        new(Format::Swiss { rounds: 2 }, 1),
        Err(BracketError::TooFewParticipants(1))
    );
    assert_eq!(
        new(
            Format::RoundRobin {
                groups: 3,
                double: false
            },
            5
        ),
        Err(BracketError::BadGroupCount {
            groups: 3,
            participants: 5
        })
    );
    assert_eq!(
        new(Format::Swiss { rounds: 4 }, 4),
        Err(BracketError::BadRoundCount { got: 4, max: 3 })
    );
    assert!(matches!(
        new(
            Format::SingleElimination {
                third_place_match: false
            },
            5000
        ),
        Err(BracketError::TooManyParticipants { got: 5000 })
    ));
}

#[test]
fn a_swiss_stage_exports_as_a_round_robin_of_the_rounds_paired_so_far() {
    let s = stage(Format::Swiss { rounds: 3 }, 6);
    let json = serde_json::to_value(to_brackets_model(&s, 7, "Swiss")).unwrap();
    assert_eq!(json["stage"][0]["type"], "round_robin");
    assert_eq!(json["stage"][0]["tournament_id"], 7);
    assert_eq!(json["round"].as_array().unwrap().len(), 1);
    assert_eq!(json["match"].as_array().unwrap().len(), 3);
    assert_eq!(json["match"][0]["status"], 2);
    assert_eq!(json["participant"][5]["name"], "P6");
}

#[test]
fn a_stage_is_restored_from_its_history() {
    let format = Format::DoubleElimination {
        grand_final: GrandFinal::Double,
    };
    let mut s = stage(format, 6);
    s.record(MatchId(1), SECOND).unwrap();
    s.disqualify(ParticipantId(4)).unwrap();
    s.record(MatchId(3), FIRST).unwrap();
    s.override_result(MatchId(1), FIRST).unwrap();
    assert_eq!(s.history().len(), 3);
    let restored = Stage::restore(format, players(6), s.history()).unwrap();
    assert_eq!(restored, s);
    // The override stands: seed 4 won match 1 and met the top seed.
    assert_eq!(s.get(MatchId(4)).unwrap().slots[1].occupant, P(4));
    // A history that does not fit the stage is refused with the error it would have had.
    let wrong = [joust_brackets::Event::Result(MatchId(7), FIRST)];
    let refused = Stage::restore(format, players(6), &wrong).unwrap_err();
    assert_eq!(refused, BracketError::NotReady(MatchId(7)));
    assert_eq!(refused.code(), "MATCH_NOT_READY");
}

#[test]
fn a_stage_whose_players_are_all_disqualified_still_ends() {
    for format in [
        Format::Swiss { rounds: 3 },
        Format::DoubleElimination {
            grand_final: GrandFinal::Double,
        },
        Format::RoundRobin {
            groups: 1,
            double: false,
        },
    ] {
        let mut s = stage(format, 5);
        s.record(s.ready_matches()[0], FIRST).unwrap();
        for p in 0..5 {
            s.disqualify(ParticipantId(p)).unwrap();
        }
        assert!(s.is_finished(), "{format:?}");
        assert!(standings(&s).iter().all(|r| r.rank.is_some()), "{format:?}");
    }
}
