//! The submissions queue: a Redis Stream that the battle service appends to and the judges
//! consume as one consumer group.

/// Consumer group shared by every judge worker.
pub const JUDGE_GROUP: &str = "judges";

/// Key of the submissions stream.
pub fn submissions_stream(prefix: &str) -> String {
    format!("{prefix}judge:submissions")
}

/// Appends a submission to the judging stream. The battle service calls it when a submission
/// is stored, the judge when it puts back one whose entry was lost.
pub async fn enqueue(
    redis: &mut redis::aio::ConnectionManager,
    prefix: &str,
    submission_id: uuid::Uuid,
) -> redis::RedisResult<()> {
    redis::cmd("XADD")
        .arg(submissions_stream(prefix))
        .arg("*")
        .arg("submission_id")
        .arg(submission_id.to_string())
        .query_async::<String>(redis)
        .await?;
    Ok(())
}
