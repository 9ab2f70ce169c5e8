//! The judge against real PostgreSQL, Redis and executor processes. Faults are injected by
//! killing processes and by a proxy in front of an executor that can delay, refuse or fail calls.

mod faults;
mod hardening;
mod judging;
mod operations;
mod runs;
mod scoring;
mod support;
