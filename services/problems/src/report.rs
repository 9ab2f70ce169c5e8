//! The refusal of a package: every problem found, not just the first, so an organizer fixes
//! them all in one round.

use std::fmt;

/// Everything wrong with a package, in the order it was found. Empty means nothing is wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub problems: Vec<String>,
}

impl Report {
    pub fn single(problem: impl Into<String>) -> Self {
        Self {
            problems: vec![problem.into()],
        }
    }

    pub fn add(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    /// Adds `prefix: problem` for each of `other`'s problems.
    pub fn merge(&mut self, other: Report) {
        self.problems.extend(other.problems);
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// `Ok(value)` when nothing is wrong, else the report.
    pub fn into_result<T>(self, value: T) -> Result<T, Report> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Whether any problem mentions `needle` (for tests and callers that branch on a case).
    pub fn mentions(&self, needle: &str) -> bool {
        self.problems.iter().any(|p| p.contains(needle))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the package is refused ({} problems):",
            self.problems.len()
        )?;
        for problem in &self.problems {
            writeln!(f, "- {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}
