//! Drop guards of one execution request, so that nothing leaks whichever way it ends:
//! [`Abandon`] stops the request's compile and runs when its handler future is dropped (the
//! caller disconnected), and [`InFlight`] holds the `executions_in_flight` gauge exactly as long
//! as the run slot is held.
//!
//! The handler that sets them up is in `routes`; the metrics are in `metrics`.

use joust_sandbox::Stop;
use prometheus::{IntCounterVec, IntGauge};

/// Cancels the request's [`Stop`] unless [`Abandon::finish`] ran first: a handler future
/// dropped before it answered means nobody waits for the work any more.
pub struct Abandon {
    stop: Stop,
    stopped: IntCounterVec,
    finished: bool,
}

impl Abandon {
    pub fn new(stop: Stop, stopped: IntCounterVec) -> Self {
        Self {
            stop,
            stopped,
            finished: false,
        }
    }

    /// The request was answered: dropping the guard now changes nothing.
    pub fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for Abandon {
    fn drop(&mut self) {
        if !self.finished {
            self.stop.cancel();
            self.stopped.with_label_values(&["abandoned"]).inc();
        }
    }
}

/// One unit of the in-flight gauge, given back when dropped.
pub struct InFlight(IntGauge);

impl InFlight {
    pub fn enter(gauge: &IntGauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
