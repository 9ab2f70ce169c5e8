//! The account side of `users` rows: registering, claiming a guest, what a login needs, the
//! failed-login count and lockout, and roles.

use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::credentials::Handle;
use crate::{auth::Role, error::ApiError};

/// Maps the unique index on `lower(name)` to `NAME_TAKEN`.
fn name_taken(e: sqlx::Error) -> ApiError {
    match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => ApiError::NameTaken,
        e => e.into(),
    }
}

/// A new registered learner named `handle`.
pub async fn register(pool: &PgPool, handle: &Handle, hash: &str) -> Result<Uuid, ApiError> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO users (id, name, password_hash, registered_at) VALUES ($1, $2, $3, now())",
        id,
        handle.as_str(),
        hash,
    )
    .execute(pool)
    .await
    .map_err(name_taken)?;
    Ok(id)
}

/// Makes the guest `user_id` a registered account named `handle`: same id, so its rating and
/// battles stay its own. Returns its role.
pub async fn claim(
    pool: &PgPool,
    user_id: Uuid,
    handle: &Handle,
    hash: &str,
) -> Result<Role, ApiError> {
    let claimed = sqlx::query_scalar!(
        r#"UPDATE users SET name = $2, password_hash = $3, registered_at = now()
           WHERE id = $1 AND password_hash IS NULL
           RETURNING role AS "role: Role""#,
        user_id,
        handle.as_str(),
        hash,
    )
    .fetch_optional(pool)
    .await
    .map_err(name_taken)?;
    if let Some(role) = claimed {
        return Ok(role);
    }
    let exists = sqlx::query_scalar!(r#"SELECT 1 AS "one!" FROM users WHERE id = $1"#, user_id)
        .fetch_optional(pool)
        .await?;
    Err(match exists {
        Some(_) => ApiError::AlreadyRegistered,
        None => ApiError::UserNotFound,
    })
}

/// What a login checks, for a registered account.
pub struct LoginRow {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    /// Milliseconds the account stays locked; 0 when it is not.
    pub locked_ms: i64,
}

pub async fn find_login(pool: &PgPool, handle: &Handle) -> Result<Option<LoginRow>, ApiError> {
    Ok(sqlx::query_as!(
        LoginRow,
        r#"SELECT id, name, role AS "role: Role", password_hash AS "password_hash!",
                  greatest(0, ceil(extract(epoch FROM locked_until - now()) * 1000))::bigint
                      AS "locked_ms!"
           FROM users WHERE lower(name) = lower($1) AND password_hash IS NOT NULL"#,
        handle.as_str(),
    )
    .fetch_optional(pool)
    .await?)
}

/// Counts a wrong password. The one that reaches `max_failures` locks the account for
/// `lockout` (and starts the count again); returns the lock's length in ms when it did.
pub async fn record_failure(
    pool: &PgPool,
    id: Uuid,
    max_failures: i32,
    lockout: Duration,
) -> Result<Option<u64>, ApiError> {
    let locked = sqlx::query_scalar!(
        r#"UPDATE users SET
               locked_until = CASE WHEN failed_logins + 1 >= $2
                   THEN now() + make_interval(secs => $3) ELSE locked_until END,
               failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END
           WHERE id = $1
           RETURNING failed_logins = 0 AS "locked!""#,
        id,
        max_failures.max(1),
        lockout.as_secs_f64(),
    )
    .fetch_one(pool)
    .await?;
    Ok(locked.then_some(lockout.as_millis() as u64))
}

/// A successful login clears the count of wrong passwords.
pub async fn record_success(pool: &PgPool, id: Uuid) -> Result<(), ApiError> {
    sqlx::query!(
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A user as `GET /api/auth/me` shows it.
pub struct Account {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub registered: bool,
    pub rating: i32,
}

pub async fn account(pool: &PgPool, id: Uuid) -> Result<Account, ApiError> {
    sqlx::query_as!(
        Account,
        r#"SELECT id, name, role AS "role: Role", password_hash IS NOT NULL AS "registered!", rating
           FROM users WHERE id = $1"#,
        id,
    )
    .fetch_optional(pool)
    .await?
    .ok_or(ApiError::UserNotFound)
}

/// Why a role could not be granted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GrantError {
    #[error("no user has the handle {0:?}")]
    UnknownHandle(String),
    #[error("{0:?} is a guest; roles are granted to registered accounts only")]
    Guest(String),
}

/// Gives the registered account `handle` the role `role`; returns its id and former role.
pub async fn grant_role(
    pool: &PgPool,
    handle: &str,
    role: Role,
) -> anyhow::Result<Result<(Uuid, Role), GrantError>> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT id, role AS "role: Role", password_hash IS NOT NULL AS "registered!"
           FROM users WHERE lower(name) = lower($1) FOR UPDATE"#,
        handle.trim(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(Err(GrantError::UnknownHandle(handle.to_owned())));
    };
    if !row.registered {
        return Ok(Err(GrantError::Guest(handle.to_owned())));
    }
    sqlx::query!(
        "UPDATE users SET role = $2 WHERE id = $1",
        row.id,
        role as Role
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok((row.id, row.role)))
}
