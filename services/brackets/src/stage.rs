//! `Stage`: a tournament stage being played. Recording a result moves the winner and the loser
//! to the matches their slots come from, passes players through byes, forfeits the matches of
//! disqualified players, pairs the next Swiss round once a round is complete, and says which
//! matches became ready. A stage is its structure plus the list of what happened to it, so an
//! overridden result is applied by playing that list again.

use crate::elimination;
use crate::error::BracketError;
use crate::layout::Layout;
use crate::model::{
    Decision, Entrant, Event, Format, Group, GroupKind, Match, MatchId, MatchStatus, Occupant,
    Outcome, Participant, ParticipantId, Seeding, Side, Source,
};
use crate::round_robin::round_robin;
use crate::seeding::{Ordering, seed};
use crate::swiss::pair_round;

/// A stage of a tournament: its participants, groups, rounds and matches, and their results.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    format: Format,
    participants: Vec<Participant>,
    layout: Layout,
    /// brackets-manager's `settings.seedOrdering` for this stage.
    pub(crate) orderings: Vec<Ordering>,
    /// brackets-manager's `settings.size`: the bracket size, or the participant count.
    pub(crate) size: usize,
    disqualified: Vec<bool>,
    history: Vec<Event>,
}

impl Stage {
    /// Seeds the entrants and draws the stage; byes are passed through at once.
    pub fn new(
        format: Format,
        entrants: Vec<Entrant>,
        seeding: Seeding,
    ) -> Result<Stage, BracketError> {
        let n = entrants.len();
        if n < 2 {
            return Err(BracketError::TooFewParticipants(n));
        }
        if n > crate::MAX_PARTICIPANTS {
            return Err(BracketError::TooManyParticipants { got: n });
        }
        match format {
            Format::RoundRobin { groups, .. } if groups == 0 || n < 2 * groups as usize => {
                return Err(BracketError::BadGroupCount {
                    groups,
                    participants: n,
                });
            }
            Format::Swiss { rounds } if rounds == 0 || rounds > max_swiss_rounds(n) => {
                return Err(BracketError::BadRoundCount {
                    got: rounds,
                    max: max_swiss_rounds(n),
                });
            }
            _ => {}
        }
        Ok(Stage::draw(format, seed(entrants, seeding)))
    }

    /// The stage again from what `new` was given (entrants in seed order, `Seeding::Manual`)
    /// and its `history`: how a stage is stored and loaded. Each event is checked as it was
    /// when it happened.
    pub fn restore(
        format: Format,
        seeded: Vec<Entrant>,
        history: &[Event],
    ) -> Result<Stage, BracketError> {
        let mut stage = Stage::new(format, seeded, Seeding::Manual)?;
        for event in history {
            match *event {
                Event::Result(id, outcome) => stage.record(id, outcome)?,
                Event::Disqualified(p) => stage.disqualify(p)?,
            };
        }
        Ok(stage)
    }

    /// Every result and disqualification in the order they happened, an override in the place
    /// of the result it replaced.
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    fn draw(format: Format, participants: Vec<Participant>) -> Stage {
        let n = participants.len();
        let (layout, orderings, size) = match format {
            Format::SingleElimination { third_place_match } => {
                let b = elimination::single(n, third_place_match);
                (b.layout, b.orderings, b.size)
            }
            Format::DoubleElimination { grand_final } => {
                let b = elimination::double(n, grand_final);
                (b.layout, b.orderings, b.size)
            }
            Format::RoundRobin { groups, double } => {
                (round_robin(n, groups as usize, double), Vec::new(), n)
            }
            Format::Swiss { .. } => {
                let mut layout = Layout::default();
                layout.add_group(GroupKind::Pool);
                (layout, Vec::new(), n)
            }
        };
        let mut stage = Stage {
            format,
            participants,
            layout,
            orderings,
            size,
            disqualified: vec![false; n],
            history: Vec::new(),
        };
        let all: Vec<MatchId> = stage.layout.matches.iter().map(|m| m.id).collect();
        let mut changed = Vec::new();
        stage.settle(all, &mut changed);
        stage.pair_swiss_round_if_due(&mut changed);
        stage
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// In seed order: `participants()[p.index()]` is participant `p`.
    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    pub fn groups(&self) -> &[Group] {
        &self.layout.groups
    }

    pub fn matches(&self) -> &[Match] {
        &self.layout.matches
    }

    pub fn get(&self, id: MatchId) -> Result<&Match, BracketError> {
        self.layout
            .matches
            .get(id.index())
            .ok_or(BracketError::UnknownMatch(id))
    }

    pub fn is_disqualified(&self, p: ParticipantId) -> bool {
        self.disqualified.get(p.index()).copied().unwrap_or(false)
    }

    /// The matches waiting for a result, in id order.
    pub fn ready_matches(&self) -> Vec<MatchId> {
        self.matches()
            .iter()
            .filter(|m| m.status() == MatchStatus::Ready)
            .map(|m| m.id)
            .collect()
    }

    /// Whether every match is decided (or skipped) and, in a Swiss stage, every round paired.
    pub fn is_finished(&self) -> bool {
        let all_done = self
            .matches()
            .iter()
            .all(|m| matches!(m.status(), MatchStatus::Completed | MatchStatus::Skipped));
        match self.format {
            Format::Swiss { rounds } => all_done && self.swiss_rounds() == rounds as usize,
            _ => all_done,
        }
    }

    /// Records the result of a ready match and returns the matches that became ready.
    pub fn record(&mut self, id: MatchId, outcome: Outcome) -> Result<Vec<MatchId>, BracketError> {
        let m = self.get(id)?;
        match m.status() {
            MatchStatus::Ready => {}
            MatchStatus::Completed => return Err(BracketError::AlreadyDecided(id)),
            _ => return Err(BracketError::NotReady(id)),
        }
        self.check_draw(outcome)?;
        let mut changed = Vec::new();
        self.apply(Event::Result(id, outcome), &mut changed);
        Ok(self.now_ready(changed))
    }

    /// Replaces a recorded result, as long as no later match fed by this one has been played
    /// (and, in a Swiss stage, no later round has been paired). Returns the matches that became
    /// ready.
    pub fn override_result(
        &mut self,
        id: MatchId,
        outcome: Outcome,
    ) -> Result<Vec<MatchId>, BracketError> {
        let m = self.get(id)?;
        if !matches!(m.outcome, Some((_, Decision::Played))) {
            return Err(BracketError::NothingToOverride(id));
        }
        self.check_draw(outcome)?;
        if self.later_match_played(id) {
            return Err(BracketError::LaterMatchPlayed(id));
        }
        let before: Vec<MatchStatus> = self.matches().iter().map(Match::status).collect();
        let mut history = self.history.clone();
        for event in &mut history {
            if let Event::Result(m, o) = event
                && *m == id
            {
                *o = outcome;
            }
        }
        let mut replayed = Stage::draw(self.format, self.participants.clone());
        for event in history {
            replayed.apply(event, &mut Vec::new());
        }
        *self = replayed;
        // Replaying may have moved anything: compare every match.
        let changed = (0..self.matches().len() as u32)
            .map(MatchId)
            .filter(|id| before.get(id.index()) != Some(&MatchStatus::Ready))
            .collect();
        Ok(self.now_ready(changed))
    }

    /// Disqualifies a participant: each of their matches, now and later, is forfeited to the
    /// opponent, and a Swiss stage pairs them no more. Results already played stand. Returns the
    /// matches that became ready.
    pub fn disqualify(&mut self, p: ParticipantId) -> Result<Vec<MatchId>, BracketError> {
        match self.disqualified.get(p.index()) {
            None => return Err(BracketError::UnknownParticipant(p)),
            Some(true) => return Err(BracketError::AlreadyDisqualified(p)),
            Some(false) => {}
        }
        let mut changed = Vec::new();
        self.apply(Event::Disqualified(p), &mut changed);
        Ok(self.now_ready(changed))
    }

    /// Applies an event, adding to `changed` every match whose slots it filled or that it
    /// created: only those can have become ready.
    fn apply(&mut self, event: Event, changed: &mut Vec<MatchId>) {
        self.history.push(event);
        match event {
            Event::Result(id, outcome) => self.decide(id, outcome, Decision::Played, changed),
            Event::Disqualified(p) => {
                self.disqualified[p.index()] = true;
                let theirs = self
                    .matches()
                    .iter()
                    .filter(|m| {
                        m.outcome.is_none()
                            && (0..2).any(|s| m.slots[s].occupant == Occupant::Player(p))
                    })
                    .map(|m| m.id)
                    .collect();
                self.settle(theirs, changed);
                self.pair_swiss_round_if_due(changed);
            }
        }
    }

    fn check_draw(&self, outcome: Outcome) -> Result<(), BracketError> {
        if outcome == Outcome::Draw && self.format.is_elimination() {
            return Err(BracketError::DrawNotAllowed);
        }
        Ok(())
    }

    /// The changed matches that are ready now, in id order. A match changed by an event was not
    /// ready before it: slots are filled only while pending, and a new match is new.
    fn now_ready(&self, mut changed: Vec<MatchId>) -> Vec<MatchId> {
        changed.sort_unstable();
        changed.dedup();
        changed.retain(|id| self.layout.matches[id.index()].status() == MatchStatus::Ready);
        changed
    }

    /// Sets a match's outcome and moves its players on, then settles what that changed.
    fn decide(
        &mut self,
        id: MatchId,
        outcome: Outcome,
        decision: Decision,
        changed: &mut Vec<MatchId>,
    ) {
        let m = &mut self.layout.matches[id.index()];
        m.outcome = Some((outcome, decision));
        let m = m.clone();
        let mut touched = Vec::new();
        if let (Some(winner), Some(loser)) = (m.winner(), m.loser()) {
            for (to, occupant) in [(m.winner_to, winner), (m.loser_to, loser)] {
                if let Some((next, side)) = to {
                    self.layout.matches[next.index()].slots[side.index()].occupant = occupant;
                    touched.push(next);
                }
            }
        }
        if let Some(reset) = self.reset_of(id) {
            let r = &mut self.layout.matches[reset.index()];
            r.slots[0].occupant = m.slots[0].occupant;
            r.slots[1].occupant = m.slots[1].occupant;
            // The reset is played only when the losers-bracket winner takes the first final.
            r.skipped = outcome != Outcome::Winner(Side::Second);
            changed.push(reset);
        }
        changed.extend_from_slice(&touched);
        self.settle(touched, changed);
        self.pair_swiss_round_if_due(changed);
    }

    /// The grand final reset replaying this match, if there is one.
    fn reset_of(&self, id: MatchId) -> Option<MatchId> {
        let next = self.layout.matches.get(id.index() + 1)?;
        matches!(next.slots[0].source, Source::SideOf(from, _) if from == id).then_some(next.id)
    }

    /// Decides the matches among these that need no one: a player against a bye goes through
    /// (a bye against a bye passes a bye on), and a disqualified player forfeits.
    fn settle(&mut self, mut pending: Vec<MatchId>, changed: &mut Vec<MatchId>) {
        while let Some(id) = pending.pop() {
            let m = &self.layout.matches[id.index()];
            if m.outcome.is_some() || m.skipped {
                continue;
            }
            let [a, b] = [m.slots[0].occupant, m.slots[1].occupant];
            let (side, decision) = match (a, b) {
                (Occupant::Pending, _) | (_, Occupant::Pending) => continue,
                (Occupant::Bye, Occupant::Player(_)) => (Side::Second, Decision::Bye),
                (_, Occupant::Bye) => (Side::First, Decision::Bye),
                (Occupant::Player(p), Occupant::Player(q)) => {
                    match (self.disqualified[p.index()], self.disqualified[q.index()]) {
                        (false, false) => continue,
                        (true, false) => (Side::Second, Decision::Forfeit),
                        _ => (Side::First, Decision::Forfeit),
                    }
                }
            };
            self.decide(id, Outcome::Winner(side), decision, changed);
        }
    }

    fn swiss_rounds(&self) -> usize {
        self.layout.groups.first().map_or(0, |g| g.rounds.len())
    }

    /// Pairs the next Swiss round once every match of the last one is decided.
    fn pair_swiss_round_if_due(&mut self, changed: &mut Vec<MatchId>) {
        let Format::Swiss { rounds } = self.format else {
            return;
        };
        // A round can be over as soon as it is paired (a bye alone, or nobody left to pair).
        loop {
            let paired = self.swiss_rounds();
            if paired >= rounds as usize || self.matches().iter().any(|m| m.outcome.is_none()) {
                return;
            }
            let active: Vec<bool> = self.disqualified.iter().map(|d| !d).collect();
            let duels = pair_round(&active, &self.layout.matches, paired as u32 + 1);
            let ids = self.layout.add_round(0, duels);
            changed.extend_from_slice(&ids);
            self.settle(ids, changed);
        }
    }

    /// Whether a match fed by this one has been played, looking through matches that were
    /// decided without playing (byes, forfeits). In a Swiss stage, any later round counts.
    fn later_match_played(&self, id: MatchId) -> bool {
        let m = &self.layout.matches[id.index()];
        if let Format::Swiss { .. } = self.format {
            return (m.round as usize) < self.swiss_rounds();
        }
        let next = [
            m.winner_to.map(|t| t.0),
            m.loser_to.map(|t| t.0),
            self.reset_of(id),
        ];
        next.into_iter()
            .flatten()
            .any(|n| match self.layout.matches[n.index()].outcome {
                Some((_, Decision::Played)) => true,
                Some(_) => self.later_match_played(n),
                None => false,
            })
    }
}

/// The most rounds a Swiss stage of `n` players can pair without forcing rematches on everyone:
/// everyone meets everyone once (and with an odd count everyone also rests once).
pub fn max_swiss_rounds(n: usize) -> u32 {
    (if n % 2 == 1 { n } else { n - 1 }) as u32
}
