//! Compiling submissions to wasm32-wasi: C and C++ with Debian's clang-19, Rust with Debian's
//! rustc, Go with the Go toolchain's own compiler and linker (GOOS=wasip1).
//!
//! Every compiler runs in a [`Jail`]; artifacts are cached by a hash of the language, the exact
//! compiler command line and the source.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use joust_common::Language;

use crate::jail::{JOB_DIR, Jail, JailLimits, JailStatus, Toolchain};

/// Longest compiler message returned to a contestant.
const MAX_MESSAGE_BYTES: usize = 4096;
/// Where the C++ support headers (the `<bits/stdc++.h>` shim) appear inside the jail.
const CXX_INCLUDE_IN_JAIL: &str = "/opt/joust/include";
/// Where the precompiled `<bits/stdc++.h>` appears inside the jail.
const CXX_PCH_IN_JAIL: &str = "/opt/joust/pch/stdc++.h.pch";
/// Linear-memory stack of compiled C and C++ programs: deep enough for recursive solutions,
/// small enough to fit the tightest memory limits with room for the heap.
const NATIVE_STACK_BYTES: u32 = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The program does not compile; the message is the compiler's, trimmed.
    #[error("compilation failed")]
    Rejected(String),
    /// The compiler could not be run at all.
    #[error("compiler unavailable: {0}")]
    Internal(String),
}

static NEXT_JOB: AtomicU64 = AtomicU64::new(0);

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

/// One language's compiler: the jail it runs in and the exact command line.
pub struct Compiler {
    language: Language,
    jail: Jail,
    /// File name of the source inside the job directory.
    source_name: &'static str,
    /// The command, with the source at `/job/<source_name>` and the output at `/job/main.wasm`.
    argv: Vec<String>,
    /// A second command run in the same job directory when the first succeeds (Go links in a
    /// separate step).
    link_argv: Option<Vec<String>>,
    work_dir: PathBuf,
    /// Host path of `cxx_include`, bound at [`CXX_INCLUDE_IN_JAIL`] (C++ only).
    cxx_include: Option<PathBuf>,
    /// The precompiled header, built on first use (C++ only).
    pch: Mutex<Option<PathBuf>>,
}

impl Compiler {
    /// The compiler of `language`, or `None` for interpreted languages.
    pub fn for_language(
        language: Language,
        paths: &CompilerPaths,
        work_dir: &Path,
        limits: JailLimits,
    ) -> anyhow::Result<Option<Self>> {
        let clang_toolchain = || -> anyhow::Result<Toolchain> {
            let clang = std::fs::canonicalize(&paths.clang)
                .or_else(|_| which(&paths.clang))
                .map_err(|e| anyhow::anyhow!("clang at {}: {e}", paths.clang.display()))?;
            // /usr/lib/llvm-19/bin/clang: the whole LLVM installation is the toolchain.
            let llvm_root = clang
                .parent()
                .and_then(Path::parent)
                .ok_or_else(|| anyhow::anyhow!("unexpected clang path {}", clang.display()))?
                .to_owned();
            let mut toolchain = Toolchain {
                executables: vec![clang.clone(), llvm_root.join("bin/wasm-ld")],
                paths: vec![
                    llvm_root.clone(),
                    "/usr/include/wasm32-wasi".into(),
                    "/usr/lib/wasm32-wasi".into(),
                ],
                env: vec![
                    (
                        "PATH".into(),
                        format!("{}/bin:/usr/bin", llvm_root.display()),
                    ),
                    // The loader cannot expand $ORIGIN without /proc, which the jail lacks.
                    (
                        "LD_LIBRARY_PATH".into(),
                        format!("{}/lib", llvm_root.display()),
                    ),
                    ("TMPDIR".into(), "/tmp".into()),
                    ("HOME".into(), "/tmp".into()),
                ],
                proc_self_exe: None,
            };
            // Debian's clang asks for the versioned linker name.
            let linker = Path::new("/usr/bin/wasm-ld-19");
            if linker.exists() {
                toolchain.paths.push(linker.to_owned());
            }
            Ok(toolchain)
        };
        let clang_binary = |clang: &Path, name: &str| {
            std::fs::canonicalize(clang)
                .or_else(|_| which(clang))
                .map(|p| p.with_file_name(name).display().to_string())
                .unwrap_or_else(|_| name.to_owned())
        };
        let stack = [
            "-Wl,--stack-first".to_owned(),
            format!("-Wl,-z,stack-size={NATIVE_STACK_BYTES}"),
        ];
        let mut link_argv = None;
        let (jail, source_name, argv, cxx_include) = match language {
            Language::Python | Language::JavaScript => return Ok(None),
            Language::C => {
                let mut argv = vec![
                    clang_binary(&paths.clang, "clang"),
                    "--target=wasm32-wasi".into(),
                    "-std=gnu17".into(),
                    "-O2".into(),
                    "-s".into(),
                    "-fno-color-diagnostics".into(),
                ];
                argv.extend(stack.iter().cloned());
                argv.extend(["-o", "/job/main.wasm", "/job/main.c", "-lm"].map(String::from));
                let jail = Jail::new(&paths.bwrap, &clang_toolchain()?, limits)?;
                (jail, "main.c", argv, None)
            }
            Language::Cpp => {
                let mut argv = vec![clang_binary(&paths.clang, "clang++")];
                argv.extend(cxx_flags());
                argv.extend(stack.iter().cloned());
                argv.extend(
                    [
                        "-o",
                        "/job/main.wasm",
                        "/job/main.cpp",
                        "-lc-printscan-long-double",
                    ]
                    .map(String::from),
                );
                let jail = Jail::new(&paths.bwrap, &clang_toolchain()?, limits)?;
                anyhow::ensure!(
                    paths.cxx_include.join("bits/stdc++.h").is_file(),
                    "the C++ support headers are missing from {} (run `make runtimes`)",
                    paths.cxx_include.display()
                );
                (jail, "main.cpp", argv, Some(paths.cxx_include.clone()))
            }
            Language::Rust => {
                let rustc = std::fs::canonicalize(&paths.rustc)?;
                let toolchain = Toolchain {
                    executables: vec![rustc.clone(), std::fs::canonicalize("/usr/bin/rust-lld")?],
                    paths: vec![
                        "/usr/bin/rust-lld".into(),
                        "/usr/lib/rustlib/wasm32-wasi".into(),
                    ],
                    env: vec![
                        ("PATH".into(), "/usr/bin".into()),
                        ("TMPDIR".into(), "/tmp".into()),
                        ("HOME".into(), "/tmp".into()),
                    ],
                    proc_self_exe: Some(rustc.clone()),
                };
                let argv = [
                    rustc.display().to_string().as_str(),
                    "--sysroot=/usr",
                    "--target=wasm32-wasi",
                    "--edition=2021",
                    "--crate-name=main",
                    "-O",
                    "-Cstrip=symbols",
                    "-Ccodegen-units=1",
                    "-Clink-arg=-zstack-size=16777216",
                    "--color=never",
                    "-o",
                    "/job/main.wasm",
                    "/job/main.rs",
                ]
                .map(String::from)
                .to_vec();
                let jail = Jail::new(&paths.bwrap, &toolchain, limits)?;
                (jail, "main.rs", argv, None)
            }
            Language::Go => {
                let go_root = std::fs::canonicalize(&paths.go_root).map_err(|e| {
                    anyhow::anyhow!(
                        "Go at {}: {e} (run `make runtimes`)",
                        paths.go_root.display()
                    )
                })?;
                let importcfg = std::fs::canonicalize(&paths.go_importcfg)?;
                let tools = go_root.join("pkg/tool/linux_amd64");
                // The tools are static binaries: the toolchain is the GOROOT and the import map.
                let toolchain = Toolchain {
                    executables: vec![],
                    paths: vec![go_root.clone(), importcfg.clone()],
                    env: vec![
                        ("GOOS".into(), "wasip1".into()),
                        ("GOARCH".into(), "wasm".into()),
                        ("GOROOT".into(), go_root.display().to_string()),
                        ("PATH".into(), "/usr/bin".into()),
                        ("TMPDIR".into(), "/tmp".into()),
                        ("HOME".into(), "/tmp".into()),
                    ],
                    proc_self_exe: None,
                };
                let importcfg = importcfg.display().to_string();
                let argv = vec![
                    tools.join("compile").display().to_string(),
                    "-p".into(),
                    "main".into(),
                    "-complete".into(),
                    "-importcfg".into(),
                    importcfg.clone(),
                    "-o".into(),
                    "/job/main.o".into(),
                    "-pack".into(),
                    "/job/main.go".into(),
                ];
                link_argv = Some(vec![
                    tools.join("link").display().to_string(),
                    "-importcfg".into(),
                    importcfg,
                    "-buildmode=exe".into(),
                    "-s".into(),
                    "-o".into(),
                    "/job/main.wasm".into(),
                    "/job/main.o".into(),
                ]);
                let jail = Jail::new(&paths.bwrap, &toolchain, limits)?;
                (jail, "main.go", argv, None)
            }
        };
        Ok(Some(Self {
            language,
            jail,
            source_name,
            argv,
            link_argv,
            work_dir: work_dir.join(language.as_str()),
            cxx_include,
            pch: Mutex::new(None),
        }))
    }

    /// The compiler command line as a contestant would type it (for `GET /v1/languages`).
    pub fn command_line(&self) -> String {
        let mut argv = self.argv.clone();
        if self.cxx_include.is_some() {
            let at = argv.len() - 4;
            argv.splice(at..at, ["-include".to_owned(), "bits/stdc++.h".to_owned()]);
        }
        let show = |argv: &[String]| {
            argv.iter()
                .map(|arg| {
                    let arg = arg.rsplit_once('/').map_or(arg.as_str(), |(dir, name)| {
                        if dir.starts_with("/usr/lib/llvm")
                            || dir == "/usr/bin"
                            || dir.ends_with("/pkg/tool/linux_amd64")
                            || name == "importcfg"
                        {
                            name
                        } else {
                            arg.as_str()
                        }
                    });
                    arg.replace("/job/", "")
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        match &self.link_argv {
            Some(link) => format!("{} && {}", show(&argv), show(link)),
            None => show(&argv),
        }
    }

    /// Compiles `source` and returns the wasm bytes.
    pub fn compile(&self, source: &str) -> Result<Vec<u8>, CompileError> {
        let mut extra: Vec<(PathBuf, &str)> = Vec::new();
        let mut argv = self.argv.clone();
        if let Some(include) = &self.cxx_include {
            let pch = self.precompiled_header(include)?;
            extra.push((include.clone(), CXX_INCLUDE_IN_JAIL));
            extra.push((pch, CXX_PCH_IN_JAIL));
            let at = argv.len() - 4;
            argv.splice(
                at..at,
                [
                    "-I".to_owned(),
                    CXX_INCLUDE_IN_JAIL.to_owned(),
                    "-include-pch".to_owned(),
                    CXX_PCH_IN_JAIL.to_owned(),
                ],
            );
        }
        let link = self.link_argv.as_deref().unwrap_or_default();
        let key = crate::cache::sha256_hex(
            format!(
                "{}\0{}\0{}\0{}",
                self.language.as_str(),
                argv.join("\u{1}"),
                link.join("\u{1}"),
                source
            )
            .as_bytes(),
        );
        let artifact = self.work_dir.join(format!("{key}.wasm"));
        if let Ok(bytes) = std::fs::read(&artifact) {
            return Ok(bytes);
        }
        let job = JobDir::create(&self.work_dir)?;
        std::fs::write(job.path.join(self.source_name), source).map_err(internal)?;
        for step in std::iter::once(&argv).chain(&self.link_argv) {
            let run = self
                .jail
                .run(&job.path, &extra, &to_os(step))
                .map_err(internal)?;
            match run.status {
                JailStatus::Succeeded => {}
                JailStatus::Killed => {
                    return Err(CompileError::Rejected(
                        "compilation exceeded its time or memory limit".to_owned(),
                    ));
                }
                JailStatus::Failed => {
                    return Err(CompileError::Rejected(clean_message(
                        &run.stderr,
                        self.source_name,
                    )));
                }
            }
        }
        let bytes = read_regular_file(&job.path.join("main.wasm"))?;
        let tmp = artifact.with_extension(format!("tmp{}", job.id));
        if std::fs::write(&tmp, &bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &artifact);
        }
        Ok(bytes)
    }

    /// The `<bits/stdc++.h>` shim precompiled with exactly the flags of user programs, built in
    /// the jail on first use and cached next to the artifacts (keyed by header and flags).
    fn precompiled_header(&self, include: &Path) -> Result<PathBuf, CompileError> {
        let mut cached = self.pch.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(path) = cached.as_ref() {
            return Ok(path.clone());
        }
        let header = std::fs::read(include.join("bits/stdc++.h")).map_err(internal)?;
        let flags = cxx_flags();
        let mut keyed = header.clone();
        keyed.extend(flags.join("\u{1}").bytes());
        keyed.extend(self.argv[0].bytes());
        // clang rejects a PCH whose inputs changed on disk, even to the same content (a
        // reinstall, a libc++ upgrade): their modification times are part of the key.
        for input in [
            include.join("bits/stdc++.h"),
            PathBuf::from("/usr/include/wasm32-wasi/c++/v1/__config"),
            PathBuf::from(&self.argv[0]),
        ] {
            let modified = std::fs::metadata(&input)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            keyed.extend(modified.to_le_bytes());
        }
        let key = &crate::cache::sha256_hex(&keyed)[..16];
        std::fs::create_dir_all(&self.work_dir).map_err(internal)?;
        let path = self.work_dir.join(format!("stdc++-{key}.pch"));
        // Several processes may start on a cold cache at once: one builds, the others wait.
        let lock = std::fs::File::create(path.with_extension("lock")).map_err(internal)?;
        lock.lock().map_err(internal)?;
        if !path.is_file() {
            let job = JobDir::create(&self.work_dir)?;
            let mut argv = vec![self.argv[0].clone()];
            argv.extend(flags);
            argv.extend(
                [
                    "-x",
                    "c++-header",
                    &format!("{CXX_INCLUDE_IN_JAIL}/bits/stdc++.h"),
                    "-o",
                    "/job/stdc++.h.pch",
                ]
                .map(String::from),
            );
            let extra = [(include.to_owned(), CXX_INCLUDE_IN_JAIL)];
            let run = self
                .jail
                .run(&job.path, &extra, &to_os(&argv))
                .map_err(internal)?;
            if run.status != JailStatus::Succeeded {
                return Err(CompileError::Internal(format!(
                    "precompiling <bits/stdc++.h> failed: {}",
                    run.stderr.trim()
                )));
            }
            let bytes = read_regular_file(&job.path.join("stdc++.h.pch"))?;
            let tmp = path.with_extension(format!("tmp{}", job.id));
            std::fs::write(&tmp, bytes).map_err(internal)?;
            std::fs::rename(&tmp, &path).map_err(internal)?;
        }
        *cached = Some(path.clone());
        Ok(path)
    }
}

/// Flags shared by C++ programs and the precompiled header (a PCH is only used when they match).
fn cxx_flags() -> Vec<String> {
    [
        "--target=wasm32-wasi",
        "-std=c++20",
        "-O2",
        "-fno-exceptions",
        "-s",
        "-fno-color-diagnostics",
    ]
    .map(String::from)
    .to_vec()
}

/// A fresh directory for one compile, removed when dropped.
struct JobDir {
    path: PathBuf,
    id: String,
}

impl JobDir {
    fn create(parent: &Path) -> Result<Self, CompileError> {
        let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}-{job}", std::process::id());
        let path = parent.join(format!("job-{id}"));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(internal)?;
        Ok(Self { path, id })
    }
}

impl Drop for JobDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Reads a file the jailed compiler wrote, refusing anything but a regular file: a symlink
/// planted in the job directory must not make the host read a file of its own.
fn read_regular_file(path: &Path) -> Result<Vec<u8>, CompileError> {
    let meta = std::fs::symlink_metadata(path).map_err(internal)?;
    if !meta.file_type().is_file() {
        return Err(CompileError::Internal(
            "the compiler output is not a regular file".into(),
        ));
    }
    std::fs::read(path).map_err(internal)
}

fn to_os(argv: &[String]) -> Vec<OsString> {
    argv.iter().map(OsString::from).collect()
}

/// Resolves a bare command name through `PATH`.
fn which(name: &Path) -> std::io::Result<PathBuf> {
    if name.components().count() > 1 {
        return std::fs::canonicalize(name);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .map(std::fs::canonicalize)
        .unwrap_or_else(|| {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "not on PATH",
            ))
        })
}

fn internal(e: impl std::fmt::Display) -> CompileError {
    CompileError::Internal(e.to_string())
}

/// Shows the contestant's file as `main.<ext>`, hides jail paths and keeps the message short.
fn clean_message(raw: &str, source_name: &str) -> String {
    let mut message = raw
        .replace(&format!("{JOB_DIR}/{source_name}"), source_name)
        .replace(&format!("{JOB_DIR}/"), "");
    if message.len() > MAX_MESSAGE_BYTES {
        let mut cut = MAX_MESSAGE_BYTES;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push_str("\n[truncated]");
    }
    message.trim_end().to_owned()
}
