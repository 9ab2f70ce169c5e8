//! [`Stop`]: when the work done for one request must end, shared by everything working on it.
//!
//! A request's compile and runs end at its deadline, or as soon as whoever asked for them
//! gives up (the executor cancels when its caller disconnects). Compiles poll it while they
//! wait for the jailed compiler (`jail`); runs look at it from the epoch callback (`run`).
//! What an ended request answers is decided in `judging`.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

/// A deadline and a cancel switch. Cheap to clone: clones share the switch.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    deadline: Option<Instant>,
}

impl Stop {
    /// Never stops (tests, benchmarks, work shared by every request).
    pub fn never() -> Self {
        Self::default()
    }

    /// Stops at `deadline`, or earlier when cancelled.
    pub fn at(deadline: Instant) -> Self {
        Self {
            inner: Arc::new(Inner {
                cancelled: AtomicBool::new(false),
                deadline: Some(deadline),
            }),
        }
    }

    /// Stops the work now: nobody waits for its result any more.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// Whether the deadline has passed.
    pub fn deadline_passed(&self) -> bool {
        self.inner.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Whether the work must end now, for either reason.
    pub fn is_stopped(&self) -> bool {
        self.is_cancelled() || self.deadline_passed()
    }

    /// The deadline, when there is one.
    pub fn deadline(&self) -> Option<Instant> {
        self.inner.deadline
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn stops_at_its_deadline_or_when_cancelled() {
        assert!(!Stop::never().is_stopped());
        assert!(Stop::at(Instant::now()).deadline_passed());
        let stop = Stop::at(Instant::now() + Duration::from_secs(60));
        let shared = stop.clone();
        assert!(!stop.is_stopped());
        shared.cancel();
        assert!(stop.is_stopped() && stop.is_cancelled() && !stop.deadline_passed());
    }
}
