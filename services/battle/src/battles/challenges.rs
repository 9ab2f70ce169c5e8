//! Direct challenges: opening one with an invite code, its expiry, and accepting it. An accept
//! first claims the challenge row in PostgreSQL, so of many concurrent accepters one goes on to
//! create the battle (through [`creation`](super::creation), under the pairing's lock) and every
//! other one learns at once that the challenge is taken.

use joust_common::domain::ChallengeStatus;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::creation::{
    BattleCreated, NewBattle, SEEDED_PROBLEM_SLUG, announce, insert_battle, problem_id,
};
use crate::{AppState, auth::Player, error::ApiError, lock};

/// Characters of an invite code: no 0/O or 1/I, to read aloud.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateChallenge {
    /// Problem slug; the default problem when omitted.
    #[serde(default)]
    pub problem: Option<String>,
    /// Whether spectators may read both sources once the battle has ended (the players always
    /// may). Off unless asked for.
    #[serde(default)]
    pub spectator_sources: bool,
}

#[derive(Debug, Serialize)]
pub struct ChallengeCreated {
    pub code: String,
    pub problem: String,
    pub spectator_sources: bool,
    /// After this the challenge can no longer be accepted.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptChallenge {
    pub code: String,
}

fn new_code() -> String {
    Uuid::new_v4().as_bytes()[..8]
        .iter()
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// Opens a direct challenge that another player can accept with its code.
pub async fn create_challenge(
    state: AppState,
    player: Player,
    req: CreateChallenge,
) -> Result<ChallengeCreated, ApiError> {
    let slug = req
        .problem
        .unwrap_or_else(|| SEEDED_PROBLEM_SLUG.to_owned());
    if slug.len() > 64 {
        return Err(ApiError::InvalidPayload("problem slug is too long".into()));
    }
    let problem_id = problem_id(&state, &slug)
        .await?
        .ok_or_else(|| ApiError::InvalidPayload(format!("no problem {slug:?}")))?;
    let code = new_code();
    let mut tx = state.pool.begin().await?;
    // One player's creations take turns (the row lock), so the cap holds under a burst.
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR UPDATE", player.id)
        .fetch_optional(&mut *tx)
        .await?;
    let open = sqlx::query_scalar!(
        r#"SELECT count(*) AS "open!" FROM challenges
           WHERE creator_id = $1 AND status = $2 AND expires_at > now()"#,
        player.id,
        ChallengeStatus::Open.as_str(),
    )
    .fetch_one(&mut *tx)
    .await?;
    if open >= state.max_open_challenges {
        return Err(ApiError::TooManyChallenges);
    }
    let expires_at = sqlx::query_scalar!(
        "INSERT INTO challenges (code, creator_id, problem_id, status, expires_at, spectator_sources)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8), $6)
         RETURNING expires_at",
        code,
        player.id,
        problem_id,
        ChallengeStatus::Open.as_str(),
        state.challenge_ttl.as_secs_f64(),
        req.spectator_sources,
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ChallengeCreated {
        code,
        problem: slug,
        spectator_sources: req.spectator_sources,
        expires_at,
    })
}

/// Marks open challenges past their `expires_at` as expired (the sweeper; accepting already
/// refuses them, this keeps the table truthful). Returns how many.
pub async fn expire_challenges(state: &AppState) -> Result<u64, ApiError> {
    let expired = sqlx::query!(
        "UPDATE challenges SET status = $1 WHERE status = $2 AND expires_at <= now()",
        ChallengeStatus::Expired.as_str(),
        ChallengeStatus::Open.as_str(),
    )
    .execute(&state.pool)
    .await?;
    Ok(expired.rows_affected())
}

/// Accepts a challenge and creates its battle.
///
/// The challenge is claimed first, in PostgreSQL: its row is locked without waiting, so of
/// many players accepting one code at once exactly one holds the claim and every other one is
/// answered [`ApiError::ChallengeUnavailable`] at once instead of queueing for the battle lock.
/// The holder then creates the battle under the pairing's lock with its fencing token, in the
/// same transaction as the claim: if the creation fails, the claim is rolled back with it and
/// the challenge stays open. Refusals roll back at once, so the row is free for the next
/// accepter.
pub async fn accept_challenge(
    state: AppState,
    player: Player,
    req: AcceptChallenge,
) -> Result<BattleCreated, ApiError> {
    let code = req.code.trim().to_ascii_uppercase();
    if code.is_empty() || code.len() > 16 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::InvalidPayload(
            "code must be 1 to 16 letters or digits".into(),
        ));
    }
    let mut tx = state.pool.begin().await?;
    let claimed = match claim_challenge(&mut tx, &player, &code).await {
        Ok(claimed) => claimed,
        Err(e) => {
            // At once, not when the connection is next used: the row stays locked until then.
            tx.rollback().await?;
            return Err(match e {
                ApiError::ChallengeUnavailable => unavailable_reason(&state.pool, &code).await,
                e => e,
            });
        }
    };
    let pairing_key = format!("challenge:{code}");
    let players = [claimed.creator_id, player.id];
    let shared = &state;
    let claim = &mut tx;
    let created = state
        .locks
        .run_locked(&state.pool, &pairing_key, |fencing_token| {
            let pairing_key = &pairing_key;
            async move {
                lock::fence(claim, shared.locks.metrics(), pairing_key, fencing_token).await?;
                let new = NewBattle {
                    problem_id: claimed.problem_id,
                    players,
                    pairing_key,
                    fencing_token,
                    spectator_sources: claimed.spectator_sources,
                    length: shared.battle_length,
                };
                insert_battle(shared, claim, &new).await
            }
        })
        .await;
    // Committed after the lock is released; the fencing row and the claimed challenge stay
    // locked by this transaction until then, so nobody else writes in between.
    let (battle, event) = match created {
        Ok(created) => {
            tx.commit().await?;
            created
        }
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    };
    tracing::info!(battle.id = %battle.battle_id, "battle created");
    announce(&state, &battle, &players, event).await;
    Ok(battle)
}

/// Why an unavailable challenge cannot be claimed: it may be expiring (the sweeper holds its
/// row) rather than taken, and an expired code is always answered as such. Asked outside the
/// claim's transaction, which a refused lock has aborted.
async fn unavailable_reason(pool: &PgPool, code: &str) -> ApiError {
    let expired = sqlx::query_scalar!(
        r#"SELECT status IN ($2, $3) AND expires_at <= now() AS "expired!"
           FROM challenges WHERE code = $1"#,
        code,
        ChallengeStatus::Open.as_str(),
        ChallengeStatus::Expired.as_str(),
    )
    .fetch_optional(pool)
    .await;
    match expired {
        Ok(Some(true)) => ApiError::ChallengeExpired,
        Ok(_) => ApiError::ChallengeUnavailable,
        Err(e) => e.into(),
    }
}

/// An open challenge this transaction now holds.
struct Claimed {
    creator_id: Uuid,
    problem_id: Uuid,
    spectator_sources: bool,
}

/// Marks the open challenge `code` accepted inside `tx`, which keeps its row locked until the
/// battle is committed. A row another accepter holds is not waited for (`NOWAIT`): that
/// accepter either creates the battle or, failing, leaves the challenge open.
async fn claim_challenge(
    tx: &mut PgConnection,
    player: &Player,
    code: &str,
) -> Result<Claimed, ApiError> {
    let row = sqlx::query!(
        r#"SELECT creator_id, problem_id, spectator_sources, status, expires_at <= now() AS "expired!"
           FROM challenges WHERE code = $1 FOR UPDATE NOWAIT"#,
        code,
    )
    .fetch_optional(&mut *tx)
    .await;
    let row = match row {
        Ok(row) => row.ok_or(ApiError::ChallengeNotFound)?,
        // lock_not_available: another player is accepting it, or the sweeper is expiring it,
        // right now. The latter is told apart so an expired code is always answered as such.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => {
            return Err(ApiError::ChallengeUnavailable);
        }
        Err(e) => return Err(e.into()),
    };
    if row.creator_id == player.id {
        return Err(ApiError::OwnChallenge);
    }
    let open = row.status == ChallengeStatus::Open.as_str();
    if row.status == ChallengeStatus::Expired.as_str() || (open && row.expired) {
        return Err(ApiError::ChallengeExpired);
    }
    if !open {
        return Err(ApiError::ChallengeUnavailable);
    }
    sqlx::query!(
        "UPDATE challenges SET status = $2 WHERE code = $1",
        code,
        ChallengeStatus::Accepted.as_str(),
    )
    .execute(&mut *tx)
    .await?;
    Ok(Claimed {
        creator_id: row.creator_id,
        problem_id: row.problem_id,
        spectator_sources: row.spectator_sources,
    })
}
