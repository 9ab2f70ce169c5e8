//! The judge's files a validator reads: one test's input and answer in a private host
//! directory, and the paths at which that directory appears inside the guest.
//!
//! How a validator is run and what its exit code means is in `sandbox` and `judging`.

use std::{
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

/// A private host directory holding one test's input and answer for a validator run, removed
/// when dropped.
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
        std::fs::write(files.path.join("input"), input)?;
        std::fs::write(files.path.join("answer"), answer)?;
        Ok(files)
    }

    /// The host directory, to be mounted read-only at [`VALIDATOR_DIR`].
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for JudgeFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
