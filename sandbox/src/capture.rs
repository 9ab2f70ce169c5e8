//! Reading a child process's output while it runs, keeping only the first
//! [`OUTPUT_CAPTURE_BYTES`]: a compiler printing megabytes of diagnostics costs the executor
//! no more memory than that. Used by `jail` for every compiler run.

use std::{io::Read, thread::JoinHandle};

/// Output kept per stream (stdout, stderr); the rest is read and thrown away.
pub const OUTPUT_CAPTURE_BYTES: usize = 64 << 10;

/// Reads `pipe` to its end on a thread of its own. The thread returns the bytes kept and how
/// many more were read and dropped; the pipe is drained to the end, so the writer never
/// blocks on it.
pub(crate) fn capture<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<(Vec<u8>, u64)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = 0u64;
        let Some(mut pipe) = pipe else {
            return (kept, dropped);
        };
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = OUTPUT_CAPTURE_BYTES.saturating_sub(kept.len()).min(n);
                    kept.extend_from_slice(&chunk[..room]);
                    dropped += (n - room) as u64;
                }
            }
        }
        (kept, dropped)
    })
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use super::*;

    /// Twenty megabytes of output keep 64 KiB and count the rest.
    #[test]
    fn keeps_the_first_bytes_and_counts_the_rest() {
        let mut child = Command::new("head")
            .args(["-c", "20000000", "/dev/zero"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let reader = capture(child.stdout.take());
        assert!(child.wait().unwrap().success());
        let (kept, dropped) = reader.join().unwrap();
        assert_eq!(kept.len(), OUTPUT_CAPTURE_BYTES);
        assert_eq!(dropped, (20_000_000 - OUTPUT_CAPTURE_BYTES) as u64);
    }
}
