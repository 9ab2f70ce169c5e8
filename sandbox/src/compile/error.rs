//! How a compile fails, and what of a compiler's message a contestant is shown: the source
//! file as `main.<ext>`, no host path (the job directory, the toolchain, the caches), no crash
//! report (a crashing compiler dumps its command line, host paths and the preprocessed source),
//! and at most [`MAX_MESSAGE_BYTES`].
//!
//! Running the compiler is in `compiler`; nothing here touches the filesystem.

use crate::jail::JOB_DIR;

/// Longest compiler message returned to a contestant.
const MAX_MESSAGE_BYTES: usize = 4096;

/// What a contestant is shown instead of a compiler's crash report.
pub const COMPILER_CRASHED: &str = "compiler crashed while compiling this program";

/// Text only a crashing compiler prints: clang's and LLVM's crash reports, rustc's internal
/// compiler errors, the Go compiler's panics.
const CRASH_MARKERS: &[&str] = &[
    "PLEASE submit a bug report",
    "Stack dump:",
    "diagnostic msg:",
    "frontend command failed",
    "LLVM ERROR:",
    "internal compiler error",
    "unexpectedly panicked",
    "thread 'rustc' panicked",
    "query stack during panic",
    "goroutine 1 [",
    "panic: runtime error",
];

/// What a compiler driver prints when the jail's limits killed the process it ran (clang's
/// driver runs its front end as a child and reports the signal instead of dying of it).
/// Only the driver's own phrasing counts: a diagnostic quoting the contestant's source could
/// contain any words.
const LIMIT_MARKERS: &[&str] = &[
    "unable to execute command: CPU time limit exceeded",
    "unable to execute command: File size limit exceeded",
    "unable to execute command: Killed",
];

/// What a contestant is shown when a compile hit its time or memory limit.
pub const COMPILE_LIMIT_EXCEEDED: &str = "compilation exceeded its time or memory limit";

#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The program does not compile; the message is the compiler's, cleaned.
    #[error("compilation failed")]
    Rejected(String),
    /// The compiler could not be run at all.
    #[error("compiler unavailable: {0}")]
    Internal(String),
    /// The request ended (its deadline passed or its caller left) before the compile did.
    #[error("the request ended during compilation")]
    Stopped,
}

/// A failure of the judge's own machinery (I/O, a missing tool), never the contestant's.
pub(super) fn internal(e: impl std::fmt::Display) -> CompileError {
    CompileError::Internal(e.to_string())
}

/// What a contestant is shown of the compiler's output `raw`.
pub(super) fn clean_message(raw: &str, source_name: &str) -> String {
    // A limit kills the front end, whose driver may then print a crash report: the limit is
    // the cause, and the contestant's to fix.
    if LIMIT_MARKERS.iter().any(|marker| raw.contains(marker)) {
        return COMPILE_LIMIT_EXCEEDED.to_owned();
    }
    if CRASH_MARKERS.iter().any(|marker| raw.contains(marker)) {
        return COMPILER_CRASHED.to_owned();
    }
    let named = raw
        .replace(&format!("{JOB_DIR}/{source_name}"), source_name)
        .replace(&format!("{JOB_DIR}/"), "");
    let mut message = without_paths(&named);
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

/// `text` with every absolute path of two or more components cut to its file name
/// (`/usr/include/wasm32-wasi/stdio.h:3:1` becomes `stdio.h:3:1`): toolchains, runtimes and
/// caches live at host paths, and a path in a header's diagnostic names them.
fn without_paths(text: &str) -> String {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._+-/@~".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('/') {
        let starts_token = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_path_char(c) && c != ':');
        let len = rest[at..]
            .find(|c: char| !is_path_char(c))
            .unwrap_or(rest.len() - at);
        let path = &rest[at..at + len];
        out.push_str(&rest[..at]);
        if starts_token && path.trim_end_matches('/').matches('/').count() >= 2 {
            out.push_str(path.trim_end_matches('/').rsplit('/').next().unwrap_or(""));
        } else {
            out.push_str(path);
        }
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_front_end_killed_by_a_limit_is_a_limit_not_a_crash() {
        let raw = "clang: error: unable to execute command: CPU time limit exceeded\n\
                   clang: error: clang frontend command failed due to signal (use -v to see invocation)\n\
                   clang: note: diagnostic msg: PLEASE submit a bug report\n";
        assert_eq!(clean_message(raw, "main.c"), COMPILE_LIMIT_EXCEEDED);
    }

    #[test]
    fn host_paths_are_cut_to_file_names() {
        let raw = "/job/main.c:3:9: error: use of undeclared identifier 'x'\n\
                   In file included from /usr/include/wasm32-wasi/stdio.h:12:\n\
                   /tmp/joust-123/runtimes/go/goroot/src/fmt/print.go:10: note\n\
                   open /var/cache/joust/sandbox/compiled/go/job-1-2/main.o: denied\n\
                   a/b and 1/2 and /x stay; 'http://example.com/a/b' keeps its host";
        let shown = clean_message(raw, "main.c");
        assert_eq!(
            shown,
            "main.c:3:9: error: use of undeclared identifier 'x'\n\
             In file included from stdio.h:12:\n\
             print.go:10: note\n\
             open main.o: denied\n\
             a/b and 1/2 and /x stay; 'http://example.com/a/b' keeps its host"
        );
    }

    #[test]
    fn crash_reports_are_replaced() {
        for raw in [
            "PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/\n\
             Stack dump:\n0.\tProgram arguments: /usr/lib/llvm-19/bin/clang -cc1 /job/main.c",
            "clang: note: diagnostic msg: /tmp/main-5f1a2b.c",
            "error: internal compiler error: unexpected panic\n\
             thread 'rustc' panicked at compiler/rustc_middle/src/ty/mod.rs:1:1",
            "main.go:1: internal compiler error: panic\ngoroutine 1 [running]:",
        ] {
            assert_eq!(clean_message(raw, "main.c"), COMPILER_CRASHED, "{raw}");
        }
    }
}
