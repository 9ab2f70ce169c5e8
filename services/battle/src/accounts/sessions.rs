//! Refresh tokens: opaque random strings, stored only as their SHA-256, each used once. A login
//! starts a family; every refresh marks the presented token used and adds its successor to the
//! family. A used token presented again means it was copied: the whole family is revoked, so
//! neither the thief nor the victim can go on with it (the victim logs in again).

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::ApiError;

/// A refresh token as the client holds it, and the hash the database holds.
struct NewToken {
    token: String,
    hash: Vec<u8>,
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn new_token() -> Result<NewToken, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("random refresh token: {e}")))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    Ok(NewToken {
        hash: hash(&token),
        token,
    })
}

fn interval(ttl: Duration) -> sqlx::postgres::types::PgInterval {
    sqlx::postgres::types::PgInterval {
        months: 0,
        days: 0,
        microseconds: ttl.as_micros().min(i64::MAX as u128) as i64,
    }
}

/// Starts a family for `user_id` and returns its first refresh token.
pub async fn start(pool: &PgPool, user_id: Uuid, ttl: Duration) -> Result<String, ApiError> {
    let family = Uuid::new_v4();
    let first = new_token()?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO refresh_families (id, user_id) VALUES ($1, $2)",
        family,
        user_id,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, now() + $3)",
        first.hash,
        family,
        interval(ttl),
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(first.token)
}

/// The account a live (unused, unexpired, unrevoked) token belongs to, for per-account limits
/// before the token is spent.
pub async fn owner(pool: &PgPool, token: &str) -> Result<Option<Uuid>, ApiError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT f.user_id AS "user_id!" FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
         WHERE t.token_hash = $1"#,
        hash(token),
    )
    .fetch_optional(pool)
    .await?)
}

/// Spends `token` and returns its owner and the token that replaces it. A token used before
/// revokes its family and is refused with `REFRESH_TOKEN_REUSED`; an unknown, expired or
/// revoked one with `INVALID_REFRESH_TOKEN`.
pub async fn rotate(pool: &PgPool, token: &str, ttl: Duration) -> Result<(Uuid, String), ApiError> {
    let presented = hash(token);
    let next = new_token()?;
    let mut tx = pool.begin().await?;
    // Marking it used is the claim: of two concurrent uses, one updates the row.
    let spent = sqlx::query!(
        r#"UPDATE refresh_tokens t SET used_at = now()
           FROM refresh_families f
           WHERE t.token_hash = $1 AND f.id = t.family_id AND t.used_at IS NULL
             AND t.expires_at > now() AND f.revoked_at IS NULL
           RETURNING f.id AS "family!", f.user_id AS "user_id!""#,
        presented,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(spent) = spent {
        sqlx::query!(
            "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, now() + $3)",
            next.hash,
            spent.family,
            interval(ttl),
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok((spent.user_id, next.token));
    }
    let reused = sqlx::query_scalar!(
        r#"UPDATE refresh_families f SET revoked_at = coalesce(f.revoked_at, now())
           FROM refresh_tokens t
           WHERE t.token_hash = $1 AND t.used_at IS NOT NULL AND f.id = t.family_id
           RETURNING f.id AS "id!""#,
        presented,
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    match reused {
        Some(family) => {
            tracing::warn!(family.id = %family, "refresh token reused; family revoked");
            Err(ApiError::RefreshTokenReused)
        }
        None => Err(ApiError::InvalidRefreshToken),
    }
}

/// Ends the session `token` belongs to (used or not). Unknown tokens are refused.
pub async fn revoke_family(pool: &PgPool, token: &str) -> Result<(), ApiError> {
    let revoked = sqlx::query_scalar!(
        r#"UPDATE refresh_families f SET revoked_at = coalesce(f.revoked_at, now())
           FROM refresh_tokens t
           WHERE t.token_hash = $1 AND f.id = t.family_id
           RETURNING f.id AS "id!""#,
        hash(token),
    )
    .fetch_optional(pool)
    .await?;
    revoked.map(|_| ()).ok_or(ApiError::InvalidRefreshToken)
}

/// Ends every session of `user_id`; returns how many were live.
pub async fn revoke_all(pool: &PgPool, user_id: Uuid) -> Result<u64, ApiError> {
    let done = sqlx::query!(
        "UPDATE refresh_families SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user_id,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_their_hash() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 43, "32 bytes, base64url");
        assert_eq!(a.hash, hash(&a.token));
        assert_eq!(a.hash.len(), 32);
        assert_eq!(interval(Duration::from_secs(2)).microseconds, 2_000_000);
    }
}
