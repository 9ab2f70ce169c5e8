//! One language's [`Compiler`]: the jail built for its toolchain, its command lines, and the
//! on-disk cache of its artifacts (keyed by the language, the exact command lines and the
//! source).
//!
//! Which commands a language runs is decided in `clang`, `rustc` and `go`; the job directory
//! and error messages are in `job` and `error`.

use std::path::{Path, PathBuf};

use joust_common::Language;

use super::{
    clang::{self, CxxHeaders},
    command::{Command, CompilerPaths},
    error::{CompileError, clean_message, internal},
    go,
    job::{JobDir, to_os},
    rustc,
};
use crate::jail::{Jail, JailLimits, JailStatus};

/// Limits of every compiler run.
pub const COMPILE_LIMITS: JailLimits = JailLimits {
    cpu_secs: 15,
    wall_secs: 30,
    address_space_bytes: 4 << 30,
    // Object files carry zero-initialised arrays in full: `static int a[1 << 26]` is 256 MiB.
    file_bytes: 1 << 30,
};

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
    /// The headers every program includes (C++ only).
    cxx: Option<CxxHeaders>,
}

impl Compiler {
    /// The compiler of `language`, or `None` for interpreted languages.
    pub fn for_language(
        language: Language,
        paths: &CompilerPaths,
        work_dir: &Path,
        limits: JailLimits,
    ) -> anyhow::Result<Option<Self>> {
        let command: Command = match language {
            Language::Python | Language::JavaScript => return Ok(None),
            Language::C => clang::c(paths)?,
            Language::Cpp => clang::cpp(paths)?,
            Language::Rust => rustc::command(paths)?,
            Language::Go => go::command(paths)?,
        };
        let jail = Jail::new(&paths.bwrap, &command.toolchain, limits)?;
        let cxx = command.cxx_include.map(CxxHeaders::new).transpose()?;
        Ok(Some(Self {
            language,
            jail,
            source_name: command.source_name,
            argv: command.argv,
            link_argv: command.link_argv,
            work_dir: work_dir.join(language.as_str()),
            cxx,
        }))
    }

    /// The compiler command line as a contestant would type it (for `GET /v1/languages`).
    pub fn command_line(&self) -> String {
        let mut argv = self.argv.clone();
        if self.cxx.is_some() {
            CxxHeaders::show_in(&mut argv);
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
        let mut argv = self.argv.clone();
        let extra = match &self.cxx {
            Some(cxx) => cxx.use_in(&mut argv, &self.jail, &self.work_dir)?,
            None => Vec::new(),
        };
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
        let bytes = job.read_output("main.wasm")?;
        let tmp = artifact.with_extension(format!("tmp{}", job.id));
        if std::fs::write(&tmp, &bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &artifact);
        }
        Ok(bytes)
    }
}
