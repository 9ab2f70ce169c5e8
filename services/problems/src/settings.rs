//! Where the CLI finds the database and an executor to verify packages on, and the executor
//! settings the battle service's import route reads the same way.

use joust_common::{
    execution::DEVELOPMENT_EXECUTOR_TOKEN,
    settings::{CommonSettings, SettingError, StoreSettings, env_list, env_secret},
};

/// The executor that verifies packages.
#[derive(Debug, Clone)]
pub struct ExecutorSettings {
    /// `JOUST_EXECUTOR_URL`: the executor that runs verification (the first of the list).
    pub url: String,
    /// `JOUST_EXECUTOR_TOKEN`: its bearer token. Required outside development mode.
    pub token: String,
}

impl Default for ExecutorSettings {
    fn default() -> Self {
        Self {
            url: "http://127.0.0.1:8082".to_owned(),
            token: DEVELOPMENT_EXECUTOR_TOKEN.to_owned(),
        }
    }
}

impl ExecutorSettings {
    pub fn from_env(common: &CommonSettings) -> Result<Self, SettingError> {
        let d = Self::default();
        Ok(Self {
            url: env_list("JOUST_EXECUTOR_URL", vec![d.url])?
                .into_iter()
                .next()
                .unwrap_or_default(),
            token: env_secret(
                "JOUST_EXECUTOR_TOKEN",
                "JOUST_EXECUTOR_PREVIOUS_TOKEN",
                DEVELOPMENT_EXECUTOR_TOKEN,
                common.dev_mode,
            )?
            .current,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub stores: StoreSettings,
    pub executor: ExecutorSettings,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingError> {
        let common = CommonSettings::from_env()?;
        Ok(Self {
            stores: StoreSettings::from_env(),
            executor: ExecutorSettings::from_env(&common)?,
        })
    }
}
