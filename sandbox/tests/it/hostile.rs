//! The hostile corpus in `tests/hostile/`: small programs that try to escape, exhaust or spy on
//! the judge. Each file states its expected verdict on its first line (`// expect: TLE`, or
//! `# expect: ...` in Python; alternatives separated by `|`). `@SECRET_PATH@` in a file is
//! replaced by the path of a freshly written host file whose content must never come back in
//! any output, message or compiler diagnostic.

use std::{path::PathBuf, time::Instant};

use joust_common::{
    Language,
    execution::{Checker, Verdict},
};
use joust_sandbox::{CompileError, RunLimits, verdict_of};

use crate::{HostSecret, sandbox};

const INPUT: &[u8] = b"1 2\n";
const EXPECTED: &[u8] = b"3\n";

fn language_of(path: &std::path::Path) -> Option<Language> {
    match path.extension()?.to_str()? {
        "c" => Some(Language::C),
        "cpp" => Some(Language::Cpp),
        "rs" => Some(Language::Rust),
        "py" => Some(Language::Python),
        "js" => Some(Language::JavaScript),
        "go" => Some(Language::Go),
        _ => None,
    }
}

fn parse_expectation(source: &str) -> Vec<Verdict> {
    let first = source.lines().next().unwrap_or_default();
    let names = first
        .split_once("expect:")
        .map(|(_, rest)| rest.trim())
        .unwrap_or_else(|| panic!("no `expect:` on the first line: {first}"));
    names
        .split('|')
        .map(|name| match name.trim() {
            "AC" => Verdict::AC,
            "WA" => Verdict::WA,
            "TLE" => Verdict::TLE,
            "MLE" => Verdict::MLE,
            "OLE" => Verdict::OLE,
            "RTE" => Verdict::RTE,
            "CE" => Verdict::CE,
            other => panic!("unknown verdict {other}"),
        })
        .collect()
}

#[test]
fn every_hostile_program_gets_its_verdict_and_leaks_nothing() {
    let secret = HostSecret::create();
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let hostname = hostname.trim();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| language_of(path).is_some())
        .collect();
    files.sort();
    assert!(files.len() >= 30, "the corpus has {} programs", files.len());

    let limits = RunLimits {
        time_limit_ms: 1_000,
        memory_limit_bytes: 64 << 20,
        output_limit_bytes: 1 << 20,
    };
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let language = language_of(path).unwrap();
        let source = std::fs::read_to_string(path)
            .unwrap()
            .replace("@SECRET_PATH@", secret.path());
        let expected = parse_expectation(&source);
        let started = Instant::now();
        let (verdict, texts) = match sandbox().prepare(language, &source) {
            Err(CompileError::Rejected(message)) => (Verdict::CE, vec![message]),
            Err(CompileError::Internal(message)) => {
                failures.push(format!("{name}: internal error: {message}"));
                continue;
            }
            Err(CompileError::Stopped) => unreachable!("nothing stops these compiles"),
            Ok(program) => {
                let outcome = sandbox().run(&program, INPUT, limits).unwrap();
                let (verdict, message) = verdict_of(&outcome, EXPECTED, &Checker::Tokens);
                let texts = vec![
                    String::from_utf8_lossy(&outcome.stdout).into_owned(),
                    String::from_utf8_lossy(&outcome.stderr).into_owned(),
                    message.unwrap_or_default(),
                ];
                (verdict, texts)
            }
        };
        let elapsed = started.elapsed();
        if !expected.contains(&verdict) {
            let detail: String = texts.join(" | ").chars().take(600).collect();
            failures.push(format!(
                "{name}: expected {expected:?}, got {verdict} ({detail})"
            ));
        }
        for text in &texts {
            let leaked = text.contains(secret.content())
                || text.contains("root:x:0:0")
                || (hostname.len() >= 6 && text.contains(hostname));
            if leaked {
                failures.push(format!("{name}: host data in the output: {text}"));
            }
        }
        // A hostile program must not hold a worker much longer than its limits allow.
        if elapsed.as_secs() > 40 {
            failures.push(format!("{name}: took {elapsed:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
