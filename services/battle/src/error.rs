//! The battle service's error type and its mapping to socket acks and HTTP responses. Codes are
//! part of the public protocol (`docs/protocol.md`); never rename one. Over 400 lines because
//! every error of every route and event is listed here once, with its code and status: the one
//! mapping stays in one place.

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::{Value, json};

/// Every HTTP error answer, and the `error` of every refused ack.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable: clients switch on it. Never renamed.
    #[schema(schema_with = code_schema)]
    pub code: &'static str,
    /// For people; may change.
    pub message: String,
    /// When to retry, for refusals that say (`RATE_LIMITED`, `BUSY`, `ACCOUNT_LOCKED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// Codes of request bodies that cannot be read at all, answered by `JsonBody` before a handler
/// runs (`joust_common::http`).
pub const BODY_CODES: &[&str] = &[
    "MALFORMED_JSON",
    "INVALID_BODY",
    "UNSUPPORTED_MEDIA_TYPE",
    "BODY_TOO_LARGE",
];

/// The `code` schema: one of [`ApiError::ALL_CODES`] or [`BODY_CODES`].
fn code_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, schema::Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ApiError::ALL_CODES.iter().chain(BODY_CODES).copied()))
        .build()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    InvalidPayload(String),
    #[error("unknown event {0:?}")]
    UnknownEvent(String),
    #[error("invalid or expired token")]
    Unauthorized,
    #[error("no open challenge with this code")]
    ChallengeNotFound,
    #[error("you cannot accept your own challenge")]
    OwnChallenge,
    #[error("this challenge was already accepted or cancelled")]
    ChallengeUnavailable,
    #[error("battle not found")]
    BattleNotFound,
    #[error("only the battle's players may do this")]
    NotAParticipant,
    #[error("the battle has not started yet")]
    BattleNotStarted,
    #[error("the battle is over")]
    BattleFinished,
    #[error("the battle's time is up; submissions are closed")]
    BattleOver,
    #[error("you already have {0} submissions waiting for a verdict; wait for one")]
    TooManyPending(u32),
    #[error("another battle for this pairing is being created; retry")]
    LockBusy,
    #[error("a battle for this pairing already exists")]
    BattleExists,
    #[error("the battle lock was lost before the battle was created; retry")]
    LockLost,
    #[error("too few battle-lock nodes are reachable; nothing was created; retry later")]
    LockUnavailable,
    #[error("a newer holder of the battle lock has already written; this attempt is refused")]
    FencingRejected,
    #[error("you are already waiting for an opponent")]
    AlreadyQueued,
    #[error("you are already playing a battle")]
    AlreadyInBattle,
    #[error("you are not waiting for an opponent")]
    NotQueued,
    #[error("too many requests of this kind; retry in {retry_after_ms} ms")]
    RateLimited { retry_after_ms: u64 },
    #[error("too many events of this connection are being handled; wait for their acks")]
    TooManyInFlight,
    #[error("the server is busy; retry in {retry_after_ms} ms")]
    Busy { retry_after_ms: u64 },
    #[error("this name is taken")]
    NameTaken,
    #[error("this challenge has expired")]
    ChallengeExpired,
    #[error("you have the most open challenges allowed; wait for one to be accepted or expire")]
    TooManyChallenges,
    #[error("the battle has not ended yet; its sources are shown once it has")]
    BattleNotOver,
    #[error("this battle does not show its sources to spectators")]
    SourcesPrivate,
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("wrong handle or password")]
    InvalidCredentials,
    #[error("too many failed logins; this account is locked for {retry_after_ms} ms")]
    AccountLocked { retry_after_ms: u64 },
    #[error("this account is already registered")]
    AlreadyRegistered,
    #[error("invalid, expired or revoked refresh token; log in again")]
    InvalidRefreshToken,
    #[error("this refresh token was already used; every session it belonged to is revoked")]
    RefreshTokenReused,
    /// No player with this id or handle, whoever asks: profiles, ranks, and the user a session
    /// token names (one code, so clients handle a missing player one way).
    #[error("no such player")]
    UserNotFound,
    #[error("only organizers may do this")]
    Forbidden,
    #[error("the package is above the limit of {max_bytes} bytes")]
    PackageTooLarge { max_bytes: usize },
    #[error("{0}")]
    PackageRefused(joust_problems::Report),
    #[error("problem not found")]
    ProblemNotFound,
    #[error("no such run, or its result has expired")]
    RunNotFound,
    /// A refused tournament action: the code and status its own error type gave it.
    #[error("{message}")]
    Tournament {
        code: &'static str,
        status: StatusCode,
        message: String,
    },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// How long a client told the server is busy should wait.
const BUSY_RETRY_MS: u64 = 1_000;

impl From<crate::text::TextError> for ApiError {
    fn from(e: crate::text::TextError) -> Self {
        ApiError::InvalidPayload(e.to_string())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if matches!(e, sqlx::Error::PoolTimedOut) {
            // Every connection stayed busy for the pool's acquire timeout: overload, not a
            // fault; the client may retry.
            return ApiError::Busy {
                retry_after_ms: BUSY_RETRY_MS,
            };
        }
        ApiError::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<joust_problems::Report> for ApiError {
    fn from(report: joust_problems::Report) -> Self {
        ApiError::PackageRefused(report)
    }
}

impl From<redis::RedisError> for ApiError {
    fn from(e: redis::RedisError) -> Self {
        ApiError::Internal(anyhow::Error::new(e).context("redis"))
    }
}

impl ApiError {
    /// Every code the service can answer with, handshake refusals included.
    pub const ALL_CODES: &[&str] = &[
        "INVALID_PAYLOAD",
        "UNKNOWN_EVENT",
        "UNAUTHORIZED",
        "UNSUPPORTED_PROTOCOL",
        "CHALLENGE_NOT_FOUND",
        "OWN_CHALLENGE",
        "CHALLENGE_UNAVAILABLE",
        "BATTLE_NOT_FOUND",
        "NOT_A_PARTICIPANT",
        "BATTLE_NOT_STARTED",
        "BATTLE_FINISHED",
        "BATTLE_OVER",
        "TOO_MANY_PENDING",
        "LOCK_BUSY",
        "BATTLE_EXISTS",
        "LOCK_LOST",
        "LOCK_UNAVAILABLE",
        "FENCING_REJECTED",
        "ALREADY_QUEUED",
        "ALREADY_IN_BATTLE",
        "NOT_QUEUED",
        "RATE_LIMITED",
        "TOO_MANY_IN_FLIGHT",
        "BUSY",
        "NAME_TAKEN",
        "CHALLENGE_EXPIRED",
        "TOO_MANY_CHALLENGES",
        "BATTLE_NOT_OVER",
        "SOURCES_PRIVATE",
        "NOT_FOUND",
        "METHOD_NOT_ALLOWED",
        "INVALID_CREDENTIALS",
        "ACCOUNT_LOCKED",
        "ALREADY_REGISTERED",
        "INVALID_REFRESH_TOKEN",
        "REFRESH_TOKEN_REUSED",
        "USER_NOT_FOUND",
        "DRAINING",
        "FORBIDDEN",
        "PACKAGE_TOO_LARGE",
        "PACKAGE_REFUSED",
        "PROBLEM_NOT_FOUND",
        "RUN_NOT_FOUND",
        // `tournaments::TournamentError::CODES`, listed again: a constant slice cannot be joined.
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
        "INTERNAL",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidPayload(_) => "INVALID_PAYLOAD",
            ApiError::UnknownEvent(_) => "UNKNOWN_EVENT",
            ApiError::Unauthorized => "UNAUTHORIZED",
            ApiError::ChallengeNotFound => "CHALLENGE_NOT_FOUND",
            ApiError::OwnChallenge => "OWN_CHALLENGE",
            ApiError::ChallengeUnavailable => "CHALLENGE_UNAVAILABLE",
            ApiError::BattleNotFound => "BATTLE_NOT_FOUND",
            ApiError::NotAParticipant => "NOT_A_PARTICIPANT",
            ApiError::BattleNotStarted => "BATTLE_NOT_STARTED",
            ApiError::BattleFinished => "BATTLE_FINISHED",
            ApiError::BattleOver => "BATTLE_OVER",
            ApiError::TooManyPending(_) => "TOO_MANY_PENDING",
            ApiError::LockBusy => "LOCK_BUSY",
            ApiError::BattleExists => "BATTLE_EXISTS",
            ApiError::LockLost => "LOCK_LOST",
            ApiError::LockUnavailable => "LOCK_UNAVAILABLE",
            ApiError::FencingRejected => "FENCING_REJECTED",
            ApiError::AlreadyQueued => "ALREADY_QUEUED",
            ApiError::AlreadyInBattle => "ALREADY_IN_BATTLE",
            ApiError::NotQueued => "NOT_QUEUED",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::TooManyInFlight => "TOO_MANY_IN_FLIGHT",
            ApiError::Busy { .. } => "BUSY",
            ApiError::NameTaken => "NAME_TAKEN",
            ApiError::ChallengeExpired => "CHALLENGE_EXPIRED",
            ApiError::TooManyChallenges => "TOO_MANY_CHALLENGES",
            ApiError::BattleNotOver => "BATTLE_NOT_OVER",
            ApiError::SourcesPrivate => "SOURCES_PRIVATE",
            ApiError::NotFound => "NOT_FOUND",
            ApiError::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ApiError::InvalidCredentials => "INVALID_CREDENTIALS",
            ApiError::AccountLocked { .. } => "ACCOUNT_LOCKED",
            ApiError::AlreadyRegistered => "ALREADY_REGISTERED",
            ApiError::InvalidRefreshToken => "INVALID_REFRESH_TOKEN",
            ApiError::RefreshTokenReused => "REFRESH_TOKEN_REUSED",
            ApiError::UserNotFound => "USER_NOT_FOUND",
            ApiError::Forbidden => "FORBIDDEN",
            ApiError::PackageTooLarge { .. } => "PACKAGE_TOO_LARGE",
            ApiError::PackageRefused(_) => "PACKAGE_REFUSED",
            ApiError::ProblemNotFound => "PROBLEM_NOT_FOUND",
            ApiError::RunNotFound => "RUN_NOT_FOUND",
            ApiError::Tournament { code, .. } => code,
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidPayload(_) | ApiError::UnknownEvent(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthorized
            | ApiError::InvalidCredentials
            | ApiError::InvalidRefreshToken
            | ApiError::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            ApiError::NotAParticipant | ApiError::OwnChallenge | ApiError::SourcesPrivate => {
                StatusCode::FORBIDDEN
            }
            ApiError::ChallengeNotFound | ApiError::BattleNotFound | ApiError::UserNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::ChallengeUnavailable
            | ApiError::BattleNotStarted
            | ApiError::BattleFinished
            | ApiError::BattleOver
            | ApiError::BattleExists
            | ApiError::FencingRejected
            | ApiError::AlreadyQueued
            | ApiError::AlreadyInBattle
            | ApiError::NotQueued
            | ApiError::NameTaken
            | ApiError::ChallengeExpired
            | ApiError::TooManyChallenges
            | ApiError::AlreadyRegistered
            | ApiError::BattleNotOver => StatusCode::CONFLICT,
            ApiError::RateLimited { .. }
            | ApiError::AccountLocked { .. }
            | ApiError::TooManyInFlight
            | ApiError::TooManyPending(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::LockBusy
            | ApiError::LockLost
            | ApiError::LockUnavailable
            | ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::PackageTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::PackageRefused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::ProblemNotFound | ApiError::RunNotFound => StatusCode::NOT_FOUND,
            ApiError::Tournament { status, .. } => *status,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs internal errors once, with their cause chain; client errors are not logged.
    fn log(&self) {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
    }

    /// The `{ "ok": false, "error": {...} }` ack body.
    pub fn to_ack(&self) -> Value {
        self.log();
        json!({ "ok": false, "error": self.detail() })
    }

    /// The error object of acks and HTTP bodies alike.
    fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code(),
            message: self.to_string(),
            retry_after_ms: self.retry_after_ms(),
        }
    }

    /// When the client may try again, for refusals that say.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after_ms }
            | ApiError::Busy { retry_after_ms }
            | ApiError::AccountLocked { retry_after_ms } => Some(*retry_after_ms),
            _ => None,
        }
    }
}

/// `{"error": {code, message, retry_after_ms?}}`, with a `Retry-After` header (whole seconds,
/// rounded up) when the error says when to retry.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let body = axum::Json(ErrorBody {
            error: self.detail(),
        });
        match self.retry_after_ms() {
            Some(ms) => (
                self.status(),
                [(header::RETRY_AFTER, ms.div_ceil(1000).to_string())],
                body,
            )
                .into_response(),
            None => (self.status(), body).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed() {
        let errors = [
            ApiError::InvalidPayload(String::new()),
            ApiError::UnknownEvent(String::new()),
            ApiError::Unauthorized,
            ApiError::ChallengeNotFound,
            ApiError::OwnChallenge,
            ApiError::ChallengeUnavailable,
            ApiError::BattleNotFound,
            ApiError::NotAParticipant,
            ApiError::BattleNotStarted,
            ApiError::BattleFinished,
            ApiError::BattleOver,
            ApiError::TooManyPending(2),
            ApiError::LockBusy,
            ApiError::BattleExists,
            ApiError::LockLost,
            ApiError::LockUnavailable,
            ApiError::FencingRejected,
            ApiError::AlreadyQueued,
            ApiError::AlreadyInBattle,
            ApiError::NotQueued,
            ApiError::RateLimited { retry_after_ms: 1 },
            ApiError::TooManyInFlight,
            ApiError::Busy { retry_after_ms: 1 },
            ApiError::NameTaken,
            ApiError::ChallengeExpired,
            ApiError::TooManyChallenges,
            ApiError::BattleNotOver,
            ApiError::SourcesPrivate,
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::InvalidCredentials,
            ApiError::AccountLocked { retry_after_ms: 1 },
            ApiError::AlreadyRegistered,
            ApiError::InvalidRefreshToken,
            ApiError::RefreshTokenReused,
            ApiError::UserNotFound,
            ApiError::Forbidden,
            ApiError::PackageTooLarge { max_bytes: 1 },
            ApiError::PackageRefused(joust_problems::Report::single("x")),
            ApiError::ProblemNotFound,
            ApiError::RunNotFound,
            ApiError::Tournament {
                code: "TOURNAMENT_STATE",
                status: StatusCode::CONFLICT,
                message: String::new(),
            },
            ApiError::Internal(anyhow::anyhow!("x")),
        ];
        for error in errors {
            assert!(
                ApiError::ALL_CODES.contains(&error.code()),
                "{}",
                error.code()
            );
        }
    }

    #[test]
    fn a_pool_timeout_is_busy_and_says_when_to_retry() {
        let e = ApiError::from(sqlx::Error::PoolTimedOut);
        let ack = e.to_ack();
        assert_eq!(ack["error"]["code"], "BUSY");
        assert_eq!(ack["error"]["retry_after_ms"], BUSY_RETRY_MS);
    }
}
