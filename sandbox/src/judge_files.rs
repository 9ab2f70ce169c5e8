//! The judge's files a validator works with: one test's input and answer in a private host
//! directory (read-only for the validator), an empty feedback directory next to it (writable),
//! the paths at which both appear inside the guest, and reading back what the validator left
//! in the feedback directory (`judgemessage.txt`, `score.txt`).
//!
//! How a validator is run and what its exit code means is in `validator` and `judging`.

use std::{
    io::Read,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use anyhow::Context;

/// Where a validator finds the judge's files inside the sandbox.
pub const VALIDATOR_DIR: &str = "/judge";
/// The test input, as a validator sees it.
pub const VALIDATOR_INPUT: &str = "/judge/input";
/// The expected answer, as a validator sees it.
pub const VALIDATOR_ANSWER: &str = "/judge/answer";
/// The feedback directory (`feedback_dir`, the third argument), as a validator sees it.
pub const VALIDATOR_FEEDBACK_DIR: &str = "/feedback";
/// Most bytes a validator may leave in its feedback directory; past them the validator is
/// stopped and the test is `IE`.
pub const FEEDBACK_LIMIT_BYTES: u64 = 1 << 20;
/// Most bytes of `judgemessage.txt` read back.
const JUDGE_MESSAGE_BYTES: u64 = 4096;

/// A private host directory holding one test's input and answer for a validator run, and a
/// feedback directory beside it; both removed when dropped.
pub(crate) struct JudgeFiles {
    path: PathBuf,
}

impl JudgeFiles {
    pub(crate) fn create(input: &[u8], answer: &[u8]) -> anyhow::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "joust-judge-{}-{}-{:x}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        // `create_dir` fails on an existing path, so nothing planted in advance is reused.
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        let files = Self { path };
        std::fs::create_dir(files.judge_dir())?;
        std::fs::create_dir(files.feedback_dir())?;
        std::fs::write(files.judge_dir().join("input"), input)?;
        std::fs::write(files.judge_dir().join("answer"), answer)?;
        Ok(files)
    }

    /// The host directory of input and answer, to be mounted read-only at [`VALIDATOR_DIR`].
    pub(crate) fn judge_dir(&self) -> PathBuf {
        self.path.join("judge")
    }

    /// The host feedback directory, to be mounted writable at [`VALIDATOR_FEEDBACK_DIR`].
    pub(crate) fn feedback_dir(&self) -> PathBuf {
        self.path.join("feedback")
    }

    /// `judgemessage.txt` (its first 4 KiB, lossy UTF-8, trimmed), if the validator wrote one.
    pub(crate) fn judge_message(&self) -> Option<String> {
        let bytes = read_regular(&self.feedback_dir().join("judgemessage.txt"))?;
        let text = String::from_utf8_lossy(&bytes).trim().to_owned();
        (!text.is_empty()).then_some(text)
    }

    /// The number in `score.txt`, if the validator wrote a finite one.
    pub(crate) fn score(&self) -> Option<f64> {
        let bytes = read_regular(&self.feedback_dir().join("score.txt"))?;
        let value: f64 = std::str::from_utf8(&bytes).ok()?.trim().parse().ok()?;
        value.is_finite().then_some(value)
    }
}

/// The first bytes of a regular file (never through a symlink the validator planted).
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(JUDGE_MESSAGE_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Bytes under `dir`, counting every entry (a file's length, a directory's entries): what a
/// validator has written into its feedback directory so far. Stops counting past `limit`.
pub(crate) fn bytes_under(dir: &Path, limit: u64) -> u64 {
    let mut total = 0u64;
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            // Every entry costs a little, so a million empty files count too.
            total += 256;
            if let Ok(meta) = entry.metadata() {
                total += meta.len();
                if meta.is_dir() {
                    pending.push(entry.path());
                }
            }
            if total > limit {
                return total;
            }
        }
    }
    total
}

impl Drop for JudgeFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
