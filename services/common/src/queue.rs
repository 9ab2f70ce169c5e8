//! The submissions queue: a Redis Stream that the battle service appends to and the judges
//! consume as one consumer group.

/// Consumer group shared by every judge worker.
pub const JUDGE_GROUP: &str = "judges";

/// Key of the submissions stream.
pub fn submissions_stream(prefix: &str) -> String {
    format!("{prefix}judge:submissions")
}
