//! Memory and table limits for one run, remembering the peak and whether a growth was refused.
//! A memory growth past the limit ends the run at once (judged MLE): a program left running
//! on a full memory can spend its whole time limit failing (CPython's deep recursion unwinds
//! and collects on every refused frame), so the verdict would be TLE.
//!
//! Fuel and the wall clock are limited elsewhere (`run`, `guest`).

use wasmtime::ResourceLimiter;

/// The error that ends a run whose memory would grow past its limit.
#[derive(Debug, thiserror::Error)]
#[error("memory limit exceeded")]
pub(crate) struct MemoryLimitExceeded;

pub struct RunLimiter {
    memory_cap: usize,
    table_elements_cap: usize,
    pub peak_memory: usize,
    pub memory_denied: bool,
}

impl RunLimiter {
    pub fn new(memory_cap: usize) -> Self {
        Self {
            memory_cap,
            table_elements_cap: 1 << 20,
            peak_memory: 0,
            memory_denied: false,
        }
    }
}

impl ResourceLimiter for RunLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_cap {
            self.memory_denied = true;
            return Err(wasmtime::Error::new(MemoryLimitExceeded));
        }
        self.peak_memory = self.peak_memory.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= self.table_elements_cap)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        4
    }

    fn memories(&self) -> usize {
        1
    }
}
