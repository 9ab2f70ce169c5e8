//! The `joust-problems` command: `verify <path>` checks and verifies a package, `import
//! <path>` also stores it, `list` prints the stored problems. Exit status 0 on success, 1 when
//! a package is refused, 2 on misuse or an outage.

use std::path::Path;

use crate::{
    Bounds, HttpExecutor, ImportError, Package, PackageFiles, Verified, parse, settings::Settings,
    store, verify,
};

pub const USAGE: &str = "usage: joust-problems verify <package> | import <package> | list
  <package> is a directory, a .zip or a .kpp in the Kattis problem package format.";

/// What the command ended with: the text to print and the exit status.
pub struct Outcome {
    pub status: i32,
    pub text: String,
}

fn outcome(status: i32, text: impl Into<String>) -> Outcome {
    Outcome {
        status,
        text: text.into(),
    }
}

/// Runs the command given by `args` (without the program name).
pub async fn run(args: &[String]) -> anyhow::Result<Outcome> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let settings = Settings::from_env()?;
    let executor = HttpExecutor::new(&settings.executor.url, &settings.executor.token);
    match args[..] {
        ["verify", path] => {
            let files = match PackageFiles::read_path(Path::new(path), &Bounds::default()) {
                Ok(files) => files,
                Err(report) => return Ok(outcome(1, report.to_string())),
            };
            let package = match parse(&files) {
                Ok(package) => package,
                Err(report) => return Ok(outcome(1, report.to_string())),
            };
            match verify(&package, &executor).await {
                Ok(verified) => Ok(outcome(
                    0,
                    format!(
                        "{} verifies: {} tests, time limit {} ms{}, {} submissions as expected\n{}",
                        package.slug,
                        package.tests.len(),
                        verified.time_limit_ms,
                        if verified.time_limit_derived {
                            " (derived)"
                        } else {
                            ""
                        },
                        verified.runs.len(),
                        details(&package, &verified)
                    ),
                )),
                Err(report) => Ok(outcome(1, report.to_string())),
            }
        }
        ["import", path] => {
            let files = match PackageFiles::read_path(Path::new(path), &Bounds::default()) {
                Ok(files) => files,
                Err(report) => return Ok(outcome(1, report.to_string())),
            };
            let pool =
                joust_common::db::connect_postgres(&settings.stores.database_url, 2, true).await?;
            match crate::check_and_import(&pool, &files, &executor).await {
                Ok((package, verified, imported)) => Ok(outcome(
                    0,
                    format!(
                        "{} {} as version {} (time limit {} ms)\n{}",
                        package.slug,
                        if imported.created {
                            "imported"
                        } else {
                            "unchanged"
                        },
                        imported.version_id,
                        verified.time_limit_ms,
                        details(&package, &verified)
                    ),
                )),
                Err(ImportError::Refused(report)) => Ok(outcome(1, report.to_string())),
                Err(e) => Err(e.into()),
            }
        }
        ["list"] => {
            let pool =
                joust_common::db::connect_postgres(&settings.stores.database_url, 2, true).await?;
            let mut text = String::new();
            for p in store::list(&pool).await? {
                text.push_str(&format!(
                    "{}\t{}\trating {}\t{} ms\t{} MiB\t{}\n",
                    p.slug,
                    p.title,
                    p.rating,
                    p.time_limit_ms,
                    p.memory_limit_mb,
                    p.content_hash.as_deref().map_or("seeded", |h| &h[..12])
                ));
            }
            Ok(outcome(0, text))
        }
        _ => Ok(outcome(2, format!("{USAGE}\n"))),
    }
}

/// One line per submission run (verdict, path, slowest test, score on a scoring problem) and
/// per warning.
fn details(package: &Package, verified: &Verified) -> String {
    let mut text = String::new();
    for run in &verified.runs {
        let score = run
            .score
            .map(|score| format!(", score {score}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "  {} {} ({} ms{score})\n",
            run.verdict, run.path, run.max_time_ms
        ));
    }
    for warning in &package.warnings {
        text.push_str(&format!("  warning: {warning}\n"));
    }
    text
}
