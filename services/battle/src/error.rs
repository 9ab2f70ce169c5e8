//! The battle service's error type and its mapping to socket acks and HTTP responses. Codes are
//! part of the public protocol (`docs/protocol.md`); never rename one.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

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
    #[error("another battle for this pairing is being created; retry")]
    LockBusy,
    #[error("a battle for this pairing already exists")]
    BattleExists,
    #[error("the battle lock was lost before the battle was created; retry")]
    LockLost,
    #[error("a newer holder of the battle lock has already written; this attempt is refused")]
    FencingRejected,
    #[error("you are already waiting for an opponent")]
    AlreadyQueued,
    #[error("you are already playing a battle")]
    AlreadyInBattle,
    #[error("you are not waiting for an opponent")]
    NotQueued,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(anyhow::Error::new(e).context("database"))
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
        "LOCK_BUSY",
        "BATTLE_EXISTS",
        "LOCK_LOST",
        "FENCING_REJECTED",
        "ALREADY_QUEUED",
        "ALREADY_IN_BATTLE",
        "NOT_QUEUED",
        "RATE_LIMITED",
        "DRAINING",
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
            ApiError::LockBusy => "LOCK_BUSY",
            ApiError::BattleExists => "BATTLE_EXISTS",
            ApiError::LockLost => "LOCK_LOST",
            ApiError::FencingRejected => "FENCING_REJECTED",
            ApiError::AlreadyQueued => "ALREADY_QUEUED",
            ApiError::AlreadyInBattle => "ALREADY_IN_BATTLE",
            ApiError::NotQueued => "NOT_QUEUED",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidPayload(_) | ApiError::UnknownEvent(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotAParticipant | ApiError::OwnChallenge => StatusCode::FORBIDDEN,
            ApiError::ChallengeNotFound | ApiError::BattleNotFound => StatusCode::NOT_FOUND,
            ApiError::ChallengeUnavailable
            | ApiError::BattleNotStarted
            | ApiError::BattleFinished
            | ApiError::BattleExists
            | ApiError::FencingRejected
            | ApiError::AlreadyQueued
            | ApiError::AlreadyInBattle
            | ApiError::NotQueued => StatusCode::CONFLICT,
            ApiError::LockBusy | ApiError::LockLost => StatusCode::SERVICE_UNAVAILABLE,
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
        json!({ "ok": false, "error": { "code": self.code(), "message": self.to_string() } })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        joust_common::http::error_response(self.status(), self.code(), self.to_string())
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
            ApiError::LockBusy,
            ApiError::BattleExists,
            ApiError::LockLost,
            ApiError::FencingRejected,
            ApiError::AlreadyQueued,
            ApiError::AlreadyInBattle,
            ApiError::NotQueued,
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
}
