//! Kattis problem packages (legacy and 2023-07 formats): reading them from a directory or a
//! zip under bounds, refusing bad ones with a full report, verifying them by running their
//! submissions and input validators on an executor, and storing them as versions.
//!
//! [`check_and_import`] is the whole path an upload takes; the CLI and the battle service's
//! organizer endpoint both call it.

pub mod cli;
pub mod config;
pub mod expectations;
pub mod glob;
pub mod package;
pub mod report;
pub mod runner;
pub mod select;
pub mod settings;
pub mod source;
pub mod statement;
pub mod store;
pub mod testdata;
pub mod validator_scripts;
pub mod verify;

pub use package::{Package, parse};
pub use report::Report;
pub use runner::{Execute, HttpExecutor};
pub use source::{Bounds, PackageFiles};
pub use store::Imported;
pub use verify::{Verified, verify};

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The package is refused: everything wrong with it.
    #[error("{0}")]
    Refused(Report),
    #[error("storing the problem failed")]
    Database(#[from] sqlx::Error),
}

/// Parses, verifies on `executor` and stores `files`; nothing is written unless all of it
/// passes, and a version already stored is left as it is.
pub async fn check_and_import<E: Execute>(
    pool: &sqlx::PgPool,
    files: &PackageFiles,
    executor: &E,
) -> Result<(Package, Verified, Imported), ImportError> {
    let package = parse(files).map_err(ImportError::Refused)?;
    let verified = verify(&package, executor)
        .await
        .map_err(ImportError::Refused)?;
    let imported = store::import(pool, &package, files, &verified).await?;
    Ok((package, verified, imported))
}
