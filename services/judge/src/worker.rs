//! The consumer loop. Reads submission ids from the stream as a member of the `judges`
//! consumer group and judges several at once. An entry is acknowledged only once its verdict is
//! recorded; while an executor outage holds it up, its task keeps it (and keeps claiming it, so
//! no other worker takes it over) and retries. Entries a dead worker left idle are claimed with
//! `XAUTOCLAIM`. A submission that keeps failing (a poison message) goes to the dead-letter
//! stream and its players are told once that it could not be judged.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use joust_common::{
    battle_events,
    execution::{ExecutionResponse, Verdict},
};
use redis::{
    AsyncCommands,
    streams::{
        StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
    },
};
use tokio::sync::{Semaphore, watch};
use uuid::Uuid;

use crate::{ExecutorError, SubmissionForJudging, TraceIds, state::JudgeState};
pub use joust_common::queue::{JUDGE_GROUP as GROUP, submissions_stream as stream_key};

/// How long one read waits for new submissions.
pub const READ_BLOCK: Duration = Duration::from_secs(2);

/// The dead-letter stream.
pub fn dead_letter_key(prefix: &str) -> String {
    format!("{prefix}judge:dead-letter")
}

/// Creates the consumer group (and the stream) if it does not exist yet.
pub async fn ensure_group(
    redis: &mut redis::aio::ConnectionManager,
    stream: &str,
) -> redis::RedisResult<()> {
    let created: redis::RedisResult<()> = redis.xgroup_create_mkstream(stream, GROUP, "0").await;
    match created {
        Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
        other => other,
    }
}

/// Runs until `stop` turns true; in-flight judging finishes its current attempt first.
pub async fn run(
    state: JudgeState,
    mut redis: redis::aio::ConnectionManager,
    mut stop: watch::Receiver<bool>,
) {
    let stream = stream_key(&state.redis_prefix);
    let slots = Arc::new(Semaphore::new(state.concurrency.max(1)));
    let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    while !*stop.borrow() {
        while tasks.try_join_next().is_some() {}
        let free = slots.available_permits();
        if free == 0 {
            tokio::select! {
                _ = stop.changed() => {}
                _ = tasks.join_next() => {}
            }
            continue;
        }
        let batch = tokio::select! {
            _ = stop.changed() => break,
            batch = next_batch(&mut redis, &stream, &state.consumer, state.claim_idle, free) => batch,
        };
        match batch {
            Ok(entries) => {
                for (entry_id, submission_id) in entries {
                    if !in_flight
                        .lock()
                        .expect("lock is never poisoned")
                        .insert(entry_id.clone())
                    {
                        continue;
                    }
                    let permit = slots
                        .clone()
                        .acquire_owned()
                        .await
                        .expect("the semaphore is never closed");
                    let (state, stop, in_flight) = (state.clone(), stop.clone(), in_flight.clone());
                    tasks.spawn(async move {
                        handle_entry(&state, &entry_id, submission_id, stop).await;
                        in_flight
                            .lock()
                            .expect("lock is never poisoned")
                            .remove(&entry_id);
                        drop(permit);
                    });
                }
            }
            Err(e) if e.code() == Some("NOGROUP") => {
                // The stream or its group is gone (Redis lost its data, or the key was deleted):
                // recreate them from the start of whatever the stream now holds.
                tracing::warn!("the submissions consumer group is missing; recreating it");
                if let Err(e) = ensure_group(&mut redis, &stream).await {
                    tracing::warn!(error = %e, "recreating the consumer group failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading the submissions stream failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    while tasks.join_next().await.is_some() {}
    tracing::info!("judge worker stopped");
}

/// Entries a dead worker left idle first, then new ones.
async fn next_batch(
    redis: &mut redis::aio::ConnectionManager,
    stream: &str,
    consumer: &str,
    claim_idle: Duration,
    count: usize,
) -> redis::RedisResult<Vec<(String, Option<Uuid>)>> {
    let claimed: StreamAutoClaimReply = redis
        .xautoclaim_options(
            stream,
            GROUP,
            consumer,
            claim_idle.as_millis() as u64,
            "0-0",
            StreamAutoClaimOptions::default().count(count),
        )
        .await?;
    let entries = parse_entries(claimed.claimed);
    if !entries.is_empty() {
        return Ok(entries);
    }
    let fresh: StreamReadReply = redis
        .xread_options(
            &[stream],
            &[">"],
            &StreamReadOptions::default()
                .group(GROUP, consumer)
                .count(count)
                .block(READ_BLOCK.as_millis() as usize),
        )
        .await?;
    Ok(parse_entries(
        fresh.keys.into_iter().flat_map(|key| key.ids),
    ))
}

fn parse_entries(ids: impl IntoIterator<Item = StreamId>) -> Vec<(String, Option<Uuid>)> {
    ids.into_iter()
        .map(|entry| {
            let submission = entry
                .get::<String>("submission_id")
                .and_then(|s| Uuid::parse_str(&s).ok());
            (entry.id, submission)
        })
        .collect()
}

/// What one attempt at a submission came to.
enum Attempt {
    /// Nothing more to do with the entry; the label is the metric outcome.
    Done(&'static str),
    /// An executor outage: wait and retry, the submission is not at fault.
    Outage(ExecutorError),
    /// Something else failed (a server error, the database): retry, counting the attempt.
    Failed(String),
}

async fn handle_entry(
    state: &JudgeState,
    entry_id: &str,
    submission_id: Option<Uuid>,
    mut stop: watch::Receiver<bool>,
) {
    let stream = stream_key(&state.redis_prefix);
    let mut redis = state.redis.clone();
    let Some(submission_id) = submission_id else {
        tracing::error!(entry_id, "malformed stream entry; acknowledging it");
        state
            .metrics
            .attempts
            .with_label_values(&["malformed"])
            .inc();
        let _: redis::RedisResult<i64> = redis.xack(&stream, GROUP, &[entry_id]).await;
        return;
    };
    let started = Instant::now();
    loop {
        let attempt =
            with_heartbeat(state, entry_id, judge_once(state, submission_id, started)).await;
        match attempt {
            Attempt::Done(outcome) => {
                state.metrics.attempts.with_label_values(&[outcome]).inc();
                let acked: redis::RedisResult<i64> = redis.xack(&stream, GROUP, &[entry_id]).await;
                if let Err(e) = acked {
                    tracing::warn!(error = %e, %submission_id, "acknowledging failed; a redelivery will change nothing");
                }
                return;
            }
            Attempt::Outage(e) => {
                state.metrics.attempts.with_label_values(&["delayed"]).inc();
                tracing::info!(error = %e, %submission_id, "judging delayed by an executor outage");
            }
            Attempt::Failed(e) => {
                state.metrics.attempts.with_label_values(&["failed"]).inc();
                tracing::warn!(error = %e, %submission_id, "judging attempt failed; will retry");
            }
        }
        tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => return,
            () = tokio::time::sleep(state.retry_delay) => {}
        }
    }
}

/// Runs `work` while periodically re-claiming the entry, so that a long judging or an outage
/// does not make it look abandoned to other workers.
async fn with_heartbeat<T>(
    state: &JudgeState,
    entry_id: &str,
    work: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(work);
    let period = (state.claim_idle / 3).max(Duration::from_millis(100));
    let mut redis = state.redis.clone();
    loop {
        tokio::select! {
            result = &mut work => return result,
            () = tokio::time::sleep(period) => {
                let claimed: redis::RedisResult<redis::Value> = redis::cmd("XCLAIM")
                    .arg(stream_key(&state.redis_prefix))
                    .arg(GROUP)
                    .arg(&state.consumer)
                    .arg(0)
                    .arg(entry_id)
                    .arg("JUSTID")
                    .query_async(&mut redis)
                    .await;
                if let Err(e) = claimed {
                    tracing::warn!(error = %e, entry_id, "refreshing the claim failed");
                }
            }
        }
    }
}

#[tracing::instrument(skip_all, fields(
    submission_id = %submission_id,
    battle_id = tracing::field::Empty,
    user_id = tracing::field::Empty,
))]
async fn judge_once(state: &JudgeState, submission_id: Uuid, started: Instant) -> Attempt {
    let submission = match crate::load_submission(&state.pool, submission_id).await {
        Ok(Some(submission)) => {
            let span = tracing::Span::current();
            span.record("battle_id", tracing::field::display(submission.battle_id));
            span.record("user_id", tracing::field::display(submission.user_id));
            submission
        }
        Ok(None) => {
            tracing::error!("submission not found; dropping the entry");
            return Attempt::Done("missing");
        }
        Err(e) => return Attempt::Failed(e.to_string()),
    };
    if submission.already_judged {
        return Attempt::Done("duplicate");
    }
    let attempts = match crate::apply::record_attempt(&state.pool, submission_id).await {
        Ok(Some(attempts)) => attempts,
        Ok(None) => return Attempt::Done("duplicate"),
        Err(e) => return Attempt::Failed(e.to_string()),
    };
    if attempts > state.max_attempts {
        return dead_letter(state, &submission, attempts, "too many failed attempts").await;
    }
    let trace = TraceIds {
        submission_id: Some(submission.id),
        battle_id: Some(submission.battle_id),
        user_id: Some(submission.user_id),
    };
    match state.executors.execute(&submission.request, &trace).await {
        Ok(response) => record(state, &submission, &response, started).await,
        Err(e) if e.is_outage() => {
            if let Err(db) = crate::apply::refund_attempt(&state.pool, submission_id).await {
                return Attempt::Failed(db.to_string());
            }
            match crate::apply::mark_delayed(&state.pool, &submission, state.executors.retry_in())
                .await
            {
                Ok(Some(event)) => {
                    let players = &submission.players;
                    battle_events::publish(
                        state.redis.clone(),
                        &state.redis_prefix,
                        players,
                        &[event],
                    )
                    .await;
                }
                Ok(None) => {}
                Err(db) => return Attempt::Failed(db.to_string()),
            }
            Attempt::Outage(e)
        }
        // The executor refuses this request as such: retrying cannot help.
        Err(e @ ExecutorError::Rejected { .. }) => {
            dead_letter(state, &submission, attempts, &e.to_string()).await
        }
        Err(e) => Attempt::Failed(e.to_string()),
    }
}

async fn record(
    state: &JudgeState,
    submission: &SubmissionForJudging,
    response: &ExecutionResponse,
    started: Instant,
) -> Attempt {
    let events = match crate::apply_verdict(&state.pool, submission, response).await {
        Ok(events) => events,
        Err(e) => return Attempt::Failed(e.to_string()),
    };
    if events.is_empty() {
        return Attempt::Done("duplicate");
    }
    let players = &submission.players;
    battle_events::publish(state.redis.clone(), &state.redis_prefix, players, &events).await;
    state
        .metrics
        .judge_duration
        .with_label_values(&[response.verdict.as_str()])
        .observe(started.elapsed().as_secs_f64());
    tracing::info!(verdict = %response.verdict, "submission judged");
    Attempt::Done("judged")
}

/// Parks the submission on the dead-letter stream and records an internal-error verdict, which
/// tells its players once.
async fn dead_letter(
    state: &JudgeState,
    submission: &SubmissionForJudging,
    attempts: i32,
    reason: &str,
) -> Attempt {
    tracing::error!(submission.id = %submission.id, attempts, reason, "dead-lettering a submission");
    let mut redis = state.redis.clone();
    let parked: redis::RedisResult<String> = redis::cmd("XADD")
        .arg(dead_letter_key(&state.redis_prefix))
        .arg("*")
        .arg("submission_id")
        .arg(submission.id.to_string())
        .arg("attempts")
        .arg(attempts)
        .arg("reason")
        .arg(reason)
        .query_async(&mut redis)
        .await;
    if let Err(e) = parked {
        return Attempt::Failed(e.to_string());
    }
    let response = ExecutionResponse {
        verdict: Verdict::IE,
        compile_output: None,
        tests: vec![],
    };
    match record(state, submission, &response, Instant::now()).await {
        Attempt::Done(_) => Attempt::Done("dead_lettered"),
        other => other,
    }
}
