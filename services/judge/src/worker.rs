//! The consumer loop. A reader task takes submission ids from the stream as a member of the
//! `judges` consumer group (entries a dead worker left idle first, with `XAUTOCLAIM`, then new
//! ones) into a bounded window; the scheduler starts judging from that window fairly between
//! users (see `fair`) as judging slots free up. Waiting entries stay claimed by this worker. An
//! entry is acknowledged, and deleted from the stream, only once its verdict is recorded (see
//! `attempt`).

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use redis::AsyncCommands;
use redis::streams::{
    StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
};
use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use uuid::Uuid;

pub use crate::attempt::dead_letter_key;
use crate::{
    attempt::{claim_refresh_period, keep_claimed},
    fair::{Backlog, Waiting},
    runs::RunFeed,
    state::JudgeState,
};
pub use joust_common::queue::{JUDGE_GROUP as GROUP, submissions_stream as stream_key};

/// How long one read waits for new submissions.
pub const READ_BLOCK: Duration = Duration::from_secs(2);

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

/// Resolves once `stop` turns true (holding no borrow of it afterwards).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// An entry read from the stream, holding its place in the window.
type Read = (String, Option<Uuid>, OwnedSemaphorePermit);

/// Runs until `stop` turns true; in-flight judging finishes its current attempt first.
pub async fn run(
    state: JudgeState,
    stream_redis: redis::aio::ConnectionManager,
    mut stop: watch::Receiver<bool>,
) {
    let slots = state.concurrency.max(1);
    let window = Arc::new(Semaphore::new(state.fair_window.max(slots)));
    let (reads, mut read) = mpsc::unbounded_channel();
    let reader = tokio::spawn(read_loop(
        state.clone(),
        stream_redis,
        window,
        reads,
        stop.clone(),
    ));
    let mut backlog: Backlog<OwnedSemaphorePermit> = Backlog::default();
    let mut running: HashSet<String> = HashSet::new();
    let mut tasks = tokio::task::JoinSet::new();
    // Practice runs take a slot only when no submission waits (see `runs`).
    let mut runs = RunFeed::start(state.clone(), stop.clone());
    let mut run_tasks = tokio::task::JoinSet::new();
    let mut refresh = tokio::time::interval(claim_refresh_period(state.claim_idle));
    loop {
        while tasks.len() + run_tasks.len() < slots
            && let Some(entry) = backlog.take_next()
        {
            running.insert(entry.entry_id.clone());
            let (state, stop) = (state.clone(), stop.clone());
            tasks.spawn(async move {
                crate::attempt::handle_entry(&state, &entry.entry_id, entry.submission_id, stop)
                    .await;
                (entry.entry_id, entry.user_id)
            });
        }
        let free_for_run =
            backlog.is_empty() && read.is_empty() && tasks.len() + run_tasks.len() < slots;
        runs.want(free_for_run);
        tokio::select! {
            () = stopped(&mut stop) => break,
            Some(run) = runs.next(), if free_for_run => {
                let (state, stop) = (state.clone(), stop.clone());
                run_tasks.spawn(async move { crate::runs::handle(&state, run, stop).await });
            }
            Some(_) = run_tasks.join_next() => {}
            Some(batch) = read.recv() => {
                let batch: Vec<Read> = batch
                    .into_iter()
                    .filter(|(id, _, _)| !running.contains(id) && !backlog.contains(id))
                    .collect();
                let users = users_of(&state.pool, &batch).await;
                for (entry_id, submission_id, permit) in batch {
                    let user_id = submission_id.and_then(|s| users.get(&s).copied());
                    backlog.push(Waiting { entry_id, submission_id, user_id, permit });
                }
            }
            Some(done) = tasks.join_next() => match done {
                Ok((entry_id, user_id)) => {
                    running.remove(&entry_id);
                    backlog.finished(user_id);
                }
                Err(e) => tracing::error!(error = %e, "a judging task failed"),
            },
            _ = refresh.tick() => keep_claimed(&state, &stream_key(&state.redis_prefix), GROUP, &backlog.entry_ids()).await,
        }
    }
    let _ = reader.await;
    while tasks.join_next().await.is_some() {}
    while run_tasks.join_next().await.is_some() {}
    tracing::info!(waiting = backlog.len(), "judge worker stopped");
}

/// Who made each submission; a submission that cannot be looked up is judged (and dealt with)
/// without one.
async fn users_of(pool: &PgPool, batch: &[Read]) -> HashMap<Uuid, Uuid> {
    let ids: Vec<Uuid> = batch.iter().filter_map(|(_, s, _)| *s).collect();
    if ids.is_empty() {
        return HashMap::new();
    }
    let rows = sqlx::query!(
        "SELECT id, user_id FROM submissions WHERE id = ANY($1)",
        &ids
    )
    .fetch_all(pool)
    .await;
    match rows {
        Ok(rows) => rows.into_iter().map(|r| (r.id, r.user_id)).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "looking up who made submissions failed");
            HashMap::new()
        }
    }
}

/// Reads entries while the window has room and hands them to the scheduler.
async fn read_loop(
    state: JudgeState,
    mut redis: redis::aio::ConnectionManager,
    window: Arc<Semaphore>,
    reads: mpsc::UnboundedSender<Vec<Read>>,
    mut stop: watch::Receiver<bool>,
) {
    let stream = stream_key(&state.redis_prefix);
    loop {
        let first = tokio::select! {
            () = stopped(&mut stop) => return,
            permit = window.clone().acquire_owned() => permit.expect("the window is never closed"),
        };
        let mut permits = vec![first];
        while let Ok(permit) = window.clone().try_acquire_owned() {
            permits.push(permit);
        }
        let batch = tokio::select! {
            () = stopped(&mut stop) => return,
            batch = next_batch(&mut redis, &stream, &state.consumer, state.claim_idle, permits.len()) => batch,
        };
        match batch {
            Ok(entries) => {
                let batch: Vec<Read> = entries
                    .into_iter()
                    .zip(permits)
                    .map(|((entry_id, submission_id), permit)| (entry_id, submission_id, permit))
                    .collect();
                if !batch.is_empty() && reads.send(batch).is_err() {
                    return;
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
