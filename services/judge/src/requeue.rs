//! Puts back on the stream submissions that have waited far longer than judging takes without
//! being in an outage: their stream entry was lost (Redis lost its data, or the battle service
//! stopped between storing a submission and queuing it). PostgreSQL is the
//! record; the stream is only the work list. A requeued submission that was not lost after all
//! is judged once anyway, since verdicts apply once.

use std::time::Duration;

use tokio::sync::watch;
use uuid::Uuid;

use joust_common::{domain::SubmissionStatus, queue};

use crate::state::JudgeState;

/// How often the sweep runs.
const PERIOD: Duration = Duration::from_secs(5);

pub async fn run(state: JudgeState, mut stop: watch::Receiver<bool>) {
    loop {
        match requeue_stale(&state).await {
            Ok(0) => {}
            Ok(count) => {
                tracing::warn!(count, "requeued submissions whose stream entries were lost")
            }
            Err(e) => tracing::warn!(error = %e, "the requeue sweep failed"),
        }
        tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => return,
            () = tokio::time::sleep(PERIOD) => {}
        }
    }
}

/// Requeues every queued submission older than `requeue_after` (and not requeued within it)
/// that no outage explains. Each is claimed by one judge with a conditional update.
pub async fn requeue_stale(state: &JudgeState) -> anyhow::Result<usize> {
    let after = state.requeue_after.as_secs_f64();
    let stale: Vec<Uuid> = sqlx::query_scalar!(
        "UPDATE submissions SET requeued_at = now()
         WHERE id IN (
             SELECT id FROM submissions
             WHERE status = $2 AND delayed_since IS NULL
               AND created_at < now() - make_interval(secs => $1)
               AND (requeued_at IS NULL OR requeued_at < now() - make_interval(secs => $1))
             ORDER BY created_at LIMIT 100
             FOR UPDATE SKIP LOCKED)
         RETURNING id",
        after,
        SubmissionStatus::Queued.as_str(),
    )
    .fetch_all(&state.pool)
    .await?;
    let mut redis = state.redis.clone();
    for id in &stale {
        queue::enqueue(&mut redis, &state.redis_prefix, *id).await?;
        state
            .metrics
            .attempts
            .with_label_values(&["requeued"])
            .inc();
    }
    Ok(stale.len())
}
