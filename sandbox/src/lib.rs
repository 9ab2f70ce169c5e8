//! The Joust sandbox: runs untrusted programs inside wasmtime (WASI preview 1) with a
//! deterministic CPU budget (fuel), a wall-clock backstop (epochs), a memory cap and capped
//! output pipes, and judges their output.
//!
//! One [`Sandbox`] per process owns the `Engine`, the precompiled language runtimes and the
//! epoch ticker; every run gets a fresh `Store`.

mod cache;
mod checker;
mod compile;
mod engine;
mod jail;
mod judging;
mod languages;
mod limiter;
mod prepared;
mod python;
mod run;

pub use checker::outputs_match;
pub use compile::CompileError;
pub use engine::{
    COMPILE_LIMITS, Program, Sandbox, SandboxConfig, VALIDATOR_ANSWER, VALIDATOR_DIR,
    VALIDATOR_INPUT,
};
pub use jail::JailLimits;
pub use judging::{OUTPUT_LIMIT_BYTES, verdict_of};
pub use languages::{LanguageInfo, LanguageLimits, fuel_percent};
pub use run::{RunLimits, RunOutcome, Termination};
