//! Settings of tournaments: the routes' limits, the shortest rounds and battles organizers may
//! ask for, and how the scheduler runs (how often, how far ahead players are told, how long a
//! player has to show up).

use std::time::Duration;

use joust_common::settings::{CommonSettings, SettingError, env_ms, env_or};

/// The shortest round interval and battle length outside development mode, in seconds.
pub const PRODUCTION_MIN_SECS: u32 = 60;

/// What tournaments are configured with.
#[derive(Debug, Clone)]
pub struct TournamentSettings {
    /// `JOUST_TOURNAMENT_ACTIONS_PER_MIN`: tournament actions (every write) per user per
    /// minute.
    pub actions_per_min: f64,
    /// `JOUST_TOURNAMENT_READS_PER_SEC`: public reads per client address per second.
    pub reads_per_sec: f64,
    /// `JOUST_TOURNAMENT_MIN_SECS`: the shortest round interval and battle length a tournament
    /// may have. Below 60 only with `JOUST_DEV_MODE=true`: short rounds are for tests and
    /// development.
    pub min_secs: u32,
    /// `JOUST_TOURNAMENT_SCHEDULER`: whether this instance runs the scheduler (every instance
    /// does by default; turning it off on some is safe, and tests drive it by hand).
    pub scheduler: bool,
    /// `JOUST_TOURNAMENT_TICK_MS`: how often the scheduler looks for results to apply, players
    /// to tell, matches to start and no-shows.
    pub tick: Duration,
    /// `JOUST_TOURNAMENT_NOTICE_MS`: how long before a match its players get
    /// `tournament:match`; a match that became ready after its time starts this long after the
    /// notice.
    pub notice: Duration,
    /// `JOUST_TOURNAMENT_NO_SHOW_GRACE_MS`: how long after a tournament battle's start a
    /// player has to show up before forfeiting.
    pub no_show_grace: Duration,
    /// `JOUST_TOURNAMENT_START_CONCURRENCY`: due matches one instance turns into battles at
    /// once.
    pub start_concurrency: usize,
}

impl Default for TournamentSettings {
    fn default() -> Self {
        Self {
            actions_per_min: 120.0,
            reads_per_sec: 20.0,
            min_secs: PRODUCTION_MIN_SECS,
            scheduler: true,
            tick: Duration::from_secs(1),
            notice: Duration::from_secs(60),
            no_show_grace: Duration::from_secs(120),
            start_concurrency: 4,
        }
    }
}

fn invalid(name: &str, value: impl ToString, reason: &str) -> SettingError {
    SettingError {
        name: name.to_owned(),
        value: value.to_string(),
        reason: reason.to_owned(),
    }
}

impl TournamentSettings {
    pub fn from_env(common: &CommonSettings) -> Result<Self, SettingError> {
        let d = Self::default();
        let settings = Self {
            actions_per_min: env_or("JOUST_TOURNAMENT_ACTIONS_PER_MIN", d.actions_per_min)?,
            reads_per_sec: env_or("JOUST_TOURNAMENT_READS_PER_SEC", d.reads_per_sec)?,
            min_secs: env_or("JOUST_TOURNAMENT_MIN_SECS", d.min_secs)?,
            scheduler: env_or("JOUST_TOURNAMENT_SCHEDULER", d.scheduler)?,
            tick: env_ms("JOUST_TOURNAMENT_TICK_MS", d.tick)?,
            notice: env_ms("JOUST_TOURNAMENT_NOTICE_MS", d.notice)?,
            no_show_grace: env_ms("JOUST_TOURNAMENT_NO_SHOW_GRACE_MS", d.no_show_grace)?,
            start_concurrency: env_or("JOUST_TOURNAMENT_START_CONCURRENCY", d.start_concurrency)?,
        };
        settings.check(common.dev_mode)?;
        Ok(settings)
    }

    /// Refuses settings that cannot work, and short rounds outside development mode.
    pub fn check(&self, dev_mode: bool) -> Result<(), SettingError> {
        for (name, value) in [
            ("JOUST_TOURNAMENT_ACTIONS_PER_MIN", self.actions_per_min),
            ("JOUST_TOURNAMENT_READS_PER_SEC", self.reads_per_sec),
        ] {
            if !(value > 0.0 && value.is_finite()) {
                return Err(invalid(name, value, "must be a positive number"));
            }
        }
        if self.min_secs == 0 || (self.min_secs < PRODUCTION_MIN_SECS && !dev_mode) {
            return Err(invalid(
                "JOUST_TOURNAMENT_MIN_SECS",
                self.min_secs,
                "must be at least 60, or at least 1 with JOUST_DEV_MODE=true",
            ));
        }
        if self.tick.is_zero() {
            return Err(invalid("JOUST_TOURNAMENT_TICK_MS", 0, "must be positive"));
        }
        if self.start_concurrency == 0 {
            return Err(invalid(
                "JOUST_TOURNAMENT_START_CONCURRENCY",
                0,
                "must be positive",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_rounds_need_development_mode() {
        let short = TournamentSettings {
            min_secs: 1,
            ..TournamentSettings::default()
        };
        assert!(short.check(false).is_err());
        assert!(short.check(true).is_ok());
        assert!(TournamentSettings::default().check(false).is_ok());
        let none = TournamentSettings {
            min_secs: 0,
            ..TournamentSettings::default()
        };
        assert!(none.check(true).is_err());
    }
}
