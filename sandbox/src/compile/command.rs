//! What every language family starts from (the host paths of the compilers) and what it hands
//! the compiler (a toolchain to jail and the command lines to run in it).
//!
//! The families themselves are `clang`, `rustc` and `go`; running the commands is `compiler`.

use std::path::PathBuf;

use crate::jail::Toolchain;

/// Host paths of the compilers, so a machine with another layout can point elsewhere.
#[derive(Debug, Clone)]
pub struct CompilerPaths {
    /// bubblewrap.
    pub bwrap: PathBuf,
    /// clang (also used as clang++), from Debian's clang-19.
    pub clang: PathBuf,
    /// Debian's rustc (not rustup's: only Debian ships the wasm32-wasi standard library).
    pub rustc: PathBuf,
    /// Where `install.sh` put the C++ support headers.
    pub cxx_include: PathBuf,
    /// The Go toolchain (`GOROOT`) with its standard library built for wasip1.
    pub go_root: PathBuf,
    /// The import map naming every standard-library archive of `go_root`.
    pub go_importcfg: PathBuf,
}

/// How one language is compiled.
pub(super) struct Command {
    /// What the jail exposes of the host.
    pub(super) toolchain: Toolchain,
    /// File name of the source inside the job directory.
    pub(super) source_name: &'static str,
    /// The command, with the source at `/job/<source_name>` and the output at `/job/main.wasm`.
    pub(super) argv: Vec<String>,
    /// A second command run in the same job directory when the first succeeds (Go links in a
    /// separate step).
    pub(super) link_argv: Option<Vec<String>>,
    /// Host path of the C++ support headers (C++ only).
    pub(super) cxx_include: Option<PathBuf>,
    /// Extra files compiled with the source, and the directory they are written to (C and C++
    /// validators only, see [`ValidatorSupport`]).
    pub(super) validator: Option<ValidatorSupport>,
}

/// What a validator's compile adds to a submission's: its other files under
/// [`VALIDATOR_FILES_IN_JOB`] (found by `#include`, and compiled when they are sources of the
/// language), and for C++, libc++ with file streams.
pub(super) struct ValidatorSupport {
    /// File name endings compiled and linked with the main source.
    pub(super) source_endings: &'static [&'static str],
    /// Host directories bound read-only in the jail, `(host, jail)`.
    pub(super) binds: Vec<(PathBuf, &'static str)>,
}

/// Where a validator's other files are written in the job directory (also an include path).
pub(super) const VALIDATOR_FILES_IN_JOB: &str = "/job/files";

/// Environment variables every jailed compiler gets, besides its own.
pub(super) fn scratch_env() -> [(String, String); 2] {
    [
        ("TMPDIR".into(), "/tmp".into()),
        ("HOME".into(), "/tmp".into()),
    ]
}
