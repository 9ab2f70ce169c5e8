//! A prepared program: the module every run instantiates (the submission's own, or the
//! interpreter that runs its source) and how it is started (arguments, read-only mounts).
//!
//! How a program is compiled or looked up is in `sandbox` and `compile`; how a run is limited
//! and stopped is in `run`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use wasmtime::InstancePre;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::{
    guest::GuestState,
    judge_files::{VALIDATOR_ANSWER, VALIDATOR_DIR, VALIDATOR_FEEDBACK_DIR, VALIDATOR_INPUT},
    python,
};

/// What a validator run gets besides a program's usual start: the judge's files (read-only),
/// the feedback directory (writable) and the problem's validator flags.
#[derive(Debug, Clone)]
pub(crate) struct ValidatorMounts {
    /// Host directory with `input` and `answer`, mounted at [`VALIDATOR_DIR`].
    pub(crate) judge_dir: PathBuf,
    /// Host feedback directory, mounted at [`VALIDATOR_FEEDBACK_DIR`].
    pub(crate) feedback_dir: PathBuf,
    /// Passed after input, answer and feedback directory.
    pub(crate) flags: Arc<[String]>,
}

/// QuickJS's own limit on its (linear-memory) stack: it throws a catchable `RangeError` before
/// the 8 MiB stack the runtime is linked with overflows.
const JS_STACK_LIMIT: &str = "7m";

/// A program ready to run many times. Cheap to clone.
#[derive(Clone)]
pub struct Program {
    /// What each run instantiates.
    module: InstancePre<GuestState>,
    launch: Launch,
    /// Fuel units per millisecond of the time limit, for this program's language.
    fuel_per_ms: u64,
}

/// What distinguishes one program of a module from another.
#[derive(Clone)]
enum Launch {
    /// The module was compiled from the submission (C, C++, Rust, Go).
    Native,
    /// The module is the CPython runtime; the source is its `-c` argument and the standard
    /// library is mounted from `stdlib`.
    Python { source: Arc<str>, stdlib: Arc<Path> },
    /// The module is the QuickJS runtime; the source is its `-e` argument.
    JavaScript { source: Arc<str> },
}

impl Program {
    /// A module compiled from the submission.
    pub(crate) fn native(module: InstancePre<GuestState>, fuel_per_ms: u64) -> Self {
        Self {
            module,
            launch: Launch::Native,
            fuel_per_ms,
        }
    }

    /// `source` run by the pre-initialized CPython `runtime`, whose standard library is at
    /// `stdlib` on the host.
    pub(crate) fn python(
        runtime: InstancePre<GuestState>,
        stdlib: Arc<Path>,
        source: &str,
        fuel_per_ms: u64,
    ) -> Self {
        Self {
            module: runtime,
            launch: Launch::Python {
                source: Arc::from(source),
                stdlib,
            },
            fuel_per_ms,
        }
    }

    /// `source` run by the QuickJS `runtime`.
    pub(crate) fn javascript(
        runtime: InstancePre<GuestState>,
        source: &str,
        fuel_per_ms: u64,
    ) -> Self {
        Self {
            module: runtime,
            launch: Launch::JavaScript {
                source: Arc::from(source),
            },
            fuel_per_ms,
        }
    }

    pub(crate) fn fuel_per_ms(&self) -> u64 {
        self.fuel_per_ms
    }

    /// Gives `wasi` this program's arguments and mounts, and returns the module to
    /// instantiate. A validator (`validator` set) gets the judge's files and its feedback
    /// directory mounted, and its first arguments, after the runtime's own, are the input,
    /// the answer, the feedback directory and then the validator flags (Kattis convention).
    pub(crate) fn start(
        &self,
        wasi: &mut WasiCtxBuilder,
        validator: Option<&ValidatorMounts>,
    ) -> anyhow::Result<&InstancePre<GuestState>> {
        let mut judge_args: Vec<&str> = Vec::new();
        if let Some(mounts) = validator {
            judge_args.extend([VALIDATOR_INPUT, VALIDATOR_ANSWER, VALIDATOR_FEEDBACK_DIR]);
            judge_args.extend(mounts.flags.iter().map(String::as_str));
        }
        let judge_args = judge_args.as_slice();
        match &self.launch {
            Launch::Native => {
                wasi.args(&["main"]).args(judge_args);
            }
            Launch::Python { source, stdlib } => {
                // The interpreter was configured when the snapshot was made (no site, no
                // bytecode writing, hash seed 0, PYTHONHOME=/usr/local); the options are
                // repeated for the record. The standard library must be the first preopened
                // directory, where the snapshot expects it.
                wasi.args(&["python3", "-S", "-B", "-c", source])
                    .args(judge_args)
                    .preopened_dir(stdlib, python::STDLIB_GUEST_DIR, FsPerms::ReadOnly)?;
            }
            Launch::JavaScript { source } => {
                wasi.args(&["qjs", "--std", "--stack-size", JS_STACK_LIMIT, "-e", source])
                    .args(judge_args);
            }
        }
        if let Some(mounts) = validator {
            wasi.preopened_dir(&mounts.judge_dir, VALIDATOR_DIR, FsPerms::ReadOnly)?;
            wasi.preopened_dir(
                &mounts.feedback_dir,
                VALIDATOR_FEEDBACK_DIR,
                FsPerms::ReadWrite,
            )?;
        }
        Ok(&self.module)
    }
}
