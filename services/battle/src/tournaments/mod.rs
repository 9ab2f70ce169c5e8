//! Tournaments over HTTP and the command line: organizers create a tournament, open
//! registration and then a check-in window, start it (which draws the bracket from the
//! checked-in players), reschedule matches, disqualify players and report or override results;
//! everyone lists tournaments and exports a bracket (brackets-model JSON) and its standings.
//!
//! Drawing and playing a bracket are `joust-brackets`'; this module stores tournaments
//! (`store`, `bracket`, `schedule`), decides who may do what (`Actor`), serves the routes
//! (`routes`, `reads`, `views`) and the `joust-battle tournament ...` commands (`cli`), and
//! plays them: the `scheduler` every instance runs tells players their match is coming
//! (`notices`), turns due matches into battles once (`launch`), forfeits no-shows
//! (`attendance`) and applies finished battles to the bracket (`results`).

pub mod attendance;
pub mod bracket;
pub mod cli;
pub mod launch;
pub mod model;
pub mod notices;
pub mod reads;
pub mod results;
pub mod routes;
pub mod schedule;
pub mod scheduler;
pub mod store;
pub mod views;

use std::{net::IpAddr, sync::Arc};

use axum::{
    Extension, Router,
    extract::DefaultBodyLimit,
    http::StatusCode,
    routing::{get, post, put},
};
use joust_brackets::BracketError;
use joust_common::metrics::counter_vec;
use prometheus::{IntCounterVec, Registry};
use uuid::Uuid;

pub use crate::settings::TournamentSettings;
use crate::{AppState, error::ApiError, ratelimit::KeyedBuckets};
pub use model::TournamentState;

/// The largest tournament request body: the biggest is a creation with a full problem pool, or
/// a manual seeding of a large field.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What a tournament action can be refused for, beyond the API's common refusals.
#[derive(Debug, thiserror::Error)]
pub enum TournamentError {
    #[error("no such tournament")]
    NotFound,
    #[error("the tournament is {}; this cannot be done now", .0.name())]
    WrongState(TournamentState),
    #[error("you are already registered for this tournament")]
    AlreadyEntered,
    #[error("you are not registered for this tournament")]
    NotEntered,
    #[error("the tournament has its most participants")]
    Full,
    #[error("guests cannot enter tournaments; register an account first")]
    GuestNotAllowed,
    #[error("this player is not a participant of the tournament")]
    ParticipantNotFound,
    #[error("the match already has a battle or a result; it cannot be rescheduled")]
    MatchStarted,
    #[error("{0}")]
    Bracket(#[from] BracketError),
}

impl TournamentError {
    /// Every code these errors answer with.
    pub const CODES: &[&str] = &[
        "TOURNAMENT_NOT_FOUND",
        "TOURNAMENT_STATE",
        "ALREADY_ENTERED",
        "NOT_ENTERED",
        "TOURNAMENT_FULL",
        "GUEST_NOT_ALLOWED",
        "PARTICIPANT_NOT_FOUND",
        "MATCH_STARTED",
        "TOO_FEW_PARTICIPANTS",
        "TOO_MANY_PARTICIPANTS",
        "BAD_GROUP_COUNT",
        "BAD_ROUND_COUNT",
        "UNKNOWN_MATCH",
        "UNKNOWN_PARTICIPANT",
        "MATCH_NOT_READY",
        "MATCH_ALREADY_DECIDED",
        "NOTHING_TO_OVERRIDE",
        "LATER_MATCH_PLAYED",
        "DRAW_NOT_ALLOWED",
        "ALREADY_DISQUALIFIED",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            TournamentError::NotFound => "TOURNAMENT_NOT_FOUND",
            TournamentError::WrongState(_) => "TOURNAMENT_STATE",
            TournamentError::AlreadyEntered => "ALREADY_ENTERED",
            TournamentError::NotEntered => "NOT_ENTERED",
            TournamentError::Full => "TOURNAMENT_FULL",
            TournamentError::GuestNotAllowed => "GUEST_NOT_ALLOWED",
            TournamentError::ParticipantNotFound => "PARTICIPANT_NOT_FOUND",
            TournamentError::MatchStarted => "MATCH_STARTED",
            TournamentError::Bracket(e) => e.code(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            TournamentError::NotFound
            | TournamentError::ParticipantNotFound
            | TournamentError::Bracket(
                BracketError::UnknownMatch(_) | BracketError::UnknownParticipant(_),
            ) => StatusCode::NOT_FOUND,
            TournamentError::GuestNotAllowed => StatusCode::FORBIDDEN,
            TournamentError::Bracket(BracketError::DrawNotAllowed) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            _ => StatusCode::CONFLICT,
        }
    }
}

impl From<TournamentError> for ApiError {
    fn from(e: TournamentError) -> Self {
        ApiError::Tournament {
            code: e.code(),
            status: e.status(),
            message: e.to_string(),
        }
    }
}

/// Who asks for a tournament action: a player (whose role and ownership are checked), or the
/// operator at the command line, who may do anything an admin may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(Uuid),
    Operator,
}

impl Actor {
    /// The user to record as having done it; `None` for the operator.
    pub fn user(self) -> Option<Uuid> {
        match self {
            Actor::User(id) => Some(id),
            Actor::Operator => None,
        }
    }
}

/// The tournament routes' state, handed to them as an `Extension`.
#[derive(Clone)]
pub struct TournamentsState {
    actions: Arc<KeyedBuckets<Uuid>>,
    reads: Arc<KeyedBuckets<IpAddr>>,
    /// Refused tournament actions by error code (bounded: the codes are a fixed list).
    refused: IntCounterVec,
    /// The shortest round interval and battle length (`JOUST_TOURNAMENT_MIN_SECS`).
    min_secs: u32,
}

impl TournamentsState {
    pub fn new(settings: &TournamentSettings, registry: &Registry) -> Self {
        let refused = counter_vec(
            registry,
            "tournament_actions_refused_total",
            "Tournament requests refused, by error code.",
            &["code"],
        );
        Self {
            actions: Arc::new(KeyedBuckets::new(
                settings.actions_per_min / 60.0,
                settings.actions_per_min.max(1.0),
            )),
            reads: Arc::new(KeyedBuckets::new(
                settings.reads_per_sec,
                settings.reads_per_sec.max(1.0) * 2.0,
            )),
            refused,
            min_secs: settings.min_secs,
        }
    }

    /// Counts a refusal by its code.
    fn count(&self, error: &ApiError) {
        self.refused.with_label_values(&[error.code()]).inc();
    }
}

/// The tournament routes, for the public router.
pub fn router(settings: &TournamentSettings, registry: &Registry) -> Router<AppState> {
    let state = TournamentsState::new(settings, registry);
    Router::new()
        .route("/api/tournaments", post(routes::create).get(reads::list))
        .route("/api/tournaments/{id}", get(reads::get_one))
        .route(
            "/api/tournaments/{id}/registration",
            post(routes::register).delete(routes::unregister),
        )
        .route("/api/tournaments/{id}/check-in", post(routes::check_in))
        .route(
            "/api/tournaments/{id}/open-registration",
            post(routes::open_registration),
        )
        .route(
            "/api/tournaments/{id}/open-check-in",
            post(routes::open_check_in),
        )
        .route("/api/tournaments/{id}/start", post(routes::start))
        .route("/api/tournaments/{id}/cancel", post(routes::cancel))
        .route("/api/tournaments/{id}/disqualify", post(routes::disqualify))
        .route(
            "/api/tournaments/{id}/matches/{match_id}/schedule",
            put(routes::reschedule),
        )
        .route(
            "/api/tournaments/{id}/matches/{match_id}/result",
            post(routes::report).put(routes::override_result),
        )
        .route("/api/tournaments/{id}/bracket", get(reads::bracket))
        .route("/api/tournaments/{id}/standings", get(reads::standings))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(Extension(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_an_api_code() {
        for code in TournamentError::CODES {
            assert!(ApiError::ALL_CODES.contains(code), "{code}");
        }
        let e = ApiError::from(TournamentError::WrongState(TournamentState::Draft));
        assert_eq!(
            (e.code(), e.to_string().contains("draft")),
            ("TOURNAMENT_STATE", true)
        );
    }
}
