//! One run of a program on one input, and how it ended.

use std::time::Duration;

/// Limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct RunLimits {
    pub time_limit_ms: u64,
    pub memory_limit_bytes: usize,
    /// Bytes of stdout beyond which the run is OLE.
    pub output_limit_bytes: usize,
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Termination {
    /// The program exited (or returned from `_start`) with this code.
    Exited(i32),
    /// The fuel budget ran out.
    OutOfFuel,
    /// The wall-clock backstop fired.
    WallTimeout,
    /// Stdout reached its cap and the run was stopped.
    OutputLimitExceeded,
    /// Any other trap (stack overflow, out-of-bounds access, unreachable, ...).
    Trapped(String),
}

#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub termination: Termination,
    pub stdout: Vec<u8>,
    pub stdout_overflowed: bool,
    pub stderr: Vec<u8>,
    pub fuel_used: u64,
    /// CPU time derived from fuel.
    pub time_ms: u64,
    pub wall: Duration,
    pub peak_memory_bytes: u64,
    /// A memory growth was refused during the run.
    pub memory_denied: bool,
}
