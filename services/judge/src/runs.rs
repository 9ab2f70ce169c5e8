//! Practice runs, served after submissions. A reader takes one entry at a time from the runs
//! stream (as the consumer group `judges-runs`), and only when the worker says it has a free
//! slot and nothing of its own waiting, and no submission waits undelivered in the submissions
//! stream; the worker starts the run in that slot (see `worker`). A run's result goes to Redis
//! (`joust_common::runs`) and to its owner's sockets alone; it is never written to PostgreSQL
//! and changes nothing in the battle. Its entry is acknowledged and deleted only once its
//! result is stored, so a judge that dies mid-run leaves it to be claimed by another.

use std::time::Duration;

use joust_common::{
    battle_events::{self, PrivateMessage},
    execution::{ExecutionResponse, Verdict},
    queue::submissions_stream,
    runs::{self, RUN_FINISHED_EVENT, RUNS_GROUP, RunRecord, RunRequest, runs_stream},
};
use redis::{
    AsyncCommands,
    streams::{
        StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
    },
};
use tokio::sync::{mpsc, watch};

use crate::{
    Disposition, TraceIds,
    attempt::{ack_and_delete, claim_refresh_period, keep_claimed, with_claim},
    state::JudgeState,
};

/// How often an idle reader looks for runs (its reads do not block: it shares the judge's
/// Redis connection).
const POLL: Duration = Duration::from_millis(250);

/// A run read from the stream, waiting for a slot.
#[derive(Debug)]
pub struct RunEntry {
    pub entry_id: String,
    /// `None` for an entry that cannot be read: acknowledged and dropped.
    pub request: Option<RunRequest>,
}

/// Runs handed to the worker, one at a time, while it wants them.
pub struct RunFeed {
    runs: mpsc::Receiver<RunEntry>,
    want: watch::Sender<bool>,
}

impl RunFeed {
    /// Starts the reader; it stops with `stop`.
    pub fn start(state: JudgeState, stop: watch::Receiver<bool>) -> Self {
        let (tx, runs) = mpsc::channel(1);
        let (want, wanted) = watch::channel(false);
        tokio::spawn(read_loop(state, tx, wanted, stop));
        Self { runs, want }
    }

    /// Tells the reader whether the worker could start a run now.
    pub fn want(&self, free: bool) {
        self.want
            .send_if_modified(|w| std::mem::replace(w, free) != free);
    }

    /// The next run read.
    pub async fn next(&mut self) -> Option<RunEntry> {
        self.runs.recv().await
    }
}

/// Creates the runs stream's consumer group if it does not exist yet.
pub async fn ensure_group(
    redis: &mut redis::aio::ConnectionManager,
    prefix: &str,
) -> redis::RedisResult<()> {
    let created: redis::RedisResult<()> = redis
        .xgroup_create_mkstream(runs_stream(prefix), RUNS_GROUP, "0")
        .await;
    match created {
        Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
        other => other,
    }
}

async fn read_loop(
    state: JudgeState,
    runs: mpsc::Sender<RunEntry>,
    mut wanted: watch::Receiver<bool>,
    mut stop: watch::Receiver<bool>,
) {
    let mut redis = state.redis.clone();
    if let Err(e) = ensure_group(&mut redis, &state.redis_prefix).await {
        tracing::warn!(error = %e, "creating the runs consumer group failed");
    }
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            w = wanted.wait_for(|w| *w) => if w.is_err() { return },
        }
        let entry = match next_run(&state, &mut redis).await {
            Ok(Some(entry)) => entry,
            Ok(None) => {
                tokio::time::sleep(POLL).await;
                continue;
            }
            Err(e) => {
                if e.code() == Some("NOGROUP") {
                    let _ = ensure_group(&mut redis, &state.redis_prefix).await;
                } else {
                    tracing::warn!(error = %e, "reading the runs stream failed");
                }
                tokio::time::sleep(POLL).await;
                continue;
            }
        };
        let entry_id = entry.entry_id.clone();
        if runs.send(entry).await.is_err() {
            return;
        }
        // Until the worker takes it, keep the entry from looking abandoned to other judges.
        let period = claim_refresh_period(state.claim_idle);
        while runs.capacity() == 0 && !*stop.borrow() {
            tokio::time::sleep(period).await;
            if runs.capacity() == 0 {
                keep_claimed(
                    &state,
                    &runs_stream(&state.redis_prefix),
                    RUNS_GROUP,
                    std::slice::from_ref(&entry_id),
                )
                .await;
            }
        }
    }
}

/// One run: an entry a dead judge left first, else a new one; nothing while a submission
/// waits undelivered.
async fn next_run(
    state: &JudgeState,
    redis: &mut redis::aio::ConnectionManager,
) -> redis::RedisResult<Option<RunEntry>> {
    if submissions_waiting(state, redis).await? > 0 {
        return Ok(None);
    }
    let stream = runs_stream(&state.redis_prefix);
    let claimed: StreamAutoClaimReply = redis
        .xautoclaim_options(
            &stream,
            RUNS_GROUP,
            &state.consumer,
            state.claim_idle.as_millis() as u64,
            "0-0",
            StreamAutoClaimOptions::default().count(1),
        )
        .await?;
    if let Some(entry) = claimed.claimed.into_iter().next() {
        return Ok(Some(parse(entry)));
    }
    let fresh: StreamReadReply = redis
        .xread_options(
            &[&stream],
            &[">"],
            &StreamReadOptions::default()
                .group(RUNS_GROUP, &state.consumer)
                .count(1),
        )
        .await?;
    Ok(fresh
        .keys
        .into_iter()
        .flat_map(|key| key.ids)
        .next()
        .map(parse))
}

/// Submissions in their stream that no judge has been given yet (acknowledged entries are
/// deleted, so the stream's length less the pending ones).
async fn submissions_waiting(
    state: &JudgeState,
    redis: &mut redis::aio::ConnectionManager,
) -> redis::RedisResult<i64> {
    let stream = submissions_stream(&state.redis_prefix);
    type PendingSummary = (i64, Option<String>, Option<String>, redis::Value);
    let (length, (pending, ..)): (i64, PendingSummary) = redis::pipe()
        .cmd("XLEN")
        .arg(&stream)
        .cmd("XPENDING")
        .arg(&stream)
        .arg(joust_common::queue::JUDGE_GROUP)
        .query_async(redis)
        .await?;
    Ok(length - pending)
}

fn parse(entry: StreamId) -> RunEntry {
    let request = entry
        .get::<String>("run")
        .and_then(|body| serde_json::from_str(&body).ok());
    RunEntry {
        entry_id: entry.id,
        request,
    }
}

/// Runs the entry until it has a result, stores and sends it, then acknowledges the entry;
/// returns early only when the worker stops (the entry stays pending for another judge).
pub async fn handle(state: &JudgeState, entry: RunEntry, mut stop: watch::Receiver<bool>) {
    let Some(request) = entry.request else {
        tracing::error!(
            entry_id = entry.entry_id,
            "malformed run entry; acknowledging it"
        );
        state.metrics.runs.with_label_values(&["malformed"]).inc();
        ack(state, &entry.entry_id).await;
        return;
    };
    let span = tracing::info_span!("run", run_id = %request.run_id, battle_id = %request.battle_id, user_id = %request.user_id);
    let _timer = state.metrics.run_duration.start_timer();
    let mut failures = 0;
    loop {
        let attempt = tracing::Instrument::instrument(
            with_claim(
                state,
                (&runs_stream(&state.redis_prefix), RUNS_GROUP),
                &entry.entry_id,
                run_once(state, &request),
            ),
            span.clone(),
        )
        .await;
        let pause = match attempt {
            Ok(response) => {
                finish(state, &request, &response).await;
                ack(state, &entry.entry_id).await;
                return;
            }
            Err(RunFailure::Counted(e)) if failures + 1 >= state.max_attempts => {
                tracing::warn!(parent: &span, error = %e, "run failed repeatedly; answering IE");
                let response = ExecutionResponse {
                    verdict: Verdict::IE,
                    compile_output: None,
                    validator_error: None,
                    tests: vec![],
                };
                finish(state, &request, &response).await;
                ack(state, &entry.entry_id).await;
                return;
            }
            Err(RunFailure::Counted(e)) => {
                failures += 1;
                tracing::info!(parent: &span, error = %e, "run attempt failed; will retry");
                state.retry_delay
            }
            Err(RunFailure::Wait(e)) => {
                tracing::info!(parent: &span, error = %e, "run delayed by the executors");
                state.retry_delay
            }
        };
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

enum RunFailure {
    /// Outage or backpressure: wait, charging nothing.
    Wait(String),
    /// Anything else: retry up to the judge's `max_attempts`.
    Counted(String),
}

async fn run_once(
    state: &JudgeState,
    request: &RunRequest,
) -> Result<ExecutionResponse, RunFailure> {
    let execution = crate::run_request::execution_request(state, request)
        .await
        .map_err(|e| RunFailure::Counted(e.to_string()))?;
    let Some(execution) = execution else {
        // The battle is gone: nothing to run against.
        return Ok(ExecutionResponse {
            verdict: Verdict::IE,
            compile_output: None,
            validator_error: None,
            tests: vec![],
        });
    };
    let trace = TraceIds {
        submission_id: None,
        battle_id: Some(request.battle_id),
        user_id: Some(request.user_id),
    };
    state
        .executors
        .execute(&execution, &trace)
        .await
        .map_err(|e| match Disposition::of(&e) {
            Disposition::Outage | Disposition::Backpressure => RunFailure::Wait(e.to_string()),
            _ => RunFailure::Counted(e.to_string()),
        })
}

/// Stores the result for its owner and sends it to the owner's sockets on every instance.
async fn finish(state: &JudgeState, request: &RunRequest, response: &ExecutionResponse) {
    let record = RunRecord::finished(request, response);
    let mut redis = state.redis.clone();
    if let Err(e) = runs::store(&mut redis, &state.redis_prefix, &record).await {
        tracing::warn!(error = %e, run.id = %request.run_id, "storing a run's result failed");
    }
    let message = PrivateMessage {
        user_id: request.user_id,
        battle_id: request.battle_id,
        event: RUN_FINISHED_EVENT.to_owned(),
        data: serde_json::to_value(&record).expect("run records serialize"),
    };
    battle_events::publish_private(state.redis.clone(), &state.redis_prefix, &message).await;
    let outcome = if record.verdict.is_none() {
        "ran"
    } else {
        response.verdict.as_str()
    };
    state.metrics.runs.with_label_values(&[outcome]).inc();
    tracing::info!(run.id = %request.run_id, verdict = %response.verdict, "run finished");
}

async fn ack(state: &JudgeState, entry_id: &str) {
    let stream = runs_stream(&state.redis_prefix);
    let done = ack_and_delete(state, (&stream, RUNS_GROUP), entry_id).await;
    if let Err(e) = done {
        tracing::warn!(error = %e, entry_id, "acknowledging a run failed; it may run again");
    }
}
