//! Judging one stream entry until it is settled: each attempt, what a failed call leads to (see
//! `failure`), the verdict, the dead-letter stream, and finally acknowledging the entry and
//! deleting it from the stream. While an outage or backpressure holds a submission up, its task
//! keeps the entry (and keeps claiming it, so no other worker takes it over) and retries.

use std::time::{Duration, Instant};

use joust_common::{
    battle_events::{self, COMPILE_OUTPUT_EVENT, PrivateMessage},
    execution::{ExecutionResponse, Verdict},
};
use serde_json::json;
use tokio::sync::watch;
use uuid::Uuid;

use crate::{
    ExecutorError, SubmissionForJudging, TraceIds, failure::Disposition, state::JudgeState,
};
use joust_common::queue::{JUDGE_GROUP as GROUP, submissions_stream as stream_key};

/// Entries kept on the dead-letter stream (approximately; the oldest go first).
const DEAD_LETTER_MAX_LEN: usize = 10_000;

/// The dead-letter stream.
pub fn dead_letter_key(prefix: &str) -> String {
    format!("{prefix}judge:dead-letter")
}

/// How often entries this worker holds are claimed again, well within `claim_idle`.
pub fn claim_refresh_period(claim_idle: Duration) -> Duration {
    (claim_idle / 3).max(Duration::from_millis(100))
}

/// Resets the idle time of entries this worker holds on `stream` for `group`, so no other
/// worker claims them (the submissions stream and the runs stream alike).
pub async fn keep_claimed(state: &JudgeState, stream: &str, group: &str, entry_ids: &[String]) {
    if entry_ids.is_empty() {
        return;
    }
    let mut redis = state.redis.clone();
    let claimed: redis::RedisResult<redis::Value> = redis::cmd("XCLAIM")
        .arg(stream)
        .arg(group)
        .arg(&state.consumer)
        .arg(0)
        .arg(entry_ids)
        .arg("JUSTID")
        .query_async(&mut redis)
        .await;
    if let Err(e) = claimed {
        tracing::warn!(error = %e, stream, "refreshing claims failed");
    }
}

/// Runs `work` while periodically re-claiming `entry_id` on `stream`, so that a long judging
/// or an outage does not make it look abandoned to other workers.
pub async fn with_claim<T>(
    state: &JudgeState,
    (stream, group): (&str, &str),
    entry_id: &str,
    work: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(work);
    let period = claim_refresh_period(state.claim_idle);
    let held = [entry_id.to_owned()];
    loop {
        tokio::select! {
            result = &mut work => return result,
            () = tokio::time::sleep(period) => keep_claimed(state, stream, group, &held).await,
        }
    }
}

/// What one attempt at a submission came to.
enum Attempt {
    /// Nothing more to do with the entry; the label is the metric outcome.
    Done(&'static str),
    /// An executor outage: wait and retry, the submission is not at fault.
    Outage(ExecutorError),
    /// Every executor is saturated: retry after a growing pause, charging nothing.
    Backpressure,
    /// Something else failed (a server error, a timeout, the database): retry.
    Failed(&'static str, String),
}

/// Judges the entry until it is settled, then acknowledges and deletes it; returns early only
/// when the worker stops (the entry stays pending for another worker).
pub async fn handle_entry(
    state: &JudgeState,
    entry_id: &str,
    submission_id: Option<Uuid>,
    mut stop: watch::Receiver<bool>,
) {
    let Some(submission_id) = submission_id else {
        tracing::error!(entry_id, "malformed stream entry; acknowledging it");
        state
            .metrics
            .attempts
            .with_label_values(&["malformed"])
            .inc();
        ack_and_trim(state, entry_id).await;
        return;
    };
    let started = Instant::now();
    let mut busy_retries = 0u32;
    loop {
        let attempt = with_claim(
            state,
            (&stream_key(&state.redis_prefix), GROUP),
            entry_id,
            judge_once(state, submission_id, started),
        )
        .await;
        let pause = match attempt {
            Attempt::Done(outcome) => {
                state.metrics.attempts.with_label_values(&[outcome]).inc();
                ack_and_trim(state, entry_id).await;
                return;
            }
            Attempt::Outage(e) => {
                state.metrics.attempts.with_label_values(&["delayed"]).inc();
                tracing::info!(error = %e, %submission_id, "judging delayed by an executor outage");
                state.retry_delay
            }
            Attempt::Backpressure => {
                state
                    .metrics
                    .attempts
                    .with_label_values(&["backpressure"])
                    .inc();
                busy_retries += 1;
                backoff(
                    state.retry_delay,
                    state.backpressure_max_delay,
                    busy_retries,
                )
            }
            Attempt::Failed(outcome, e) => {
                state.metrics.attempts.with_label_values(&[outcome]).inc();
                tracing::warn!(error = %e, %submission_id, "judging attempt failed; will retry");
                state.retry_delay
            }
        };
        tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// The pause before the `retry`-th retry of a saturated executor: doubling from `base`, capped.
pub fn backoff(base: Duration, cap: Duration, retry: u32) -> Duration {
    base.saturating_mul(1 << retry.saturating_sub(1).min(16))
        .min(cap.max(base))
}

/// Acknowledges `entry_id` on `stream` for `group` and deletes it, so a stream holds only
/// entries still to do; answers how many entries were deleted.
pub async fn ack_and_delete(
    state: &JudgeState,
    (stream, group): (&str, &str),
    entry_id: &str,
) -> redis::RedisResult<i64> {
    let mut redis = state.redis.clone();
    let (_, deleted): (i64, i64) = redis::pipe()
        .cmd("XACK")
        .arg(stream)
        .arg(group)
        .arg(entry_id)
        .cmd("XDEL")
        .arg(stream)
        .arg(entry_id)
        .query_async(&mut redis)
        .await?;
    Ok(deleted)
}

/// Acknowledges the submission's entry and deletes it, counting what the stream lost.
async fn ack_and_trim(state: &JudgeState, entry_id: &str) {
    let stream = stream_key(&state.redis_prefix);
    match ack_and_delete(state, (&stream, GROUP), entry_id).await {
        Ok(deleted) => state.metrics.trimmed.inc_by(deleted.max(0) as u64),
        Err(e) => {
            tracing::warn!(error = %e, entry_id, "acknowledging failed; a redelivery will change nothing")
        }
    }
}

#[tracing::instrument(skip_all, fields(
    submission_id = %submission_id,
    battle_id = tracing::field::Empty,
    user_id = tracing::field::Empty,
))]
async fn judge_once(state: &JudgeState, submission_id: Uuid, started: Instant) -> Attempt {
    let failed = |e: sqlx::Error| Attempt::Failed("failed", e.to_string());
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
        Err(e) => return failed(e),
    };
    if submission.already_judged {
        return Attempt::Done("duplicate");
    }
    let attempts = match crate::apply::record_attempt(&state.pool, submission_id).await {
        Ok(Some(attempts)) => attempts,
        Ok(None) => return Attempt::Done("duplicate"),
        Err(e) => return failed(e),
    };
    if attempts > state.max_attempts {
        let reason = "too many failed attempts";
        return dead_letter(state, &submission, Verdict::IE, attempts, reason).await;
    }
    let trace = TraceIds {
        submission_id: Some(submission.id),
        battle_id: Some(submission.battle_id),
        user_id: Some(submission.user_id),
    };
    let error = match state.executors.execute(&submission.request, &trace).await {
        Ok(response) => return record(state, &submission, &response, started).await,
        Err(e) => e,
    };
    let disposition = Disposition::of(&error);
    if matches!(disposition, Disposition::Outage | Disposition::Backpressure)
        && let Err(e) = crate::apply::refund_attempt(&state.pool, submission_id).await
    {
        return failed(e);
    }
    // The one place a wait becomes a battle extension: `mark_delayed` sets what
    // `apply_verdict` extends the battle by.
    if disposition.extends_battle() {
        let retry_in = state.executors.retry_in();
        match crate::apply::mark_delayed(&state.pool, &submission, retry_in).await {
            Ok(Some(event)) => {
                let (redis, prefix) = (state.redis.clone(), &state.redis_prefix);
                battle_events::publish(redis, prefix, &submission.players, &[event]).await;
            }
            Ok(None) => {}
            Err(e) => return failed(e),
        }
    }
    match disposition {
        Disposition::Outage => Attempt::Outage(error),
        Disposition::Backpressure => Attempt::Backpressure,
        Disposition::SubmissionTimeout => timed_out(state, &submission).await,
        Disposition::Failed => Attempt::Failed("failed", error.to_string()),
        Disposition::Rejected => {
            dead_letter(
                state,
                &submission,
                Verdict::IE,
                attempts,
                &error.to_string(),
            )
            .await
        }
    }
}

/// Charges a timeout to the submission; past `max_timeouts` it gets TLE, the verdict of a
/// program that ran too long, and goes to the dead-letter stream.
async fn timed_out(state: &JudgeState, submission: &SubmissionForJudging) -> Attempt {
    let timeouts = match crate::apply::record_timeout(&state.pool, submission.id).await {
        Ok(Some(timeouts)) => timeouts,
        Ok(None) => return Attempt::Done("duplicate"),
        Err(e) => return Attempt::Failed("failed", e.to_string()),
    };
    state.metrics.submission_timeouts.inc();
    if timeouts >= state.max_timeouts {
        let reason = "judging timed out repeatedly";
        return dead_letter(state, submission, Verdict::TLE, timeouts, reason).await;
    }
    Attempt::Failed(
        "timed_out",
        format!("judging timed out ({timeouts} so far)"),
    )
}

async fn record(
    state: &JudgeState,
    submission: &SubmissionForJudging,
    response: &ExecutionResponse,
    started: Instant,
) -> Attempt {
    let events = match crate::apply_verdict(&state.pool, submission, response).await {
        Ok(events) => events,
        Err(e) => return Attempt::Failed("failed", e.to_string()),
    };
    if events.is_empty() {
        return Attempt::Done("duplicate");
    }
    let players = &submission.players;
    battle_events::publish(state.redis.clone(), &state.redis_prefix, players, &events).await;
    if let Some(output) = &response.compile_output {
        let message = PrivateMessage {
            user_id: submission.user_id,
            battle_id: submission.battle_id,
            event: COMPILE_OUTPUT_EVENT.to_owned(),
            data: json!({
                "battle_id": submission.battle_id,
                "submission_id": submission.id,
                "output": output,
            }),
        };
        battle_events::publish_private(state.redis.clone(), &state.redis_prefix, &message).await;
    }
    state
        .metrics
        .judge_duration
        .with_label_values(&[response.verdict.as_str()])
        .observe(started.elapsed().as_secs_f64());
    if let Some(reason) = &response.validator_error {
        // For the problem's organizers: the players see only `IE`.
        tracing::error!(validator_error = %reason, "the problem's validator failed");
    }
    tracing::info!(verdict = %response.verdict, "submission judged");
    Attempt::Done("judged")
}

/// Parks the submission on the dead-letter stream and records `verdict` (internal error, or TLE
/// for one that kept timing out), which tells its players once.
async fn dead_letter(
    state: &JudgeState,
    submission: &SubmissionForJudging,
    verdict: Verdict,
    count: i32,
    reason: &str,
) -> Attempt {
    tracing::error!(submission.id = %submission.id, count, reason, "dead-lettering a submission");
    let mut redis = state.redis.clone();
    let parked: redis::RedisResult<String> = redis::cmd("XADD")
        .arg(dead_letter_key(&state.redis_prefix))
        .arg("MAXLEN")
        .arg("~")
        .arg(DEAD_LETTER_MAX_LEN)
        .arg("*")
        .arg("submission_id")
        .arg(submission.id.to_string())
        .arg("attempts")
        .arg(count)
        .arg("reason")
        .arg(reason)
        .query_async(&mut redis)
        .await;
    if let Err(e) = parked {
        return Attempt::Failed("failed", e.to_string());
    }
    let response = ExecutionResponse {
        verdict,
        compile_output: None,
        validator_error: None,
        tests: vec![],
    };
    match record(state, submission, &response, Instant::now()).await {
        Attempt::Done(_) => Attempt::Done("dead_lettered"),
        other => other,
    }
}
