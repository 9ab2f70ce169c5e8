//! Comparing a program's output with the expected answer.
//!
//! Only the comparison: which verdict a run gets, and custom validators, are in `judging`.

use joust_common::execution::Checker;

/// Whether `actual` is an accepted answer for `expected` under `checker`.
///
/// A [`Checker::Validator`] or [`Checker::Interactive`] is a program, not a rule: the sandbox
/// runs it (see `Sandbox::execute`), and this function never accepts an answer for it.
pub fn outputs_match(checker: &Checker, expected: &[u8], actual: &[u8]) -> bool {
    match checker {
        Checker::Exact => normalize_lines(expected) == normalize_lines(actual),
        Checker::Validator(_) | Checker::Interactive(_) => false,
        Checker::Default(_) | Checker::Tokens | Checker::Float { .. } => checker
            .token_rule()
            .is_some_and(|rule| rule.judge(expected, actual).is_ok()),
    }
}

/// Lines without trailing whitespace, without trailing empty lines: "3\n" and "3" are the same
/// answer, "3 \r\n" too.
fn normalize_lines(text: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').map(trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

fn trim_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_ignores_trailing_whitespace_only() {
        assert!(outputs_match(&Checker::Exact, b"3\n", b"3"));
        assert!(outputs_match(
            &Checker::Exact,
            b"1 2\n3\n",
            b"1 2  \r\n3\n\n"
        ));
        assert!(!outputs_match(&Checker::Exact, b"1 2\n", b"1  2\n"));
        assert!(!outputs_match(&Checker::Exact, b"3\n", b"4\n"));
    }

    #[test]
    fn float_tolerance_applies_to_numbers_only() {
        let checker = Checker::Float {
            abs_tolerance: 1e-6,
            rel_tolerance: 0.0,
        };
        assert!(outputs_match(&checker, b"3.1415926\n", b"3.14159265358979"));
        assert!(!outputs_match(&checker, b"3.1415926\n", b"3.1416"));
        assert!(!outputs_match(&checker, b"pi 3.1415926", b"PI 3.1415926"));
    }

    #[test]
    fn tokens_ignore_layout() {
        assert!(outputs_match(&Checker::Tokens, b"1 2\n3\n", b"1\n2 3"));
        assert!(!outputs_match(&Checker::Tokens, b"1 2 3", b"1 2"));
        assert!(!outputs_match(&Checker::Tokens, b"", b"0"));
        assert!(!outputs_match(&Checker::Tokens, b"YES", b"yes"));
    }

    #[test]
    fn the_default_checker_is_the_formats_default_validator() {
        assert!(outputs_match(&Checker::default(), b"YES\n", b"  yes"));
        assert!(!outputs_match(&Checker::default(), b"1.0", b"1"));
    }
}
