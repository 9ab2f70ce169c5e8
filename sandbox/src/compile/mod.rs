//! Compiling submissions to wasm32-wasi: C and C++ with Debian's clang-19, Rust with Debian's
//! rustc, Go with the Go toolchain's own compiler and linker (GOOS=wasip1).
//!
//! Every compiler runs in a [`crate::jail::Jail`]; artifacts are cached by a hash of the
//! language, the exact compiler command line and the source.
//!
//! - `compiler`: one language's [`Compiler`], running its commands and caching artifacts;
//! - `clang`, `rustc`, `go`: each language family's toolchain and command lines;
//! - `command`: what a family hands the compiler, and the host paths it starts from;
//! - `job`: the per-compile directory and reading what the jailed compiler wrote;
//! - `error`: [`CompileError`] and the message a contestant is shown.
//!
//! Loading the compiled module into the engine is the sandbox's job, not this module's.

mod clang;
mod command;
mod compiler;
mod error;
mod go;
mod job;
mod rustc;

pub use command::CompilerPaths;
pub use compiler::Compiler;
pub use error::{COMPILER_CRASHED, CompileError};
