//! Problem statements: Markdown kept as written, LaTeX converted to Markdown by pandoc at
//! import (math stays `$…$` for KaTeX). Statements are looked for in `statement/` (2023-07)
//! and `problem_statement/` (legacy) as `problem.md`, `problem.tex` or `problem.<lang>.…`.

use std::{
    io::{Read, Write},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::{report::Report, source::PackageFiles};

/// One language's statement, in Markdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    pub language: String,
    /// What the package had: `markdown` or `latex`.
    pub source_format: String,
    pub markdown: String,
}

/// Longest a pandoc conversion may take, and most Markdown it may write.
const PANDOC_TIMEOUT: Duration = Duration::from_secs(20);
const PANDOC_MAX_OUTPUT: u64 = 1 << 20;

/// The problem package format's LaTeX macros, defined so that pandoc keeps their text.
const KATTIS_MACROS: &str = r"\newcommand{\problemname}[1]{}
\newcommand{\illustration}[3]{}
\newcommand{\sampletable}[4]{}
\newcommand{\nextsample}{}
";

/// Finds and converts every statement; a package without one is reported.
pub fn collect(files: &PackageFiles, report: &mut Report) -> Vec<Statement> {
    let mut statements: Vec<Statement> = Vec::new();
    for (path, data) in &files.files {
        let Some(name) = path
            .strip_prefix("statement/")
            .or_else(|| path.strip_prefix("problem_statement/"))
        else {
            continue;
        };
        let parts: Vec<&str> = name.split('.').collect();
        let (language, ext) = match parts[..] {
            ["problem", ext] => ("en", ext),
            ["problem", lang, ext] => (lang, ext),
            _ => continue,
        };
        let format = match ext {
            "md" => "markdown",
            "tex" => "latex",
            _ => continue,
        };
        if statements.iter().any(|s| s.language == language) {
            report.add(format!(
                "{path}: a second statement in language {language:?}"
            ));
            continue;
        }
        let Ok(text) = std::str::from_utf8(data) else {
            report.add(format!("{path}: not UTF-8 text"));
            continue;
        };
        let markdown = if format == "latex" {
            match latex_to_markdown(text) {
                Ok(markdown) => markdown,
                Err(e) => {
                    report.add(format!("{path}: {e}"));
                    continue;
                }
            }
        } else {
            text.to_owned()
        };
        statements.push(Statement {
            language: language.to_owned(),
            source_format: format.to_owned(),
            markdown,
        });
    }
    if statements.is_empty() {
        report.add("statement/problem.md (or problem_statement/problem.tex): no statement");
    }
    statements
}

/// Converts a LaTeX statement body with Debian's pandoc (found on `PATH`).
pub fn latex_to_markdown(latex: &str) -> Result<String, String> {
    let program = "pandoc";
    let mut child = Command::new(program)
        .args(["--from", "latex", "--to", "markdown", "--wrap=none"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program} to convert LaTeX: {e}"))?;
    let input = format!("{KATTIS_MACROS}{latex}");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout)
            .take(PANDOC_MAX_OUTPUT + 1)
            .read_to_end(&mut out);
        out
    });
    let mut stderr = child.stderr.take().expect("piped stderr");
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stderr).take(4096).read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PANDOC_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the LaTeX conversion took too long".to_owned());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("the LaTeX conversion failed: {e}")),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "LaTeX does not convert: {}",
            String::from_utf8_lossy(&err).trim()
        ));
    }
    if out.len() as u64 > PANDOC_MAX_OUTPUT {
        return Err("the converted statement is above 1 MiB".to_owned());
    }
    String::from_utf8(out).map_err(|_| "the converted statement is not UTF-8".to_owned())
}
