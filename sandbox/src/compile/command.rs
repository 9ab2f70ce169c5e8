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
}

/// Environment variables every jailed compiler gets, besides its own.
pub(super) fn scratch_env() -> [(String, String); 2] {
    [
        ("TMPDIR".into(), "/tmp".into()),
        ("HOME".into(), "/tmp".into()),
    ]
}
