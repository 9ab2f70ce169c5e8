//! Running host compilers inside a bubblewrap jail.
//!
//! Compilers run natively and read whatever paths a submission names (`#include "/etc/passwd"`,
//! `include_str!`), so each compile runs in fresh namespaces (no network, no other processes,
//! no host users) whose filesystem holds only the toolchain, read-only, and a job directory with
//! the source. The shared libraries of each toolchain binary are found with `ldd` when the jail
//! is built and bound one by one, so no library directory is exposed wholesale. `/proc` is not
//! mounted at all: `/proc/self/environ`, `/proc/cpuinfo` and friends do not exist inside.
//!
//! CPU time, address space and file sizes are capped with `prlimit`, wall time with `timeout`;
//! the request's [`Stop`] kills the jail earlier. What the compiler prints is read while it
//! runs and capped ([`crate::capture::OUTPUT_CAPTURE_BYTES`] per stream).
//!
//! Which toolchain and command line each language uses is in `compile`.

use std::{
    collections::BTreeSet,
    ffi::OsString,
    path::{Component, Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use anyhow::Context;

use crate::{capture::capture, stop::Stop};

/// Where the job directory (the source and the compiler's output) appears inside the jail.
pub const JOB_DIR: &str = "/job";

/// How often a waiting compile looks at its request's [`Stop`].
const STOP_POLL: Duration = Duration::from_millis(20);

/// Resource limits of one compiler run.
#[derive(Debug, Clone, Copy)]
pub struct JailLimits {
    /// CPU seconds, all threads together.
    pub cpu_secs: u64,
    /// Wall-clock seconds before the whole jail is killed.
    pub wall_secs: u64,
    /// Address space of each process.
    pub address_space_bytes: u64,
    /// Largest file a process may write (object files, the artifact, `/tmp`).
    pub file_bytes: u64,
}

/// What the toolchain needs from the host.
#[derive(Debug, Clone, Default)]
pub struct Toolchain {
    /// Executables the compiler runs (their shared libraries are bound too).
    pub executables: Vec<PathBuf>,
    /// Files and directories bound read-only at their own path.
    pub paths: Vec<PathBuf>,
    /// Environment inside the jail (it starts empty).
    pub env: Vec<(String, String)>,
    /// Where `/proc/self/exe` points inside the jail, for compilers that locate their own
    /// installation through it (rustc does, and panics without it). Only this one link exists
    /// under `/proc`: no procfs is mounted.
    pub proc_self_exe: Option<PathBuf>,
}

/// A bubblewrap command line for one toolchain, ready to run compiles.
#[derive(Debug, Clone)]
pub struct Jail {
    bwrap: PathBuf,
    /// Everything before the job-specific arguments.
    args: Vec<OsString>,
    limits: JailLimits,
}

/// How a jailed command ended.
#[derive(Debug)]
pub struct JailRun {
    pub status: JailStatus,
    /// What the command printed, stdout then stderr.
    pub stderr: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JailStatus {
    Succeeded,
    /// The command exited with a failure status of its own.
    Failed,
    /// Killed by a limit: wall time, CPU time, or a fatal signal (an allocation failing under
    /// the address-space cap usually ends in one).
    Killed,
    /// Killed because its request ended (deadline or caller gone), not by a limit of its own.
    Stopped,
}

impl Jail {
    /// Prepares the jail for `toolchain`. Fails when bubblewrap or a toolchain path is missing.
    pub fn new(bwrap: &Path, toolchain: &Toolchain, limits: JailLimits) -> anyhow::Result<Self> {
        let mut paths: Vec<PathBuf> = toolchain.paths.clone();
        for executable in &toolchain.executables {
            paths.push(executable.clone());
            paths.extend(shared_libraries(executable)?);
        }
        let mut args: Vec<OsString> = [
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--clearenv",
            "--uid",
            "65534",
            "--gid",
            "65534",
            "--dev",
            "/dev",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        // Mirror the host's merged-/usr symlinks so that interpreter and library paths baked
        // into binaries (/lib64/ld-linux-x86-64.so.2) resolve inside the jail.
        for top in ["/lib", "/lib64", "/bin", "/sbin"] {
            if let Ok(target) = std::fs::read_link(top) {
                args.extend(["--symlink".into(), target.into(), top.into()]);
            }
        }
        // Compilers put their object files in /tmp: it may grow as large as one file may. It
        // is mounted before the toolchain, so that a toolchain installed under the host's /tmp
        // (a checkout there) is bound on top of it instead of hidden by it.
        args.extend([
            "--size".into(),
            limits.file_bytes.to_string().into(),
            "--tmpfs".into(),
            "/tmp".into(),
        ]);
        for (source, destination) in bind_plan(&paths)? {
            args.extend(["--ro-bind".into(), source.into(), destination.into()]);
        }
        if let Some(exe) = &toolchain.proc_self_exe {
            args.extend(["--symlink".into(), exe.into(), "/proc/self/exe".into()]);
        }
        for (key, value) in &toolchain.env {
            args.extend(["--setenv".into(), key.into(), value.into()]);
        }
        let jail = Self {
            bwrap: bwrap.to_owned(),
            args,
            limits,
        };
        Ok(jail)
    }

    /// Runs `argv` in the jail with `job_dir` mounted read-write at [`JOB_DIR`] (its working
    /// directory) and each `(host, jail)` pair of `extra` bound read-only. The whole jail is
    /// killed when `stop` says so (the request's deadline, or its caller gone).
    pub fn run(
        &self,
        job_dir: &Path,
        extra: &[(PathBuf, &str)],
        argv: &[OsString],
        stop: &Stop,
    ) -> std::io::Result<JailRun> {
        let limits = self.limits;
        let mut command = Command::new("timeout");
        command
            .args(["-s", "KILL", &limits.wall_secs.to_string(), "prlimit"])
            .arg(format!("--cpu={}", limits.cpu_secs))
            .arg(format!("--as={}", limits.address_space_bytes))
            .arg(format!("--fsize={}", limits.file_bytes))
            .args(["--core=0", "--nofile=256", "--"])
            .arg(&self.bwrap)
            .args(&self.args);
        for (host, inside) in extra {
            command.arg("--ro-bind").arg(host).arg(inside);
        }
        command
            .arg("--bind")
            .arg(job_dir)
            .arg(JOB_DIR)
            .args(["--chdir", JOB_DIR, "--"])
            .args(argv)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .stdin(Stdio::null())
            // Go's compiler prints its errors on stdout, the others on stderr: keep both.
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        let stdout = capture(child.stdout.take());
        let stderr = capture(child.stderr.take());
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if stop.is_stopped() {
                // `timeout` is the jail's parent: bubblewrap's --die-with-parent takes the
                // sandbox and the compiler with it.
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(STOP_POLL);
        };
        let (mut output, dropped_out) = stdout.join().unwrap_or_default();
        let (err, dropped_err) = stderr.join().unwrap_or_default();
        output.extend(err);
        let mut text = String::from_utf8_lossy(&output).into_owned();
        let dropped = dropped_out + dropped_err;
        if dropped > 0 {
            text.push_str(&format!(
                "\n[{dropped} more bytes of compiler output omitted]"
            ));
        }
        let status = match status.map(|s| s.code()) {
            None => JailStatus::Stopped,
            Some(Some(0)) => JailStatus::Succeeded,
            // 124/137: `timeout`; 128 + n: bubblewrap reporting a child killed by signal n
            // (SIGKILL at the CPU limit, SIGXCPU, SIGSEGV/SIGABRT when memory runs out).
            Some(Some(code)) if code == 124 || code > 128 => JailStatus::Killed,
            Some(Some(_)) => JailStatus::Failed,
            Some(None) => JailStatus::Killed,
        };
        Ok(JailRun {
            status,
            stderr: text,
        })
    }
}

/// The absolute paths of the shared libraries `executable` loads, as `ldd` reports them.
fn shared_libraries(executable: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let output = Command::new("ldd")
        .arg(executable)
        .env_clear()
        .output()
        .with_context(|| format!("running ldd on {}", executable.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "ldd {} failed: {}",
        executable.display(),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or
            // "/lib64/ld-linux-x86-64.so.2 (0x...)"; the vDSO has no path.
            line.split_whitespace()
                .find(|word| word.starts_with('/'))
                .map(PathBuf::from)
        })
        .collect())
}

/// Read-only binds `(host source, jail destination)` that make every path in `paths` resolve
/// inside the jail as it does on the host.
///
/// A path's target is bound at its canonical location, and also at the location its own name
/// sits at once its directory is resolved (the link `/usr/lib/llvm-19/lib/libLLVM.so.19.1`
/// points into `/usr/lib/x86_64-linux-gnu`; the loader asks for
/// `/lib64/ld-linux-x86-64.so.2`). Nothing is bound inside an already bound directory.
fn bind_plan(paths: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut wanted: BTreeSet<(PathBuf, PathBuf)> = BTreeSet::new();
    for path in paths {
        let real = std::fs::canonicalize(path)
            .with_context(|| format!("toolchain path {} is missing", path.display()))?;
        wanted.insert((real.clone(), real.clone()));
        let as_named = normalize(path);
        let located = match (as_named.parent(), as_named.file_name()) {
            (Some(parent), Some(name)) => std::fs::canonicalize(parent)
                .map(|p| p.join(name))
                .unwrap_or(as_named.clone()),
            _ => as_named.clone(),
        };
        if located != real {
            wanted.insert((real, located));
        }
    }
    // Directories first, shortest first, so that anything inside one is recognised and skipped.
    let mut ordered: Vec<(PathBuf, PathBuf)> = wanted.into_iter().collect();
    ordered
        .sort_by_key(|(source, destination)| (!source.is_dir(), destination.components().count()));
    let mut bound_dirs: Vec<PathBuf> = Vec::new();
    let mut plan = Vec::new();
    for (source, destination) in ordered {
        if bound_dirs.iter().any(|dir| destination.starts_with(dir)) {
            continue;
        }
        if source.is_dir() {
            bound_dirs.push(destination.clone());
        }
        plan.push((source, destination));
    }
    Ok(plan)
}

/// `path` with `.` and `..` removed lexically (`/usr/lib/llvm-19/bin/../lib/x` is
/// `/usr/lib/llvm-19/lib/x`).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dot_segments() {
        assert_eq!(
            normalize(Path::new("/usr/lib/llvm-19/bin/../lib/./libLLVM.so")),
            PathBuf::from("/usr/lib/llvm-19/lib/libLLVM.so")
        );
    }

    #[test]
    fn plan_skips_paths_inside_bound_directories() {
        let dir = std::env::temp_dir().join(format!("jail-plan-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/file"), b"x").unwrap();
        let plan = bind_plan(&[dir.join("sub/file"), dir.clone()]).unwrap();
        let real = std::fs::canonicalize(&dir).unwrap();
        assert_eq!(plan, vec![(real.clone(), real)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A toolchain installed under the host's /tmp (a checkout there keeps its runtimes in
    /// `.cache`) stays visible: the jail's own /tmp does not hide it.
    #[test]
    fn a_toolchain_under_the_host_tmp_is_visible_in_the_jail() {
        let dir = std::env::temp_dir().join(format!("jail-tmp-toolchain-{}", std::process::id()));
        let job = dir.join("job");
        std::fs::create_dir_all(&job).unwrap();
        std::fs::write(dir.join("tool.txt"), b"from the toolchain").unwrap();
        let toolchain = Toolchain {
            executables: vec![PathBuf::from("/usr/bin/cat")],
            paths: vec![dir.join("tool.txt")],
            ..Toolchain::default()
        };
        let limits = JailLimits {
            cpu_secs: 5,
            wall_secs: 10,
            address_space_bytes: 1 << 30,
            file_bytes: 1 << 20,
        };
        let jail = Jail::new(Path::new("bwrap"), &toolchain, limits).unwrap();
        let real = std::fs::canonicalize(dir.join("tool.txt")).unwrap();
        let run = jail
            .run(
                &job,
                &[],
                &["/usr/bin/cat".into(), real.into_os_string()],
                &Stop::never(),
            )
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(run.status, JailStatus::Succeeded, "{}", run.stderr);
        assert!(run.stderr.contains("from the toolchain"), "{}", run.stderr);
    }

    /// A jail running `executables` with a job directory under a fresh temporary directory.
    fn test_jail(name: &str, executables: &[&str]) -> (Jail, PathBuf) {
        let dir = std::env::temp_dir().join(format!("jail-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("job")).unwrap();
        let toolchain = Toolchain {
            executables: executables.iter().map(PathBuf::from).collect(),
            ..Toolchain::default()
        };
        let limits = JailLimits {
            cpu_secs: 30,
            wall_secs: 60,
            address_space_bytes: 1 << 30,
            file_bytes: 1 << 20,
        };
        (
            Jail::new(Path::new("bwrap"), &toolchain, limits).unwrap(),
            dir,
        )
    }

    /// A compile whose request ends is killed at once, long before its own limits.
    #[test]
    fn a_stopped_request_kills_its_compile() {
        let (jail, dir) = test_jail("stop", &["/usr/bin/sleep"]);
        let argv: Vec<OsString> = ["/usr/bin/sleep", "30"].map(OsString::from).to_vec();
        let started = std::time::Instant::now();
        let stop = Stop::at(started + Duration::from_millis(200));
        let run = jail.run(&dir.join("job"), &[], &argv, &stop).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(run.status, JailStatus::Stopped);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}
