//! What each language runs on, how it is compiled and what differs from a native judge:
//! the data behind the executor's `GET /v1/languages`.
//!
//! The fuel rates themselves are in `fuel`, the compilers' command lines in `compile`.

use joust_common::{
    Language,
    execution::{
        DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_MS, MAX_MEMORY_LIMIT_MB, MAX_TIME_LIMIT_MS,
    },
};
use serde::Serialize;

use crate::{fuel::fuel_per_ms, judging::OUTPUT_LIMIT_BYTES, sandbox::Sandbox};

/// One language as contestants see it.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageInfo {
    pub id: Language,
    pub name: &'static str,
    pub version: &'static str,
    /// The compiler command line (`main.<ext>` is the submission), or `None` when the source
    /// is interpreted.
    pub compile_command: Option<String>,
    /// How the program is started inside the sandbox.
    pub run_command: &'static str,
    pub limits: LanguageLimits,
    /// Where the language behaves differently from a typical native judge.
    pub caveats: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageLimits {
    pub default_time_limit_ms: u64,
    pub max_time_limit_ms: u64,
    pub default_memory_limit_mb: u64,
    pub max_memory_limit_mb: u64,
    pub output_limit_bytes: usize,
    /// Fuel units per millisecond of the time limit (`JOUST_FUEL_PER_MS` times the language's
    /// calibrated multiplier).
    pub fuel_per_ms: u64,
    /// Present for compiled languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_cpu_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_wall_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_memory_bytes: Option<u64>,
}

const WASM32: &str = "wasm32 is a 32-bit target: pointers and size_t are 32 bits and one program \
                      has at most 4 GiB of memory";
const NO_THREADS: &str =
    "no threads, processes, signals, sockets or files: read stdin, write stdout";
const CLOCK: &str = "the clock stands still and random numbers come from a fixed seed, so every \
                     run is reproducible; time is measured in fuel (about one wasm instruction \
                     per unit), not on the wall";

impl Sandbox {
    /// Every language of [`Language::ALL`] with its toolchain, limits and caveats.
    pub fn languages(&self) -> Vec<LanguageInfo> {
        Language::ALL
            .into_iter()
            .map(|language| self.language_info(language))
            .collect()
    }

    fn language_info(&self, id: Language) -> LanguageInfo {
        let compiled = matches!(
            id,
            Language::C | Language::Cpp | Language::Rust | Language::Go
        );
        let compile_command = match self.compiler(id) {
            Ok(Some(compiler)) => Some(compiler.command_line()),
            Ok(None) => None,
            Err(_) if compiled => Some("unavailable on this executor".to_owned()),
            Err(_) => None,
        };
        let compile = self.config().compile_limits;
        let limits = LanguageLimits {
            default_time_limit_ms: DEFAULT_TIME_LIMIT_MS,
            max_time_limit_ms: MAX_TIME_LIMIT_MS,
            default_memory_limit_mb: DEFAULT_MEMORY_LIMIT_MB,
            max_memory_limit_mb: MAX_MEMORY_LIMIT_MB,
            output_limit_bytes: OUTPUT_LIMIT_BYTES,
            fuel_per_ms: fuel_per_ms(self.config().fuel_per_ms, id),
            compile_cpu_secs: compiled.then_some(compile.cpu_secs),
            compile_wall_secs: compiled.then_some(compile.wall_secs),
            compile_memory_bytes: compiled.then_some(compile.address_space_bytes),
        };
        let (name, version, run_command, caveats): (_, _, _, &[&'static str]) = match id {
            Language::C => (
                "C",
                "C17 with GNU extensions, clang 19 with wasi-libc",
                "main.wasm",
                &[
                    "long is 32 bits: use long long or int64_t for 64-bit integers",
                    "the stack is 16 MiB and counts toward the memory limit",
                    WASM32,
                    NO_THREADS,
                    CLOCK,
                ],
            ),
            Language::Cpp => (
                "C++",
                "C++20, clang 19 with libc++ 19",
                "main.wasm",
                &[
                    "exceptions are disabled (-fno-exceptions): throw and try do not compile, \
                     and a failing at() or bad_alloc aborts the program (RTE)",
                    "<bits/stdc++.h> is provided and precompiled; it is included in every \
                     program, so names from the whole standard library are declared",
                    "long is 32 bits: use long long or int64_t for 64-bit integers",
                    "the stack is 16 MiB and counts toward the memory limit",
                    WASM32,
                    NO_THREADS,
                    CLOCK,
                ],
            ),
            Language::Rust => (
                "Rust",
                "Rust 1.63 (edition 2021), standard library only",
                "main.wasm",
                &[
                    "no crates: only std is available",
                    "usize is 32 bits: use u64/i64 for large values",
                    "the main thread's stack is 16 MiB; std::thread::spawn fails",
                    "an allocation failure or panic aborts the program (RTE, or MLE when the \
                     memory limit was hit)",
                    WASM32,
                    NO_THREADS,
                    CLOCK,
                ],
            ),
            Language::Python => (
                "Python",
                "CPython 3.11.8",
                "python3 -S -B -c main.py",
                &[
                    "standard library only (no numpy); zlib, bz2, lzma, sqlite3, ssl and ctypes \
                     are missing",
                    "sys.maxsize is 2**31 - 1 (integers are still unbounded)",
                    "about 4 times slower than native CPython on the wall, but a time limit \
                     buys about the work native CPython does in it (4.6 times C's fuel per \
                     millisecond)",
                    NO_THREADS,
                    CLOCK,
                ],
            ),
            Language::JavaScript => (
                "JavaScript",
                "QuickJS-ng 0.16.2 (ES2023)",
                "qjs --std -e main.js",
                &[
                    "read input with std.in.readAsString() (or std.in.getline()); print with \
                     console.log",
                    "an interpreter, not a JIT: a time limit buys about the work native \
                     QuickJS does in it (4.2 times C's fuel per millisecond), about 20 times \
                     less than Node.js would do",
                    "10 000 nested calls fit on the stack; runaway recursion is a runtime \
                     error",
                    NO_THREADS,
                    CLOCK,
                ],
            ),
            Language::Go => (
                "Go",
                "Go 1.27.3 (GOOS=wasip1 GOARCH=wasm), standard library only",
                "main.wasm",
                &[
                    "no modules: only the standard library is available; the package must be \
                     main",
                    "int and uint are 64 bits, but uintptr is 32 bits and one program has at \
                     most 4 GiB of memory",
                    "goroutines work but run on one thread: there is no parallelism",
                    "the runtime and garbage collector count toward the time and memory limits; \
                     a time limit buys about the work native Go does in it (4.6 times C's fuel \
                     per millisecond)",
                    NO_THREADS,
                    CLOCK,
                ],
            ),
        };
        LanguageInfo {
            id,
            name,
            version,
            compile_command,
            run_command,
            limits,
            caveats: caveats.to_vec(),
        }
    }
}
