//! A tournament's types: its format and settings as the organizer gives them, its state, and
//! what the API answers. Each SQL enum of the tournament tables has its Rust enum here.

use chrono::{DateTime, Duration, Utc};
use joust_brackets::{Format, GrandFinal};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ApiError;

/// The most problems in a tournament's pool.
pub const MAX_POOL: usize = 64;
/// The most characters in a tournament's name.
pub const MAX_NAME_CHARS: usize = 80;
/// The most players in one round-robin group: everyone meets everyone, so a group of `n` has
/// `n (n - 1) / 2` matches (2,016 at this size).
pub const MAX_GROUP_SIZE: u32 = 64;
/// How far ahead a tournament may be scheduled.
pub const MAX_LEAD_DAYS: i64 = 366;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "tournament_format", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum FormatKind {
    SingleElimination,
    DoubleElimination,
    RoundRobin,
    Swiss,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "tournament_grand_final", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum GrandFinalKind {
    None,
    Simple,
    Double,
}

/// Where a tournament is in its life: `draft` → `registration` → `check_in` → `running` →
/// `finished`, or `cancelled` from any state before `finished`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "tournament_state", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum TournamentState {
    Draft,
    Registration,
    CheckIn,
    Running,
    Finished,
    Cancelled,
}

impl TournamentState {
    /// The name clients see (the serde name).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// How checked-in players become seeds when the tournament starts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "tournament_seeding", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SeedingMethod {
    /// Highest rating first.
    ByRating,
    /// The order given in `order`.
    Manual,
}

/// `POST /api/tournaments`: a new tournament, in `draft`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTournament {
    /// 1 to 80 characters after trimming.
    #[schema(example = "Winter cup")]
    pub name: String,
    pub format: FormatKind,
    /// Single elimination: play a match for third place.
    #[serde(default)]
    pub third_place_match: bool,
    /// Double elimination: the grand final; `double` when absent.
    #[serde(default)]
    pub grand_final: Option<GrandFinalKind>,
    /// Round robin: how many groups (1 to 64); 1 when absent.
    #[serde(default)]
    pub groups: Option<u32>,
    /// Round robin: everyone meets twice, sides swapped.
    #[serde(default)]
    pub double_round_robin: bool,
    /// Swiss: how many rounds (1 to 64); 1 when absent.
    #[serde(default)]
    pub swiss_rounds: Option<u32>,
    /// The problems battles are drawn from: 1 to 64 distinct problem ids.
    pub problem_pool: Vec<Uuid>,
    /// When the first round is due: from a day ago to a year ahead.
    pub starts_at: DateTime<Utc>,
    /// Seconds between rounds, 60 to 604800, at least `battle_secs` (a development server may
    /// allow less than 60: `JOUST_TOURNAMENT_MIN_SECS`).
    pub round_interval_secs: u32,
    /// Each battle's length in seconds, 60 to 14400 (the same minimum as rounds).
    pub battle_secs: u32,
    /// 2 to 4096, and at most 64 per group in a round robin; when absent, 256 (64 per group
    /// in a round robin).
    #[serde(default)]
    pub max_participants: Option<u32>,
}

/// A request's settings, checked.
#[derive(Debug, Clone)]
pub struct NewTournament {
    pub name: String,
    pub format: FormatKind,
    pub third_place_match: bool,
    pub grand_final: GrandFinalKind,
    pub groups: i32,
    pub double_round_robin: bool,
    pub swiss_rounds: i32,
    pub problem_pool: Vec<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub round_interval_secs: i32,
    pub battle_secs: i32,
    pub max_participants: i32,
}

fn bounded(value: u32, min: u32, max: u32, what: &str) -> Result<i32, ApiError> {
    if (min..=max).contains(&value) {
        Ok(value as i32)
    } else {
        Err(ApiError::InvalidPayload(format!(
            "{what} must be between {min} and {max}"
        )))
    }
}

impl CreateTournament {
    /// Checks every setting but the problems' existence (the store checks that). Rounds and
    /// battles last at least `min_secs` (`JOUST_TOURNAMENT_MIN_SECS`).
    pub fn check(self, now: DateTime<Utc>, min_secs: u32) -> Result<NewTournament, ApiError> {
        let name = self.name.trim().to_owned();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(ApiError::InvalidPayload(format!(
                "name must be 1 to {MAX_NAME_CHARS} characters, none of them control characters"
            )));
        }
        let mut pool = self.problem_pool;
        pool.sort_unstable();
        pool.dedup();
        if pool.is_empty() || pool.len() > MAX_POOL {
            return Err(ApiError::InvalidPayload(format!(
                "problem_pool must hold 1 to {MAX_POOL} distinct problems"
            )));
        }
        if self.starts_at < now - Duration::days(1)
            || self.starts_at > now + Duration::days(MAX_LEAD_DAYS)
        {
            return Err(ApiError::InvalidPayload(format!(
                "starts_at must be between a day ago and {MAX_LEAD_DAYS} days ahead"
            )));
        }
        let round_interval_secs = bounded(
            self.round_interval_secs,
            min_secs,
            604_800,
            "round_interval_secs",
        )?;
        let battle_secs = bounded(self.battle_secs, min_secs, 14_400, "battle_secs")?;
        if battle_secs > round_interval_secs {
            return Err(ApiError::InvalidPayload(
                "battle_secs must not exceed round_interval_secs".to_owned(),
            ));
        }
        let groups = bounded(self.groups.unwrap_or(1), 1, 64, "groups")?;
        let per_group_cap = groups as u32 * MAX_GROUP_SIZE;
        let round_robin = self.format == FormatKind::RoundRobin;
        let max_participants = bounded(
            self.max_participants
                .unwrap_or(if round_robin { per_group_cap } else { 256 }),
            2,
            joust_brackets::MAX_PARTICIPANTS as u32,
            "max_participants",
        )?;
        if round_robin && max_participants as u32 > per_group_cap {
            return Err(ApiError::InvalidPayload(format!(
                "a round-robin group holds at most {MAX_GROUP_SIZE} players: \
                 raise groups or lower max_participants"
            )));
        }
        Ok(NewTournament {
            name,
            format: self.format,
            third_place_match: self.third_place_match,
            grand_final: self.grand_final.unwrap_or(GrandFinalKind::Double),
            groups,
            double_round_robin: self.double_round_robin,
            swiss_rounds: bounded(self.swiss_rounds.unwrap_or(1), 1, 64, "swiss_rounds")?,
            problem_pool: pool,
            starts_at: self.starts_at,
            round_interval_secs,
            battle_secs,
            max_participants,
        })
    }
}

/// A tournament as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tournament {
    pub id: Uuid,
    pub name: String,
    pub organizer_id: Uuid,
    pub format: FormatKind,
    pub third_place_match: bool,
    pub grand_final: GrandFinalKind,
    pub groups: i32,
    pub double_round_robin: bool,
    pub swiss_rounds: i32,
    pub problem_pool: Vec<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub round_interval_secs: i32,
    pub battle_secs: i32,
    pub max_participants: i32,
    pub state: TournamentState,
    /// Set once started.
    pub seeding: Option<SeedingMethod>,
    pub registered: i64,
    pub checked_in: i64,
}

impl Tournament {
    /// The bracket library's format for these settings.
    pub fn bracket_format(&self) -> Format {
        match self.format {
            FormatKind::SingleElimination => Format::SingleElimination {
                third_place_match: self.third_place_match,
            },
            FormatKind::DoubleElimination => Format::DoubleElimination {
                grand_final: match self.grand_final {
                    GrandFinalKind::None => GrandFinal::None,
                    GrandFinalKind::Simple => GrandFinal::Simple,
                    GrandFinalKind::Double => GrandFinal::Double,
                },
            },
            FormatKind::RoundRobin => Format::RoundRobin {
                groups: self.groups as u32,
                double: self.double_round_robin,
            },
            FormatKind::Swiss => Format::Swiss {
                rounds: self.swiss_rounds as u32,
            },
        }
    }
}

/// A match of a started tournament, with its schedule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TournamentMatch {
    /// The bracket's match id (brackets-model's `match.id`).
    pub id: u32,
    /// The group's index in the bracket export (brackets-model's `group_id`).
    pub group: u32,
    pub round: u32,
    pub number: u32,
    /// `locked`, `waiting`, `ready`, `completed` or `skipped`.
    pub status: String,
    /// The players, first side first; `null` while unknown or for a bye.
    pub players: [Option<Uuid>; 2],
    /// `first`, `second` or `draw` once decided.
    pub outcome: Option<String>,
    pub scheduled_at: DateTime<Utc>,
    pub battle_id: Option<Uuid>,
}

/// A tournament with its players and, once started, its matches.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TournamentDetail {
    #[serde(flatten)]
    pub tournament: Tournament,
    pub entrants: Vec<Entrant>,
    pub matches: Vec<TournamentMatch>,
}

/// A registered player.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entrant {
    pub user_id: Uuid,
    pub name: String,
    pub checked_in: bool,
    /// The seed (0 is the top seed) once started.
    pub seed: Option<i32>,
}

/// `POST /api/tournaments/{id}/start`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// `by_rating` when absent.
    #[serde(default)]
    pub seeding: Option<SeedingMethod>,
    /// With `manual`: every checked-in player's id once, top seed first.
    #[serde(default)]
    pub order: Option<Vec<Uuid>>,
}

/// How a match ended, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportedOutcome {
    /// The first side (`opponent1`) won.
    First,
    /// The second side (`opponent2`) won.
    Second,
    /// Round robin and Swiss only.
    Draw,
}

impl From<ReportedOutcome> for joust_brackets::Outcome {
    fn from(o: ReportedOutcome) -> Self {
        use joust_brackets::{Outcome, Side};
        match o {
            ReportedOutcome::First => Outcome::Winner(Side::First),
            ReportedOutcome::Second => Outcome::Winner(Side::Second),
            ReportedOutcome::Draw => Outcome::Draw,
        }
    }
}

/// `POST` (report) or `PUT` (override) `/api/tournaments/{id}/matches/{match}/result`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultRequest {
    pub outcome: ReportedOutcome,
}

/// `PUT /api/tournaments/{id}/matches/{match}/schedule`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// From a day ago to a year ahead.
    pub scheduled_at: DateTime<Utc>,
}

/// `POST /api/tournaments/{id}/disqualify`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisqualifyRequest {
    pub user_id: Uuid,
}

/// A player's place, from the bracket library's standings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TournamentStanding {
    pub user_id: Uuid,
    pub name: String,
    pub seed: u32,
    /// 1 is the best; `null` while still in the running of an elimination bracket.
    pub rank: Option<u32>,
    pub group: u32,
    pub played: u32,
    pub wins: u32,
    pub draws: u32,
    pub losses: u32,
    pub byes: u32,
    pub forfeits: u32,
    pub points: f64,
    pub buchholz: f64,
    pub sonneborn_berger: f64,
    pub disqualified: bool,
}
