//! Memory and table limits for one run, remembering the peak and whether a growth was refused
//! (so that a program that then fails is judged MLE, not RTE).
//!
//! Fuel and the wall clock are limited elsewhere (`run`, `guest`).

use wasmtime::ResourceLimiter;

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
            return Ok(false);
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
