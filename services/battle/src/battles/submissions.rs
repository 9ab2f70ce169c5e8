//! Submitting a program: validated, stored with its `submission.received` event, put on the
//! judging stream, and only then acknowledged. A client that retries with the same
//! idempotency key gets the first submission back instead of a second one.
//!
//! The battle's row is locked for the transaction that records a submission, and the checks
//! that depend on time and on the player's other submissions run under that lock with the
//! database's clock: a submission at or after `ends_at` is refused ([`ApiError::BattleOver`]),
//! and so is one beyond the player's cap of unjudged submissions in the battle
//! ([`ApiError::TooManyPending`]), so that one player's judging backlog stays bounded.

use joust_common::{
    Language,
    domain::{self, BattleStatus, EventKind},
    execution::MAX_SOURCE_BYTES,
    queue,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{lifecycle, require_player};
use crate::{AppState, auth::Player, error::ApiError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submit {
    pub battle_id: Uuid,
    pub language: String,
    pub source: String,
    /// Chosen by the client (e.g. a UUID) and reused when it retries the same submit: the
    /// retry answers with the first submission instead of creating another.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SubmissionQueued {
    pub submission_id: Uuid,
}

/// Checks a program's language and source, as submitted or practice-run; returns the language.
pub fn validate_program(language: &str, source: &str) -> Result<Language, ApiError> {
    let language = Language::parse(language).ok_or_else(|| {
        ApiError::InvalidPayload(format!(
            "language must be one of {}",
            Language::ALL.map(Language::as_str).join(", ")
        ))
    })?;
    if source.trim().is_empty() {
        return Err(ApiError::InvalidPayload("source is empty".into()));
    }
    if source.len() > MAX_SOURCE_BYTES {
        return Err(ApiError::InvalidPayload(format!(
            "source is larger than {MAX_SOURCE_BYTES} bytes"
        )));
    }
    Ok(language)
}

impl Submit {
    /// Checks the request's own fields; returns the language.
    fn validate(&self) -> Result<Language, ApiError> {
        let language = validate_program(&self.language, &self.source)?;
        if let Some(key) = &self.idempotency_key
            && (key.is_empty() || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(ApiError::InvalidPayload(
                "idempotency_key must be 1 to 64 printable ASCII characters".into(),
            ));
        }
        Ok(language)
    }
}

/// Records a submission and queues it for judging; answers once both are durable.
pub async fn submit(
    state: AppState,
    player: Player,
    req: Submit,
) -> Result<SubmissionQueued, ApiError> {
    let language = req.validate()?;
    lifecycle::start_if_due(&state, req.battle_id).await?;
    // A retried submit whose first attempt was stored: answer with it.
    if let Some(existing) = find_by_key(&state, &player, &req).await? {
        return Ok(existing);
    }
    let mut tx = state.pool.begin().await?;
    // `FOR UPDATE` serializes the player's submits in this battle with each other and with the
    // battle's ending; `clock_timestamp()` is read once the lock is held.
    let battle = sqlx::query!(
        r#"SELECT status AS "status: BattleStatus", player_a, player_b,
                  ends_at <= clock_timestamp() AS "over!",
                  (SELECT count(*) FROM submissions
                   WHERE battle_id = $1 AND user_id = $2 AND status = 'queued') AS "pending!"
           FROM battles WHERE id = $1 FOR UPDATE"#,
        req.battle_id,
        player.id,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ApiError::BattleNotFound)?;
    let players = [battle.player_a, battle.player_b];
    require_player(players, &player)?;
    match battle.status {
        BattleStatus::Countdown => return Err(ApiError::BattleNotStarted),
        BattleStatus::Finished => return Err(ApiError::BattleFinished),
        BattleStatus::Running => {}
    }
    let refusal = if battle.over {
        Some(ApiError::BattleOver)
    } else if battle.pending >= i64::from(state.max_pending_submissions) {
        Some(ApiError::TooManyPending(state.max_pending_submissions))
    } else {
        None
    };
    if let Some(refusal) = refusal {
        drop(tx);
        // A concurrent retry of a stored submission gets that submission, not a refusal.
        if let Some(existing) = find_by_key(&state, &player, &req).await? {
            return Ok(existing);
        }
        state
            .metrics
            .submissions_refused
            .with_label_values(&[refusal.code()])
            .inc();
        return Err(refusal);
    }
    let submission_id = Uuid::new_v4();
    tracing::Span::current().record("submission_id", tracing::field::display(submission_id));
    let inserted = sqlx::query!(
        "INSERT INTO submissions (id, battle_id, user_id, language, source, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
        submission_id,
        req.battle_id,
        player.id,
        language.as_str(),
        req.source,
        req.idempotency_key,
    )
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // A concurrent retry with the same key won the race.
        drop(tx);
        return find_by_key(&state, &player, &req)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("idempotent submission vanished")));
    }
    let data =
        json!({ "submission_id": submission_id, "user_id": player.id, "language": language });
    let event =
        domain::events::append(&mut tx, req.battle_id, EventKind::SubmissionReceived, data).await?;
    tx.commit().await?;
    enqueue(&state, submission_id).await?;
    tracing::info!(submission.id = %submission_id, %language, "submission queued");
    state.publish(&players, &[event]).await;
    Ok(SubmissionQueued { submission_id })
}

/// The submission this player already made with the request's idempotency key, queued for
/// judging if its first attempt stopped before that.
async fn find_by_key(
    state: &AppState,
    player: &Player,
    req: &Submit,
) -> Result<Option<SubmissionQueued>, ApiError> {
    let Some(key) = &req.idempotency_key else {
        return Ok(None);
    };
    let Some(existing) = sqlx::query!(
        "SELECT id, battle_id, enqueued FROM submissions WHERE user_id = $1 AND idempotency_key = $2",
        player.id,
        key,
    )
    .fetch_optional(&state.pool)
    .await?
    else {
        return Ok(None);
    };
    if existing.battle_id != req.battle_id {
        return Err(ApiError::InvalidPayload(
            "idempotency_key was already used for another battle".into(),
        ));
    }
    if !existing.enqueued {
        enqueue(state, existing.id).await?;
    }
    Ok(Some(SubmissionQueued {
        submission_id: existing.id,
    }))
}

/// Appends the submission to the judging stream and records that it is there.
async fn enqueue(state: &AppState, submission_id: Uuid) -> Result<(), ApiError> {
    let mut redis = state.redis.clone();
    queue::enqueue(&mut redis, &state.redis_prefix, submission_id).await?;
    sqlx::query!(
        "UPDATE submissions SET enqueued = true WHERE id = $1",
        submission_id,
    )
    .execute(&state.pool)
    .await?;
    Ok(())
}
