//! Samples the submissions stream for `queue_depth` and `queue_lag_seconds`, what SREs alert
//! on when judging falls behind, and the practice runs stream for `runs_queue_depth` and
//! `runs_queue_lag_seconds` (runs wait behind submissions by design, so they are apart).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Value;
use tokio::sync::watch;

use crate::{metrics::Metrics, worker};

/// How often the queue is sampled.
const PERIOD: Duration = Duration::from_secs(1);

pub async fn run(
    mut redis: redis::aio::ConnectionManager,
    prefix: String,
    metrics: Metrics,
    mut stop: watch::Receiver<bool>,
) {
    let stream = worker::stream_key(&prefix);
    let runs = joust_common::runs::runs_stream(&prefix);
    loop {
        match sample(&mut redis, &stream, worker::GROUP).await {
            Ok((depth, lag)) => {
                metrics.queue_depth.set(depth);
                metrics.queue_lag.set(lag);
            }
            Err(e) => tracing::debug!(error = %e, "sampling the queue failed"),
        }
        match sample(&mut redis, &runs, joust_common::runs::RUNS_GROUP).await {
            Ok((depth, lag)) => {
                metrics.runs_queue_depth.set(depth);
                metrics.runs_queue_lag.set(lag);
            }
            Err(e) => tracing::debug!(error = %e, "sampling the runs queue failed"),
        }
        tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => return,
            () = tokio::time::sleep(PERIOD) => {}
        }
    }
}

/// Entries not yet acknowledged (pending plus never delivered), and the age in seconds of the
/// oldest of them.
async fn sample(
    redis: &mut redis::aio::ConnectionManager,
    stream: &str,
    group_name: &str,
) -> redis::RedisResult<(i64, f64)> {
    let groups: Vec<Value> = redis::cmd("XINFO")
        .arg("GROUPS")
        .arg(stream)
        .query_async(redis)
        .await?;
    let Some(group) = groups.iter().find_map(|g| {
        let fields = map_of(g);
        (field_str(&fields, "name").as_deref() == Some(group_name)).then_some(fields)
    }) else {
        return Ok((0, 0.0));
    };
    let pending = field_int(&group, "pending").unwrap_or(0);
    // Redis cannot always tell the lag once entries were deleted; since acknowledged entries are
    // deleted, the stream then holds exactly the pending and the undelivered ones.
    let undelivered = match field_int(&group, "lag") {
        Some(lag) => lag,
        None => {
            let length: i64 = redis::cmd("XLEN").arg(stream).query_async(redis).await?;
            (length - pending).max(0)
        }
    };
    let last_delivered = field_str(&group, "last-delivered-id").unwrap_or_else(|| "0-0".into());

    let mut oldest_ms: Option<u64> = None;
    if pending > 0 {
        let summary: Vec<Value> = redis::cmd("XPENDING")
            .arg(stream)
            .arg(group_name)
            .query_async(redis)
            .await?;
        oldest_ms = summary
            .get(1)
            .and_then(value_str)
            .and_then(|id| id_millis(&id));
    }
    if oldest_ms.is_none() && undelivered > 0 {
        let next: Vec<(String, Value)> = redis::cmd("XRANGE")
            .arg(stream)
            .arg(format!("({last_delivered}"))
            .arg("+")
            .arg("COUNT")
            .arg(1)
            .query_async(redis)
            .await?;
        oldest_ms = next.first().and_then(|(id, _)| id_millis(id));
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let lag = oldest_ms.map_or(0.0, |ms| now_ms.saturating_sub(ms) as f64 / 1000.0);
    Ok((pending + undelivered, lag))
}

/// Stream ids start with the milliseconds at which the entry was added.
fn id_millis(id: &str) -> Option<u64> {
    id.split('-').next()?.parse().ok()
}

fn map_of(value: &Value) -> Vec<(String, Value)> {
    match value {
        Value::Map(pairs) => pairs
            .iter()
            .filter_map(|(k, v)| Some((value_str(k)?, v.clone())))
            .collect(),
        Value::Array(items) => items
            .chunks(2)
            .filter_map(|pair| Some((value_str(pair.first()?)?, pair.get(1)?.clone())))
            .collect(),
        _ => vec![],
    }
}

fn value_str(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        _ => None,
    }
}

fn field_str(fields: &[(String, Value)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| value_str(v))
}

fn field_int(fields: &[(String, Value)], name: &str) -> Option<i64> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| match v {
            Value::Int(i) => Some(*i),
            other => value_str(other)?.parse().ok(),
        })
}
