//! What players may see of an execution's results: sample tests in full (the program's own
//! output, the end of its stderr, its exit code or trap), secret tests only as verdict, time
//! and memory; and the bounds on the stderr and output a test result keeps.
//!
//! The result types themselves are in the parent module.

use super::{ExecutionResponse, TestResult};

/// Most lines of stderr a test result keeps (the last ones).
pub const STDERR_TAIL_LINES: usize = 20;
/// Most bytes of stderr a test result keeps (the last ones).
pub const STDERR_TAIL_BYTES: usize = 2048;
/// Most bytes of its own output a sample test's result keeps (the first ones).
pub const OUTPUT_SHOWN_BYTES: usize = 4096;

impl ExecutionResponse {
    /// What players may see of this response: sample tests keep their message, output and
    /// stderr; secret tests keep only their verdict, time and memory (no exit code, message,
    /// output or stderr, which could carry the secret data); validator and compiler
    /// diagnostics and judge messages are dropped (the compiler's output goes to its author
    /// alone, by its own channel).
    pub fn for_players(&self) -> ExecutionResponse {
        ExecutionResponse {
            verdict: self.verdict,
            compile_output: None,
            validator_error: None,
            tests: self
                .tests
                .iter()
                .map(|test| {
                    let shown = TestResult {
                        sample: test.sample,
                        time_ms: test.time_ms,
                        fuel: test.fuel,
                        wall_ms: test.wall_ms,
                        memory_bytes: test.memory_bytes,
                        score: test.score,
                        ..TestResult::new(test.index, test.verdict)
                    };
                    if test.sample {
                        TestResult {
                            exit_code: test.exit_code,
                            message: test.message.clone(),
                            stderr: test.stderr.clone(),
                            output: test.output.clone(),
                            ..shown
                        }
                    } else {
                        shown
                    }
                })
                .collect(),
        }
    }
}

/// The end of a program's stderr as a test result keeps it: the last [`STDERR_TAIL_LINES`]
/// lines, at most [`STDERR_TAIL_BYTES`] bytes (cut at a character boundary), trailing white
/// space trimmed; `None` when nothing but white space is left.
pub fn stderr_tail(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim_end();
    let mut start = text.len().saturating_sub(STDERR_TAIL_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let tail = &text[start..];
    let lines: Vec<&str> = tail.lines().collect();
    let kept = lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join("\n");
    (!kept.trim().is_empty()).then_some(kept)
}

/// The start of a program's output as a sample test's result keeps it: at most
/// [`OUTPUT_SHOWN_BYTES`] bytes, lossy UTF-8.
pub fn output_head(output: &[u8]) -> String {
    String::from_utf8_lossy(&output[..output.len().min(OUTPUT_SHOWN_BYTES)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution::Verdict;

    #[test]
    fn players_see_the_details_of_sample_tests_only() {
        let detailed = |index, sample| TestResult {
            sample,
            time_ms: 5,
            memory_bytes: 1 << 20,
            exit_code: Some(3),
            message: Some("exit code 3".into()),
            stderr: Some("secret input: 42".into()),
            output: Some("partial".into()),
            judge_message: Some("the answer was 7".into()),
            ..TestResult::new(index, Verdict::RTE)
        };
        let response = ExecutionResponse {
            verdict: Verdict::RTE,
            compile_output: Some("warning".into()),
            validator_error: Some("validator exited with code 1".into()),
            tests: vec![detailed(0, true), detailed(1, false)],
        };
        let shown = response.for_players();
        assert_eq!(shown.compile_output, None);
        assert_eq!(shown.validator_error, None);
        let sample = &shown.tests[0];
        assert_eq!(sample.stderr.as_deref(), Some("secret input: 42"));
        assert_eq!(sample.output.as_deref(), Some("partial"));
        assert_eq!(sample.message.as_deref(), Some("exit code 3"));
        assert_eq!(sample.judge_message, None);
        let secret = serde_json::to_value(&shown.tests[1]).unwrap();
        let keys: Vec<&str> = secret
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "fuel",
                "index",
                "memory_bytes",
                "time_ms",
                "verdict",
                "wall_ms"
            ]
        );
    }

    #[test]
    fn stderr_keeps_its_last_lines_within_bounds() {
        let many: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let tail = stderr_tail(many.as_bytes()).unwrap();
        assert_eq!(tail.lines().count(), STDERR_TAIL_LINES);
        assert!(
            tail.starts_with("line 80\n") && tail.ends_with("line 99"),
            "{tail}"
        );
        let long = "é".repeat(STDERR_TAIL_BYTES);
        let tail = stderr_tail(long.as_bytes()).unwrap();
        assert!(tail.len() <= STDERR_TAIL_BYTES && tail.chars().all(|c| c == 'é'));
        assert_eq!(stderr_tail(b" \n\t\n"), None);
        assert_eq!(
            stderr_tail(b"Traceback\n  boom\n\n"),
            Some("Traceback\n  boom".into())
        );
        assert_eq!(output_head(&vec![b'x'; 10_000]).len(), OUTPUT_SHOWN_BYTES);
    }
}
