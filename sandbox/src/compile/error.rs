//! How a compile fails, and what of a compiler's message a contestant is shown.
//!
//! Running the compiler is in `compiler`; nothing here touches the filesystem.

use crate::jail::JOB_DIR;

/// Longest compiler message returned to a contestant.
const MAX_MESSAGE_BYTES: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The program does not compile; the message is the compiler's, trimmed.
    #[error("compilation failed")]
    Rejected(String),
    /// The compiler could not be run at all.
    #[error("compiler unavailable: {0}")]
    Internal(String),
}

/// A failure of the judge's own machinery (I/O, a missing tool), never the contestant's.
pub(super) fn internal(e: impl std::fmt::Display) -> CompileError {
    CompileError::Internal(e.to_string())
}

/// Shows the contestant's file as `main.<ext>`, hides jail paths and keeps the message short.
pub(super) fn clean_message(raw: &str, source_name: &str) -> String {
    let mut message = raw
        .replace(&format!("{JOB_DIR}/{source_name}"), source_name)
        .replace(&format!("{JOB_DIR}/"), "");
    if message.len() > MAX_MESSAGE_BYTES {
        let mut cut = MAX_MESSAGE_BYTES;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push_str("\n[truncated]");
    }
    message.trim_end().to_owned()
}
