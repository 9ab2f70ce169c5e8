//! The plumbing around one jailed compiler run: a fresh job directory on the host, the
//! command line as the jail takes it, and reading back what the compiler wrote.
//!
//! The jail itself is `crate::jail`; which commands run is decided by `compiler` and the
//! language families.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use super::error::{CompileError, internal};

static NEXT_JOB: AtomicU64 = AtomicU64::new(0);

/// A fresh directory for one compile, removed when dropped.
pub(super) struct JobDir {
    pub(super) path: PathBuf,
    /// Unique among this host's compiles: names temporary files next to shared artifacts.
    pub(super) id: String,
}

impl JobDir {
    pub(super) fn create(parent: &Path) -> Result<Self, CompileError> {
        let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}-{job}", std::process::id());
        let path = parent.join(format!("job-{id}"));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(internal)?;
        Ok(Self { path, id })
    }

    /// Writes `content` at the relative `path` (plain names only, checked again here: nothing
    /// is written outside the job directory), creating its directories.
    pub(super) fn write_file(&self, path: &str, content: &str) -> Result<(), CompileError> {
        let relative = Path::new(path);
        if !relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            return Err(CompileError::Internal(format!("bad file path {path:?}")));
        }
        let full = self.path.join(relative);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(internal)?;
        }
        std::fs::write(full, content).map_err(internal)
    }

    /// Reads a file the jailed compiler wrote into this directory, refusing anything but a
    /// regular file: a symlink planted in the job directory must not make the host read a
    /// file of its own.
    pub(super) fn read_output(&self, name: &str) -> Result<Vec<u8>, CompileError> {
        let path = self.path.join(name);
        let meta = std::fs::symlink_metadata(&path).map_err(internal)?;
        if !meta.file_type().is_file() {
            return Err(CompileError::Internal(
                "the compiler output is not a regular file".into(),
            ));
        }
        std::fs::read(&path).map_err(internal)
    }
}

impl Drop for JobDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A command line as the jail takes it.
pub(super) fn to_os(argv: &[String]) -> Vec<OsString> {
    argv.iter().map(OsString::from).collect()
}
