//! The Joust sandbox: runs untrusted programs inside wasmtime (WASI preview 1) with a
//! deterministic CPU budget (fuel), a wall-clock backstop (epochs), a memory cap and capped
//! output pipes, and judges their output.
//!
//! One [`Sandbox`] per process owns the `Engine`, the precompiled language runtimes and the
//! epoch ticker; every run gets a fresh `Store`.
//!
//! The modules, from the top down (each uses only modules below it):
//! - `languages`, `judging`: the language catalogue, and a whole request judged;
//! - `sandbox`: the [`Sandbox`], turning submissions into [`Program`]s and running them;
//! - `run`, `program`: one run in a fresh `Store`, and how a program is started;
//! - `python`, `prepared`, `compile`: the pre-initialized CPython, the in-memory cache of
//!   prepared submissions, the compilers in their jail;
//! - `engine`, `guest`: the shared engine and epoch ticker, the host side of one guest;
//! - `wasi`, `limiter`, `config`, `fuel`, `checker`, `jail`, `judge_files`, `cache`: leaves.

mod cache;
mod checker;
mod compile;
mod config;
mod engine;
mod fuel;
mod guest;
mod jail;
mod judge_files;
mod judging;
mod languages;
mod limiter;
mod prepared;
mod program;
mod python;
mod run;
mod sandbox;
mod wasi;

pub use checker::outputs_match;
pub use compile::{COMPILE_LIMITS, CompileError};
pub use config::SandboxConfig;
pub use fuel::fuel_percent;
pub use jail::JailLimits;
pub use judge_files::{VALIDATOR_ANSWER, VALIDATOR_DIR, VALIDATOR_INPUT};
pub use judging::{OUTPUT_LIMIT_BYTES, verdict_of};
pub use languages::{LanguageInfo, LanguageLimits};
pub use program::Program;
pub use run::{RunLimits, RunOutcome, Termination};
pub use sandbox::Sandbox;
