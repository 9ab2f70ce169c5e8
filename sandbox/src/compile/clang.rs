//! C and C++ with Debian's clang-19 and wasi-libc / libc++: the LLVM installation as the
//! jail's toolchain, the two command lines, and C++'s precompiled `<bits/stdc++.h>`.
//!
//! Running the commands and caching their artifacts is `compiler`; the other languages are in
//! `rustc` and `go`.

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
};

use super::{
    command::{Command, CompilerPaths, VALIDATOR_FILES_IN_JOB, ValidatorSupport, scratch_env},
    error::{CompileError, internal},
    job::{JobDir, to_os},
};
use crate::{
    jail::{Jail, JailStatus, Toolchain},
    stop::Stop,
};

/// Where the C++ support headers (the `<bits/stdc++.h>` shim) appear inside the jail.
const CXX_INCLUDE_IN_JAIL: &str = "/opt/joust/include";
/// Where the precompiled `<bits/stdc++.h>` appears inside the jail.
const CXX_PCH_IN_JAIL: &str = "/opt/joust/pch/stdc++.h.pch";
/// Linear-memory stack of compiled C and C++ programs: deep enough for recursive solutions,
/// small enough to fit the tightest memory limits with room for the heap.
const NATIVE_STACK_BYTES: u32 = 16 << 20;
/// How many arguments end a C++ command line (`-o`, the output, the source, a library): the
/// header flags go just before them.
const CXX_TRAILING_ARGS: usize = 4;

/// C17 with GNU extensions.
pub(super) fn c(paths: &CompilerPaths) -> anyhow::Result<Command> {
    let mut argv = vec![
        clang_binary(&paths.clang, "clang"),
        "--target=wasm32-wasi".into(),
        "-std=gnu17".into(),
        "-O2".into(),
        "-s".into(),
        "-fno-color-diagnostics".into(),
    ];
    argv.extend(stack_flags());
    argv.extend(["-o", "/job/main.wasm", "/job/main.c", "-lm"].map(String::from));
    Ok(Command {
        toolchain: toolchain(&paths.clang)?,
        source_name: "main.c",
        argv,
        link_argv: None,
        cxx_include: None,
        validator: None,
    })
}

/// C++20 without exceptions; every program includes the precompiled `<bits/stdc++.h>`
/// ([`CxxHeaders`]).
pub(super) fn cpp(paths: &CompilerPaths) -> anyhow::Result<Command> {
    let mut argv = vec![clang_binary(&paths.clang, "clang++")];
    argv.extend(cxx_flags());
    argv.extend(stack_flags());
    argv.extend(
        [
            "-o",
            "/job/main.wasm",
            "/job/main.cpp",
            "-lc-printscan-long-double",
        ]
        .map(String::from),
    );
    Ok(Command {
        toolchain: toolchain(&paths.clang)?,
        source_name: "main.cpp",
        argv,
        link_argv: None,
        cxx_include: Some(paths.cxx_include.clone()),
        validator: None,
    })
}

/// Where a C++ validator's support files (libc++'s configuration with file streams on, and
/// their template instances) appear inside the jail.
const VALIDATOR_SUPPORT_IN_JAIL: &str = "/opt/joust/validator";
/// libc++'s configuration header of the wasm32 build.
const LIBCXX_CONFIG_SITE: &str = "/usr/include/wasm32-wasi/c++/v1/__config_site";

/// A C validator: as a C submission, with its other files beside it.
pub(super) fn c_validator(paths: &CompilerPaths) -> anyhow::Result<Command> {
    let mut command = c(paths)?;
    let at = command.argv.len() - 4;
    command
        .argv
        .splice(at..at, ["-I".to_owned(), VALIDATOR_FILES_IN_JOB.to_owned()]);
    command.validator = Some(ValidatorSupport {
        source_endings: &[".c"],
        binds: Vec::new(),
    });
    Ok(command)
}

/// A C++ validator: as a C++ submission, but with libc++'s file streams (Debian builds its
/// wasm32 libc++ without them, `_LIBCPP_HAS_NO_FILESYSTEM`, though wasi-libc has `fopen` on
/// preopened directories): a copy of libc++'s configuration without that switch comes first on
/// the include path, and the stream templates libc++ would have instantiated are instantiated
/// in `fstream.cpp`, linked in. `<bits/stdc++.h>` is found but not force-included (its
/// precompiled form was built without file streams). `support_dir` receives those two files.
pub(super) fn cpp_validator(paths: &CompilerPaths, support_dir: &Path) -> anyhow::Result<Command> {
    write_validator_support(support_dir)?;
    let mut argv = vec![clang_binary(&paths.clang, "clang++")];
    argv.extend(cxx_flags());
    argv.extend(stack_flags());
    argv.extend([
        "-isystem".to_owned(),
        format!("{VALIDATOR_SUPPORT_IN_JAIL}/include"),
        "-I".to_owned(),
        CXX_INCLUDE_IN_JAIL.to_owned(),
        "-I".to_owned(),
        VALIDATOR_FILES_IN_JOB.to_owned(),
        "-o".to_owned(),
        "/job/main.wasm".to_owned(),
        "/job/main.cpp".to_owned(),
        format!("{VALIDATOR_SUPPORT_IN_JAIL}/fstream.cpp"),
        "-lc-printscan-long-double".to_owned(),
    ]);
    Ok(Command {
        toolchain: toolchain(&paths.clang)?,
        source_name: "main.cpp",
        argv,
        link_argv: None,
        cxx_include: None,
        validator: Some(ValidatorSupport {
            source_endings: &[".cc", ".cpp", ".cxx"],
            // The shim headers are bound where submissions see them.
            binds: vec![
                (support_dir.to_owned(), VALIDATOR_SUPPORT_IN_JAIL),
                (paths.cxx_include.clone(), CXX_INCLUDE_IN_JAIL),
            ],
        }),
    })
}

/// Writes `include/__config_site` (libc++'s, file streams on) and `fstream.cpp` into `dir`.
fn write_validator_support(dir: &Path) -> anyhow::Result<()> {
    let config = std::fs::read_to_string(LIBCXX_CONFIG_SITE)
        .map_err(|e| anyhow::anyhow!("reading {LIBCXX_CONFIG_SITE}: {e}"))?;
    let config: String = config
        .lines()
        .map(|line| {
            if line.trim() == "#define _LIBCPP_HAS_NO_FILESYSTEM" {
                "/* file streams on: wasi-libc opens files in preopened directories */"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let instances = "#include <fstream>\n\
        template class std::basic_filebuf<char>;\n\
        template class std::basic_ifstream<char>;\n\
        template class std::basic_ofstream<char>;\n\
        template class std::basic_fstream<char>;\n";
    std::fs::create_dir_all(dir.join("include"))?;
    for (name, content) in [
        ("include/__config_site", config.as_str()),
        ("fstream.cpp", instances),
    ] {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == content) {
            continue;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, content)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(())
}

/// /usr/lib/llvm-19/bin/clang: the whole LLVM installation is the toolchain.
fn toolchain(clang: &Path) -> anyhow::Result<Toolchain> {
    let clang = std::fs::canonicalize(clang)
        .or_else(|_| which(clang))
        .map_err(|e| anyhow::anyhow!("clang at {}: {e}", clang.display()))?;
    let llvm_root = clang
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| anyhow::anyhow!("unexpected clang path {}", clang.display()))?
        .to_owned();
    let mut env = vec![
        (
            "PATH".into(),
            format!("{}/bin:/usr/bin", llvm_root.display()),
        ),
        // The loader cannot expand $ORIGIN without /proc, which the jail lacks.
        (
            "LD_LIBRARY_PATH".into(),
            format!("{}/lib", llvm_root.display()),
        ),
    ];
    env.extend(scratch_env());
    let mut toolchain = Toolchain {
        executables: vec![clang.clone(), llvm_root.join("bin/wasm-ld")],
        paths: vec![
            llvm_root.clone(),
            "/usr/include/wasm32-wasi".into(),
            "/usr/lib/wasm32-wasi".into(),
        ],
        env,
        proc_self_exe: None,
    };
    // Debian's clang asks for the versioned linker name.
    let linker = Path::new("/usr/bin/wasm-ld-19");
    if linker.exists() {
        toolchain.paths.push(linker.to_owned());
    }
    Ok(toolchain)
}

/// The host path of `name` next to the real `clang` (`clang++` is a sibling link), or the
/// bare name when clang cannot be found.
fn clang_binary(clang: &Path, name: &str) -> String {
    std::fs::canonicalize(clang)
        .or_else(|_| which(clang))
        .map(|p| p.with_file_name(name).display().to_string())
        .unwrap_or_else(|_| name.to_owned())
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

fn stack_flags() -> [String; 2] {
    [
        "-Wl,--stack-first".to_owned(),
        format!("-Wl,-z,stack-size={NATIVE_STACK_BYTES}"),
    ]
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

/// The `<bits/stdc++.h>` shim every C++ program includes, and its precompiled header.
pub(super) struct CxxHeaders {
    /// Host path of the support headers, bound at [`CXX_INCLUDE_IN_JAIL`].
    include: PathBuf,
    /// The precompiled header, built on first use.
    pch: Mutex<Option<PathBuf>>,
}

impl CxxHeaders {
    pub(super) fn new(include: PathBuf) -> anyhow::Result<Self> {
        anyhow::ensure!(
            include.join("bits/stdc++.h").is_file(),
            "the C++ support headers are missing from {} (run `make runtimes`)",
            include.display()
        );
        Ok(Self {
            include,
            pch: Mutex::new(None),
        })
    }

    /// `argv` as a contestant would type it: the header is simply included.
    pub(super) fn show_in(argv: &mut Vec<String>) {
        let at = argv.len() - CXX_TRAILING_ARGS;
        argv.splice(at..at, ["-include".to_owned(), "bits/stdc++.h".to_owned()]);
    }

    /// Adds the header flags to `argv` (whose first word is the compiler) and returns what the
    /// jail must bind for them, precompiling the header first when needed.
    pub(super) fn use_in(
        &self,
        argv: &mut Vec<String>,
        jail: &Jail,
        work_dir: &Path,
    ) -> Result<Vec<(PathBuf, &'static str)>, CompileError> {
        let pch = self.precompiled_header(&argv[0], jail, work_dir)?;
        let at = argv.len() - CXX_TRAILING_ARGS;
        argv.splice(
            at..at,
            [
                "-I".to_owned(),
                CXX_INCLUDE_IN_JAIL.to_owned(),
                "-include-pch".to_owned(),
                CXX_PCH_IN_JAIL.to_owned(),
            ],
        );
        Ok(vec![
            (self.include.clone(), CXX_INCLUDE_IN_JAIL),
            (pch, CXX_PCH_IN_JAIL),
        ])
    }

    /// The shim precompiled with exactly the flags of user programs by `compiler`, built in
    /// the jail on first use and cached in `work_dir` (keyed by header and flags). Every
    /// request shares it, so no single request's end stops its build: the compile limits do.
    fn precompiled_header(
        &self,
        compiler: &str,
        jail: &Jail,
        work_dir: &Path,
    ) -> Result<PathBuf, CompileError> {
        let mut cached = self.pch.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(path) = cached.as_ref() {
            return Ok(path.clone());
        }
        let include = &self.include;
        let header = std::fs::read(include.join("bits/stdc++.h")).map_err(internal)?;
        let flags = cxx_flags();
        let mut keyed = header.clone();
        keyed.extend(flags.join("\u{1}").bytes());
        keyed.extend(compiler.bytes());
        // clang rejects a PCH whose inputs changed on disk, even to the same content (a
        // reinstall, a libc++ upgrade): their modification times are part of the key.
        for input in [
            include.join("bits/stdc++.h"),
            PathBuf::from("/usr/include/wasm32-wasi/c++/v1/__config"),
            PathBuf::from(compiler),
        ] {
            let modified = std::fs::metadata(&input)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            keyed.extend(modified.to_le_bytes());
        }
        let key = &crate::cache::sha256_hex(&keyed)[..16];
        std::fs::create_dir_all(work_dir).map_err(internal)?;
        let path = work_dir.join(format!("stdc++-{key}.pch"));
        // Several processes may start on a cold cache at once: one builds, the others wait.
        let lock = std::fs::File::create(path.with_extension("lock")).map_err(internal)?;
        lock.lock().map_err(internal)?;
        if !path.is_file() {
            let job = JobDir::create(work_dir)?;
            let mut argv = vec![compiler.to_owned()];
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
            let run = jail
                .run(&job.path, &extra, &to_os(&argv), &Stop::never())
                .map_err(internal)?;
            if run.status != JailStatus::Succeeded {
                return Err(CompileError::Internal(format!(
                    "precompiling <bits/stdc++.h> failed: {}",
                    run.stderr.trim()
                )));
            }
            let bytes = job.read_output("stdc++.h.pch")?;
            let tmp = path.with_extension(format!("tmp{}", job.id));
            std::fs::write(&tmp, bytes).map_err(internal)?;
            std::fs::rename(&tmp, &path).map_err(internal)?;
        }
        *cached = Some(path.clone());
        Ok(path)
    }
}
