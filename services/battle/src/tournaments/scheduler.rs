//! The tournament scheduler every battle instance runs: each `JOUST_TOURNAMENT_TICK_MS` it
//!
//! 1. applies the results of finished tournament battles to their brackets (`results`), so the
//!    matches they complete are known before the next steps look;
//! 2. tells the players of matches due within `JOUST_TOURNAMENT_NOTICE_MS` that their match is
//!    coming (`notices`);
//! 3. turns every due match into its battle, once however many instances try (`launch`);
//! 4. forfeits players who did not show up within `JOUST_TOURNAMENT_NO_SHOW_GRACE_MS` of their
//!    battle's start (`attendance`).
//!
//! Every step reads and writes PostgreSQL only (plus the lock and presence in Redis), each
//! change in its own transaction, so instances can run it at once and any of them can be
//! killed at any moment: what one did not finish, the next tick of any instance does. A failed
//! step is logged, counted, and tried again on the next tick.

use std::future::Future;

use joust_common::metrics::{counter, counter_vec, histogram};
use prometheus::{Histogram, IntCounter, IntCounterVec, Registry, exponential_buckets};

use super::{TournamentSettings, attendance, launch, notices, results};
use crate::{AppState, error::ApiError, state::Io};

/// One of the scheduler's steps, as its metrics name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Results,
    Notices,
    Launch,
    Attendance,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Results, Step::Notices, Step::Launch, Step::Attendance];

    /// The `step` label of the failure counter.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Results => "results",
            Step::Notices => "notices",
            Step::Launch => "launch",
            Step::Attendance => "attendance",
        }
    }

    /// The `handler` label of `handler_duration_seconds`.
    fn handler(self) -> &'static str {
        match self {
            Step::Results => "tournament_scheduler:results",
            Step::Notices => "tournament_scheduler:notices",
            Step::Launch => "tournament_scheduler:launch",
            Step::Attendance => "tournament_scheduler:attendance",
        }
    }
}

/// The scheduler's own metrics; each step's duration is in `handler_duration_seconds`.
#[derive(Clone)]
pub struct SchedulerMetrics {
    /// Battles this instance created for tournament matches.
    pub started: IntCounter,
    /// From a match's `scheduled_at` to its battle's creation.
    pub start_lag: Histogram,
    /// Steps (or one match's launch) that failed, by step.
    pub failures: IntCounterVec,
    /// `tournament:match` notices sent (one per match, to both players).
    pub notices: IntCounter,
    /// Battles ended for no-shows: `one` player absent (forfeit) or `both` (draw).
    pub no_shows: IntCounterVec,
    /// Finished battles applied to their bracket (`applied`), or refused by it (`refused`: the
    /// organizer decided the match meanwhile, or the tournament was cancelled).
    pub results: IntCounterVec,
}

impl SchedulerMetrics {
    pub fn new(registry: &Registry) -> Self {
        let failures = counter_vec(
            registry,
            "tournament_scheduler_failures_total",
            "Tournament scheduler steps that failed (retried on the next tick), by step.",
            &["step"],
        );
        for step in Step::ALL {
            failures.with_label_values(&[step.as_str()]);
        }
        let no_shows = counter_vec(
            registry,
            "tournament_no_shows_total",
            "Tournament battles ended because players did not show up: one (forfeit) or both (draw).",
            &["absent"],
        );
        let results = counter_vec(
            registry,
            "tournament_results_total",
            "Finished tournament battles taken from the outbox: applied to the bracket, or refused by it.",
            &["result"],
        );
        for (counter, labels) in [
            (&no_shows, ["one", "both"]),
            (&results, ["applied", "refused"]),
        ] {
            for label in labels {
                counter.with_label_values(&[label]);
            }
        }
        Self {
            started: counter(
                registry,
                "tournament_matches_started_total",
                "Battles created by this instance for due tournament matches.",
            ),
            start_lag: histogram(
                registry,
                "tournament_match_start_lag_seconds",
                "Time from a tournament match's scheduled time to the creation of its battle.",
                exponential_buckets(0.01, 2.0, 17).expect("static bucket parameters are valid"),
            ),
            failures,
            notices: counter(
                registry,
                "tournament_notices_sent_total",
                "Matches whose players were sent tournament:match.",
            ),
            no_shows,
            results,
        }
    }
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    /// Finished battles taken from the outbox.
    pub results: usize,
    /// Matches whose players were told.
    pub notices: usize,
    /// Battles this instance created.
    pub started: usize,
    /// Battles ended for no-shows.
    pub no_shows: usize,
}

/// The scheduler of one instance. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    pub(super) state: AppState,
    pub(super) io: Io,
    pub(super) settings: TournamentSettings,
    pub(super) metrics: SchedulerMetrics,
}

impl Scheduler {
    /// A scheduler over `state`, its metrics registered in `registry`.
    pub fn new(state: AppState, io: Io, settings: TournamentSettings, registry: &Registry) -> Self {
        Self {
            state,
            io,
            settings,
            metrics: SchedulerMetrics::new(registry),
        }
    }

    pub fn metrics(&self) -> &SchedulerMetrics {
        &self.metrics
    }

    /// Ticks every `JOUST_TOURNAMENT_TICK_MS` until the task is dropped.
    pub async fn run(self) {
        let mut interval = tokio::time::interval(self.settings.tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            self.tick().await;
        }
    }

    /// One pass of every step, in order; a failed step is logged and counted.
    pub async fn tick(&self) -> Tick {
        Tick {
            results: self.step(Step::Results, results::apply(self)).await,
            notices: self.step(Step::Notices, notices::send(self)).await,
            started: self.step(Step::Launch, launch::start_due(self)).await,
            no_shows: self.step(Step::Attendance, attendance::check(self)).await,
        }
    }

    async fn step(&self, step: Step, work: impl Future<Output = Result<usize, ApiError>>) -> usize {
        let _timer = self
            .state
            .metrics
            .handler_duration
            .with_label_values(&[step.handler()])
            .start_timer();
        match work.await {
            Ok(done) => done,
            Err(e) => {
                self.failed(step, &e);
                0
            }
        }
    }

    /// Counts and logs a failure of `step`.
    pub(super) fn failed(&self, step: Step, e: &ApiError) {
        self.metrics
            .failures
            .with_label_values(&[step.as_str()])
            .inc();
        tracing::warn!(
            step = step.as_str(),
            error = format!("{e:#}"),
            "tournament scheduler step failed"
        );
    }
}
