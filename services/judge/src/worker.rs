//! The consumer loop: reads submission ids from the stream as part of the `judges` consumer
//! group, judges each, and acknowledges it only after its verdict is recorded. A submission
//! whose judging fails stays pending and is retried by this worker.

use std::time::{Duration, Instant};

use joust_common::battle_events;
use redis::{
    AsyncCommands,
    streams::{
        StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
    },
};
use uuid::Uuid;

use crate::startup::JudgeState;

pub use joust_common::queue::{JUDGE_GROUP as GROUP, submissions_stream as stream_key};

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

/// How long one read waits for new submissions.
pub const READ_BLOCK: Duration = Duration::from_secs(2);

/// Runs until `stop` resolves. `redis` is a connection whose response timeout outlasts
/// [`READ_BLOCK`].
pub async fn run(
    state: JudgeState,
    mut redis: redis::aio::ConnectionManager,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let stream = stream_key(&state.redis_prefix);
    loop {
        tokio::select! {
            () = &mut stop => break,
            batch = next_batch(&mut redis, &stream, &state.consumer, state.claim_idle) => match batch {
                Ok(entries) => {
                    for (entry_id, submission_id) in entries {
                        handle_entry(&state, &stream, &entry_id, submission_id).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reading the submissions stream failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
    tracing::info!("judge worker stopped");
}

/// This consumer's pending entries first (left by a failed attempt), then entries a dead
/// worker left idle, then new ones.
async fn next_batch(
    redis: &mut redis::aio::ConnectionManager,
    stream: &str,
    consumer: &str,
    claim_idle: Duration,
) -> redis::RedisResult<Vec<(String, Option<Uuid>)>> {
    let pending: StreamReadReply = redis
        .xread_options(
            &[stream],
            &["0"],
            &StreamReadOptions::default()
                .group(GROUP, consumer)
                .count(10),
        )
        .await?;
    let mut entries = parse_entries(pending.keys.into_iter().flat_map(|key| key.ids));
    if entries.is_empty() {
        let claimed: StreamAutoClaimReply = redis
            .xautoclaim_options(
                stream,
                GROUP,
                consumer,
                claim_idle.as_millis() as u64,
                "0-0",
                StreamAutoClaimOptions::default().count(10),
            )
            .await?;
        entries = parse_entries(claimed.claimed);
    }
    if entries.is_empty() {
        let fresh: StreamReadReply = redis
            .xread_options(
                &[stream],
                &[">"],
                &StreamReadOptions::default()
                    .group(GROUP, consumer)
                    .count(10)
                    .block(READ_BLOCK.as_millis() as usize),
            )
            .await?;
        entries = parse_entries(fresh.keys.into_iter().flat_map(|key| key.ids));
    }
    Ok(entries)
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

async fn handle_entry(
    state: &JudgeState,
    stream: &str,
    entry_id: &str,
    submission_id: Option<Uuid>,
) {
    let mut redis = state.redis.clone();
    let Some(submission_id) = submission_id else {
        tracing::error!(entry_id, "malformed stream entry; acknowledging it");
        state
            .metrics
            .attempts
            .with_label_values(&["malformed"])
            .inc();
        let _: redis::RedisResult<i64> = redis.xack(stream, GROUP, &[entry_id]).await;
        return;
    };
    let started = Instant::now();
    match judge(state, submission_id).await {
        Ok(outcome) => {
            state.metrics.attempts.with_label_values(&[outcome]).inc();
            let acked: redis::RedisResult<i64> = redis.xack(stream, GROUP, &[entry_id]).await;
            if let Err(e) = acked {
                tracing::warn!(error = %e, %submission_id, "acknowledging the entry failed; it will be judged again, idempotently");
            }
        }
        Err(e) => {
            state.metrics.attempts.with_label_values(&["retry"]).inc();
            tracing::warn!(error = %e, %submission_id, elapsed_ms = started.elapsed().as_millis() as u64, "judging failed; will retry");
            tokio::time::sleep(state.retry_delay).await;
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum JudgeError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Executor(#[from] crate::ExecutorError),
}

/// Judges one submission; the outcome label says what happened.
#[tracing::instrument(skip_all, fields(submission.id = %submission_id))]
async fn judge(state: &JudgeState, submission_id: Uuid) -> Result<&'static str, JudgeError> {
    let started = Instant::now();
    let Some(submission) = crate::load_submission(&state.pool, submission_id).await? else {
        tracing::error!("submission not found; dropping the entry");
        return Ok("missing");
    };
    if submission.already_judged {
        return Ok("duplicate");
    }
    let response = state.executor.execute(&submission.request).await?;
    let events = crate::apply_verdict(&state.pool, &submission, &response).await?;
    if events.is_empty() {
        return Ok("duplicate");
    }
    let mut redis = state.redis.clone();
    if let Err(e) = battle_events::publish(
        &mut redis,
        &state.redis_prefix,
        &submission.players,
        &events,
    )
    .await
    {
        // The verdict is recorded; players catch up through `battle:resume`.
        tracing::warn!(error = %e, "publishing battle events failed");
    }
    state
        .metrics
        .judge_duration
        .with_label_values(&[response.verdict.as_str()])
        .observe(started.elapsed().as_secs_f64());
    tracing::info!(verdict = %response.verdict, "submission judged");
    Ok("judged")
}
