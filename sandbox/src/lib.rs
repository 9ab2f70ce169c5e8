//! The Joust sandbox: runs untrusted programs inside wasmtime (WASI preview 1) with a
//! deterministic CPU budget (fuel), a wall-clock backstop (epochs), a memory cap and capped
//! output pipes, and judges their output.
//!
//! One [`Sandbox`] per process owns the `Engine`, the precompiled language runtimes and the
//! epoch ticker; every run gets a fresh `Store`.
//!
//! The modules, from the top down (each uses only modules below it), are listed in the
//! module map of `docs/architecture.md`, which a test keeps in step with this tree.

mod cache;
mod cache_stats;
mod capture;
mod checker;
mod compile;
mod config;
mod engine;
mod fuel;
mod guest;
mod host_fuel;
mod interactive;
mod jail;
mod judge_files;
mod judging;
mod languages;
mod limiter;
mod pipe;
mod prepared;
mod program;
mod python;
mod run;
mod sandbox;
mod stop;
mod validator;
mod wasi;

pub use cache_stats::{CacheStats, SandboxCacheStats, process_cache_stats};
pub use checker::outputs_match;
pub use compile::{COMPILER_CRASHED, CompileError};
pub use config::{COMPILE_LIMITS, SandboxConfig};
pub use fuel::fuel_percent;
pub use jail::JailLimits;
pub use judge_files::{
    FEEDBACK_LIMIT_BYTES, VALIDATOR_ANSWER, VALIDATOR_DIR, VALIDATOR_FEEDBACK_DIR, VALIDATOR_INPUT,
};
pub use judging::{OUTPUT_LIMIT_BYTES, verdict_of};
pub use languages::{LanguageInfo, LanguageLimits};
pub use program::Program;
pub use run::{OUT_OF_MEMORY, RunLimits, RunOutcome, Termination};
pub use sandbox::Sandbox;
pub use stop::Stop;
