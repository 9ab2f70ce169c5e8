//! Settings of problem import and reading: the executor that verifies packages (read as the
//! `joust-problems` command reads it), and the routes' limits (who is an organizer is a role:
//! `joust-battle admin grant`).

use joust_common::settings::{CommonSettings, SettingError, env_or};
use joust_problems::settings::ExecutorSettings;

/// What the problem routes are configured with.
#[derive(Debug, Clone)]
pub struct ProblemSettings {
    /// `JOUST_EXECUTOR_URL` and `JOUST_EXECUTOR_TOKEN`: the executor that verifies uploaded
    /// packages (the first listed) and its bearer token (the judge's).
    pub executor: ExecutorSettings,
    /// `JOUST_PROBLEM_MAX_PACKAGE_BYTES`: largest package upload.
    pub max_package_bytes: usize,
    /// `JOUST_PROBLEM_IMPORTS_PER_MIN`: imports per organizer per minute (and the burst).
    pub imports_per_min: f64,
    /// `JOUST_PROBLEM_READS_PER_SEC`: problem list and statement reads per client address.
    pub reads_per_sec: f64,
}

impl Default for ProblemSettings {
    fn default() -> Self {
        Self {
            executor: ExecutorSettings::default(),
            max_package_bytes: 32 << 20,
            imports_per_min: 4.0,
            reads_per_sec: 20.0,
        }
    }
}

impl ProblemSettings {
    pub fn from_env(common: &CommonSettings) -> Result<Self, SettingError> {
        let d = Self::default();
        Ok(Self {
            executor: ExecutorSettings::from_env(common)?,
            max_package_bytes: env_or("JOUST_PROBLEM_MAX_PACKAGE_BYTES", d.max_package_bytes)?,
            imports_per_min: env_or("JOUST_PROBLEM_IMPORTS_PER_MIN", d.imports_per_min)?,
            reads_per_sec: env_or("JOUST_PROBLEM_READS_PER_SEC", d.reads_per_sec)?,
        })
    }
}
