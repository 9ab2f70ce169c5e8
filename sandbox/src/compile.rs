//! Compiling C submissions to wasm32-wasi with Debian's clang.
//!
//! The compiler runs on the host under a time limit; its artifacts are cached by source hash.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::atomic::{AtomicU64, Ordering},
};

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

static NEXT_JOB: AtomicU64 = AtomicU64::new(0);

pub struct CCompiler {
    pub clang: PathBuf,
    pub work_dir: PathBuf,
    pub timeout_secs: u64,
}

impl CCompiler {
    /// Compiles `source` and returns the wasm bytes.
    pub fn compile(&self, source: &str) -> Result<Vec<u8>, CompileError> {
        let hash = crate::cache::sha256_hex(source.as_bytes());
        let artifact = self.work_dir.join(format!("c-{hash}.wasm"));
        if let Ok(bytes) = std::fs::read(&artifact) {
            return Ok(bytes);
        }
        std::fs::create_dir_all(&self.work_dir).map_err(internal)?;
        let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        let stem = format!("job-{}-{job}", std::process::id());
        let src_path = self.work_dir.join(format!("{stem}.c"));
        let out_path = self.work_dir.join(format!("{stem}.wasm"));
        std::fs::write(&src_path, source).map_err(internal)?;
        let output = Command::new("timeout")
            .args(["-s", "KILL", &self.timeout_secs.to_string()])
            .arg(&self.clang)
            .args([
                "--target=wasm32-wasi",
                "-std=c17",
                "-O2",
                "-s",
                "-fno-color-diagnostics",
            ])
            // The stack goes first so that an overflow traps instead of overwriting static data.
            .args(["-Wl,--stack-first", "-Wl,-z,stack-size=16777216"])
            .arg("-o")
            .arg(&out_path)
            .arg(&src_path)
            .arg("-lm")
            .stdin(Stdio::null())
            .output()
            .map_err(internal);
        let _ = std::fs::remove_file(&src_path);
        let output = output?;
        if !output.status.success() {
            let _ = std::fs::remove_file(&out_path);
            let raw = String::from_utf8_lossy(&output.stderr);
            let message = if output.status.code().is_none() || output.status.code() == Some(137) {
                "compilation timed out".to_owned()
            } else {
                clean_message(&raw, &src_path)
            };
            return Err(CompileError::Rejected(message));
        }
        let bytes = std::fs::read(&out_path).map_err(internal)?;
        let _ = std::fs::rename(&out_path, &artifact);
        Ok(bytes)
    }
}

fn internal(e: impl std::fmt::Display) -> CompileError {
    CompileError::Internal(e.to_string())
}

/// Shows the contestant's file as `main.c` and keeps the message short.
fn clean_message(raw: &str, src_path: &Path) -> String {
    let mut message = raw.replace(&src_path.display().to_string(), "main.c");
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
