//! Folding a battle's event log into what the battle looks like: a pure function of the log
//! prefix, so every instance that folds the same events gets the same snapshot.

use chrono::{DateTime, Utc};
use joust_common::domain::{BattleEvent, BattleStatus, EventKind, Outcome};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A battle as the log says it is after event `last_seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BattleSnapshot {
    pub battle_id: Uuid,
    /// The last event folded in.
    pub last_seq: i64,
    pub status: BattleStatus,
    pub players: Vec<PlayerState>,
    pub starts_at: Option<DateTime<Utc>>,
    /// When the battle becomes a draw; moved by `battle.extended`. Absent for battles created
    /// before the end was part of `battle.created`.
    pub ends_at: Option<DateTime<Utc>>,
    /// The problem, once revealed by `battle.started`.
    pub problem: Option<serde_json::Value>,
    pub winner_id: Option<Uuid>,
    /// How it ended, once finished.
    pub outcome: Option<Outcome>,
}

/// One player's side of a battle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerState {
    pub id: Uuid,
    pub name: String,
    /// Submissions made so far.
    pub submissions: u32,
    /// Submissions still waiting for their verdict.
    pub pending: u32,
    /// Most hidden tests one of the player's submissions passed.
    pub best_passed_tests: u64,
    /// On a scoring problem, the best score of the player's judged submissions (`None` before
    /// the first, and on pass-fail problems): the live score of the battle. Snapshots cached
    /// before the field existed read as `None`.
    #[serde(default)]
    pub best_score: Option<f64>,
    pub verdicts: Vec<String>,
    /// False between `player.disconnected` and `player.reconnected`.
    pub connected: bool,
}

/// Why a log could not be folded.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FoldError {
    #[error("event {got} does not follow event {last}")]
    Gap { last: i64, got: i64 },
    #[error("the log does not start with battle.created")]
    NoCreation,
}

impl BattleSnapshot {
    /// Folds a whole log, from its first event.
    pub fn from_log(events: &[BattleEvent]) -> Result<Self, FoldError> {
        let (first, rest) = events.split_first().ok_or(FoldError::NoCreation)?;
        if first.kind != EventKind::BattleCreated || first.seq != 1 {
            return Err(FoldError::NoCreation);
        }
        let players = first.data["players"]
            .as_array()
            .map(|players| {
                players
                    .iter()
                    .filter_map(|p| {
                        Some(PlayerState {
                            id: p["id"].as_str()?.parse().ok()?,
                            name: p["name"].as_str().unwrap_or_default().to_owned(),
                            submissions: 0,
                            pending: 0,
                            best_passed_tests: 0,
                            best_score: None,
                            verdicts: Vec::new(),
                            connected: true,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut snapshot = Self {
            battle_id: first.battle_id,
            last_seq: first.seq,
            status: BattleStatus::Countdown,
            players,
            starts_at: timestamp(&first.data["starts_at"]),
            ends_at: timestamp(&first.data["ends_at"]),
            problem: None,
            winner_id: None,
            outcome: None,
        };
        for event in rest {
            snapshot.apply(event)?;
        }
        Ok(snapshot)
    }

    /// Folds the event that follows `last_seq`.
    pub fn apply(&mut self, event: &BattleEvent) -> Result<(), FoldError> {
        if event.seq != self.last_seq + 1 {
            return Err(FoldError::Gap {
                last: self.last_seq,
                got: event.seq,
            });
        }
        self.last_seq = event.seq;
        let data = &event.data;
        let user = data["user_id"]
            .as_str()
            .and_then(|u| u.parse::<Uuid>().ok());
        match event.kind {
            EventKind::BattleStarted => {
                self.status = BattleStatus::Running;
                self.problem = Some(data["problem"].clone());
            }
            EventKind::SubmissionReceived => {
                if let Some(player) = self.player_mut(user) {
                    player.submissions += 1;
                    player.pending += 1;
                }
            }
            EventKind::SubmissionJudged => {
                if let Some(player) = self.player_mut(user) {
                    player.pending = player.pending.saturating_sub(1);
                    let passed = data["passed_tests"].as_u64().unwrap_or(0);
                    player.best_passed_tests = player.best_passed_tests.max(passed);
                    if let Some(score) = data["score"].as_f64() {
                        player.best_score =
                            Some(player.best_score.map_or(score, |best| best.max(score)));
                    }
                    if let Some(verdict) = data["verdict"].as_str() {
                        player.verdicts.push(verdict.to_owned());
                    }
                }
            }
            EventKind::BattleExtended => {
                if let Some(ends_at) = timestamp(&data["ends_at"]) {
                    self.ends_at = Some(ends_at);
                }
            }
            EventKind::PlayerDisconnected | EventKind::PlayerReconnected => {
                let connected = event.kind == EventKind::PlayerReconnected;
                if let Some(player) = self.player_mut(user) {
                    player.connected = connected;
                }
            }
            EventKind::BattleFinished => {
                self.status = BattleStatus::Finished;
                self.winner_id = data["winner_id"].as_str().and_then(|w| w.parse().ok());
                self.outcome = data["outcome"].as_str().and_then(Outcome::parse);
            }
            // Nothing shown here changes.
            EventKind::BattleCreated | EventKind::JudgingDelayed => {}
        }
        Ok(())
    }

    fn player_mut(&mut self, user: Option<Uuid>) -> Option<&mut PlayerState> {
        let user = user?;
        self.players.iter_mut().find(|p| p.id == user)
    }

    pub fn player_ids(&self) -> Vec<Uuid> {
        self.players.iter().map(|p| p.id).collect()
    }
}

fn timestamp(value: &serde_json::Value) -> Option<DateTime<Utc>> {
    serde_json::from_value(value.clone()).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(seq: i64, kind: EventKind, data: serde_json::Value) -> BattleEvent {
        BattleEvent {
            battle_id: Uuid::nil(),
            seq,
            kind,
            at: Utc::now(),
            data,
        }
    }

    const A: &str = "00000000-0000-4000-8000-00000000000a";
    const B: &str = "00000000-0000-4000-8000-00000000000b";

    fn created() -> BattleEvent {
        event(
            1,
            EventKind::BattleCreated,
            json!({
                "players": [{ "id": A, "name": "ada" }, { "id": B, "name": "bob" }],
                "starts_at": "2026-12-01T10:00:00Z",
                "ends_at": "2026-12-01T10:30:00Z",
                "countdown_ms": 3000,
            }),
        )
    }

    #[test]
    fn a_whole_duel_folds_into_its_final_state() {
        let log = vec![
            created(),
            event(
                2,
                EventKind::BattleStarted,
                json!({ "problem": { "slug": "sum" } }),
            ),
            event(3, EventKind::SubmissionReceived, json!({ "user_id": A })),
            event(4, EventKind::SubmissionReceived, json!({ "user_id": B })),
            event(
                5,
                EventKind::SubmissionJudged,
                json!({ "user_id": A, "verdict": "WA", "passed_tests": 2 }),
            ),
            event(6, EventKind::PlayerDisconnected, json!({ "user_id": B })),
            event(
                7,
                EventKind::BattleExtended,
                json!({ "ends_at": "2026-12-01T10:31:00Z" }),
            ),
            event(8, EventKind::JudgingDelayed, json!({ "user_id": B })),
            event(
                9,
                EventKind::SubmissionJudged,
                json!({ "user_id": B, "verdict": "AC", "passed_tests": 5 }),
            ),
            event(
                10,
                EventKind::BattleFinished,
                json!({ "winner_id": B, "outcome": "accepted" }),
            ),
        ];
        let s = BattleSnapshot::from_log(&log).unwrap();
        assert_eq!(s.last_seq, 10);
        assert_eq!(s.status, BattleStatus::Finished);
        assert_eq!(s.winner_id, Some(B.parse().unwrap()));
        assert_eq!(s.outcome, Some(Outcome::Accepted));
        assert_eq!(s.problem, Some(json!({ "slug": "sum" })));
        assert_eq!(
            s.ends_at,
            Some("2026-12-01T10:31:00Z".parse().unwrap()),
            "extended"
        );
        let (a, b) = (&s.players[0], &s.players[1]);
        assert_eq!((a.name.as_str(), a.submissions, a.pending), ("ada", 1, 0));
        assert_eq!(
            (a.best_passed_tests, a.verdicts.clone()),
            (2, vec!["WA".into()])
        );
        assert_eq!((b.submissions, b.pending, b.best_passed_tests), (1, 0, 5));
        assert!(a.connected && !b.connected);
    }

    #[test]
    fn a_scoring_battle_shows_each_players_best_score() {
        let judged = |seq, user, verdict, score: Option<f64>| {
            event(
                seq,
                EventKind::SubmissionJudged,
                json!({ "user_id": user, "verdict": verdict, "passed_tests": 1,
                        "score": score, "max_score": 100.0 }),
            )
        };
        let mut log = vec![
            created(),
            event(2, EventKind::BattleStarted, json!({ "problem": {} })),
        ];
        for (seq, (user, verdict, score)) in [
            (A, "WA", Some(20.0)),
            (A, "WA", Some(70.0)),
            (A, "TLE", Some(50.0)),
            (B, "CE", None),
        ]
        .into_iter()
        .enumerate()
        {
            log.push(judged(seq as i64 + 3, user, verdict, score));
        }
        let s = BattleSnapshot::from_log(&log).unwrap();
        assert_eq!(
            s.players[0].best_score,
            Some(70.0),
            "the best, not the last"
        );
        assert_eq!(s.players[1].best_score, None, "nothing scored yet");
        let pass_fail = BattleSnapshot::from_log(&[created()]).unwrap();
        assert_eq!(pass_fail.players[0].best_score, None);
        // A snapshot cached before the field existed still reads.
        let mut old = serde_json::to_value(&s).unwrap();
        old["players"][0]
            .as_object_mut()
            .unwrap()
            .remove("best_score");
        let read: BattleSnapshot = serde_json::from_value(old).unwrap();
        assert_eq!(read.players[0].best_score, None);
    }

    #[test]
    fn folding_step_by_step_equals_folding_the_log() {
        let log = vec![
            created(),
            event(2, EventKind::BattleStarted, json!({ "problem": {} })),
            event(3, EventKind::SubmissionReceived, json!({ "user_id": A })),
        ];
        let mut stepwise = BattleSnapshot::from_log(&log[..1]).unwrap();
        assert_eq!(stepwise.status, BattleStatus::Countdown);
        for e in &log[1..] {
            stepwise.apply(e).unwrap();
        }
        assert_eq!(stepwise, BattleSnapshot::from_log(&log).unwrap());
        assert_eq!(stepwise.players[0].pending, 1);
    }

    #[test]
    fn a_gap_or_a_headless_log_is_refused() {
        let mut s = BattleSnapshot::from_log(&[created()]).unwrap();
        let skipped = event(3, EventKind::BattleStarted, json!({}));
        assert_eq!(s.apply(&skipped), Err(FoldError::Gap { last: 1, got: 3 }));
        assert_eq!(s.last_seq, 1, "a refused event changes nothing");
        assert_eq!(
            BattleSnapshot::from_log(&[event(2, EventKind::BattleStarted, json!({}))]),
            Err(FoldError::NoCreation)
        );
        assert_eq!(BattleSnapshot::from_log(&[]), Err(FoldError::NoCreation));
    }
}
