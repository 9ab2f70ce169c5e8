//! One language's [`Compiler`]: the jail built for its toolchain, its command lines, and the
//! on-disk cache of its artifacts (keyed by the language, the exact command lines and the
//! source).
//!
//! Which commands a language runs is decided in `clang`, `rustc` and `go`; the job directory
//! and error messages are in `job` and `error`.

use std::path::{Path, PathBuf};

use joust_common::{Language, execution::SourceFile};

use super::{
    clang::{self, CxxHeaders},
    command::{Command, CompilerPaths, VALIDATOR_FILES_IN_JOB, ValidatorSupport},
    error::{COMPILE_LIMIT_EXCEEDED, CompileError, clean_message, internal},
    go,
    job::{JobDir, to_os},
    rustc,
};
use crate::{
    cache::DiskCache,
    jail::{Jail, JailLimits, JailStatus},
    stop::Stop,
};

/// How many times a submission's compile time limits a validator's compile gets.
const VALIDATOR_COMPILE_TIME_FACTOR: u64 = 3;

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
    /// The compiled wasm of submissions in `work_dir`, bounded by bytes.
    artifacts: DiskCache,
    /// The headers every program includes (C++ submissions only).
    cxx: Option<CxxHeaders>,
    /// Set for the compiler of a language's validators.
    validator: Option<ValidatorSupport>,
}

impl Compiler {
    /// The compiler of `language`, or `None` for interpreted languages.
    pub fn for_language(
        language: Language,
        paths: &CompilerPaths,
        work_dir: &Path,
        limits: JailLimits,
        cache_bytes: u64,
    ) -> anyhow::Result<Option<Self>> {
        let command: Command = match language {
            Language::Python | Language::JavaScript => return Ok(None),
            Language::C => clang::c(paths)?,
            Language::Cpp => clang::cpp(paths)?,
            Language::Rust => rustc::command(paths)?,
            Language::Go => go::command(paths)?,
        };
        let work_dir = work_dir.join(language.as_str());
        Self::from_command(language, command, paths, work_dir, limits, cache_bytes).map(Some)
    }

    /// The compiler of `language`'s output validators: C and C++ with their other files, C++
    /// with file streams; the other languages' validators are prepared like submissions.
    pub fn for_validator(
        language: Language,
        paths: &CompilerPaths,
        work_dir: &Path,
        limits: JailLimits,
        cache_bytes: u64,
    ) -> anyhow::Result<Option<Self>> {
        let work_dir = work_dir.join(format!("{language}-validator"));
        // A validator is compiled once per problem, without the precompiled header, and may
        // include large single-header libraries: three times a submission's time.
        let limits = JailLimits {
            cpu_secs: limits
                .cpu_secs
                .saturating_mul(VALIDATOR_COMPILE_TIME_FACTOR),
            wall_secs: limits
                .wall_secs
                .saturating_mul(VALIDATOR_COMPILE_TIME_FACTOR),
            ..limits
        };
        let command = match language {
            Language::C => clang::c_validator(paths)?,
            Language::Cpp => clang::cpp_validator(paths, &work_dir.join("support"))?,
            _ => return Ok(None),
        };
        Self::from_command(language, command, paths, work_dir, limits, cache_bytes).map(Some)
    }

    fn from_command(
        language: Language,
        command: Command,
        paths: &CompilerPaths,
        work_dir: PathBuf,
        limits: JailLimits,
        cache_bytes: u64,
    ) -> anyhow::Result<Self> {
        let jail = Jail::new(&paths.bwrap, &command.toolchain, limits)?;
        let cxx = command.cxx_include.map(CxxHeaders::new).transpose()?;
        Ok(Self {
            language,
            jail,
            source_name: command.source_name,
            argv: command.argv,
            link_argv: command.link_argv,
            artifacts: DiskCache::new(work_dir.clone(), cache_bytes),
            work_dir,
            cxx,
            validator: command.validator,
        })
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

    /// Compiles `source` and returns the wasm bytes; gives up (killing the compiler) when
    /// `stop` says so.
    pub fn compile(&self, source: &str, stop: &Stop) -> Result<Vec<u8>, CompileError> {
        self.compile_files(source, &[], stop)
    }

    /// [`Compiler::compile`] with the other files of a validator's directory (a validator
    /// compiler only): written under `/job/files`, and those of the language's source endings
    /// compiled and linked too. Cached by the content of every file.
    pub fn compile_files(
        &self,
        source: &str,
        files: &[SourceFile],
        stop: &Stop,
    ) -> Result<Vec<u8>, CompileError> {
        let mut argv = self.argv.clone();
        let mut extra = match &self.cxx {
            Some(cxx) => cxx.use_in(&mut argv, &self.jail, &self.work_dir)?,
            None => Vec::new(),
        };
        if !files.is_empty() && self.validator.is_none() {
            return Err(CompileError::Internal(
                "only validators are compiled from several files".into(),
            ));
        }
        if let Some(validator) = &self.validator {
            extra.extend(validator.binds.iter().cloned());
            let main = format!("/job/{}", self.source_name);
            let at = argv
                .iter()
                .position(|a| *a == main)
                .map_or(argv.len(), |i| i + 1);
            let sources = files
                .iter()
                .filter(|f| validator.source_endings.iter().any(|e| f.path.ends_with(e)))
                .map(|f| format!("{VALIDATOR_FILES_IN_JOB}/{}", f.path));
            argv.splice(at..at, sources.collect::<Vec<_>>());
        }
        let link = self.link_argv.as_deref().unwrap_or_default();
        let mut keyed = format!(
            "{}\0{}\0{}\0{}",
            self.language.as_str(),
            argv.join("\u{1}"),
            link.join("\u{1}"),
            source
        );
        for file in files {
            keyed.push_str(&format!(
                "\0{}\0{}\0{}",
                file.path,
                file.content.len(),
                file.content
            ));
        }
        let key = crate::cache::sha256_hex(keyed.as_bytes());
        let artifact = self.work_dir.join(format!("{key}.wasm"));
        if let Ok(bytes) = std::fs::read(&artifact) {
            self.artifacts.touch(&artifact);
            return Ok(bytes);
        }
        let job = JobDir::create(&self.work_dir)?;
        std::fs::write(job.path.join(self.source_name), source).map_err(internal)?;
        for file in files {
            job.write_file(&format!("files/{}", file.path), &file.content)?;
        }
        for step in std::iter::once(&argv).chain(&self.link_argv) {
            let run = self
                .jail
                .run(&job.path, &extra, &to_os(step), stop)
                .map_err(internal)?;
            match run.status {
                JailStatus::Succeeded => {}
                JailStatus::Stopped => return Err(CompileError::Stopped),
                JailStatus::Killed => {
                    return Err(CompileError::Rejected(COMPILE_LIMIT_EXCEEDED.to_owned()));
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
            self.artifacts.trim();
        }
        Ok(bytes)
    }
}
