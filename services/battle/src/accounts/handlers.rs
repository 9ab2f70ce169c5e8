//! The auth endpoints under `/api/auth/`. Each checks its limits before it reads the database
//! or hashes anything, answers with an `ApiError`, and runs under its `handler_duration` label.

use axum::{
    Json,
    extract::State,
    http::{StatusCode, request::Parts},
};
use joust_common::http::JsonBody;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    bearer::Bearer,
    credentials::{Handle, Hasher, Password},
    limit_ip, limit_key, observed, sessions, store,
};
use crate::{
    AppState,
    auth::{Player, Role},
    error::ApiError,
    handshake::client_ip,
};

/// `POST /api/auth/register`, `/login` and `/claim`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// 3 to 32 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit;
    /// unique ignoring case. It is also the player's display name.
    #[schema(
        min_length = 3,
        max_length = 32,
        pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        example = "ada"
    )]
    pub handle: String,
    /// 8 to 128 characters.
    #[schema(min_length = 8, max_length = 128, example = "correct horse battery")]
    pub password: String,
}

/// `POST /api/auth/refresh` and `/logout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(max_length = 512)]
    pub refresh_token: String,
}

/// A logged-in session: an access token for the API and the socket handshake, and the refresh
/// token that replaces it (once).
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    pub user_id: Uuid,
    pub handle: String,
    pub role: Role,
    /// Always `Bearer`.
    pub token_type: String,
    pub access_token: String,
    /// Seconds the access token is valid for.
    pub expires_in: u64,
    pub refresh_token: String,
    /// Seconds the refresh token is valid for, unless used or revoked first.
    pub refresh_expires_in: u64,
}

/// `POST /api/auth/logout-all`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoggedOut {
    /// Sessions (refresh-token families) that were live and are now revoked.
    pub revoked_sessions: u64,
}

/// `GET /api/auth/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub name: String,
    /// The role now in the database (a token's role may be older, until it expires).
    pub role: Role,
    /// `false` for a guest.
    pub registered: bool,
    pub rating: i32,
}

/// Starts a session for a user the caller has just authenticated.
async fn session(
    state: &AppState,
    id: Uuid,
    name: String,
    role: Role,
) -> Result<Session, ApiError> {
    let settings = &state.accounts;
    let refresh_token = sessions::start(&state.pool, id, settings.refresh_ttl).await?;
    Ok(issue(state, Player { id, name }, role, refresh_token))
}

fn issue(state: &AppState, player: Player, role: Role, refresh_token: String) -> Session {
    let settings = &state.accounts;
    Session {
        access_token: state.tokens.issue_with(&player, role, settings.access_ttl),
        user_id: player.id,
        handle: player.name,
        role,
        token_type: "Bearer".to_owned(),
        expires_in: settings.access_ttl.as_secs(),
        refresh_token,
        refresh_expires_in: settings.refresh_ttl.as_secs(),
    }
}

/// Both limits, then both fields parsed.
fn admit(
    state: &AppState,
    parts: &Parts,
    body: &Credentials,
) -> Result<(Handle, Password), ApiError> {
    limit_ip(state, client_ip(parts, &state.trusted_proxies))?;
    let handle = Handle::parse(&body.handle)?;
    limit_key(state, handle.key())?;
    Ok((handle, Password::parse(&body.password)?))
}

/// Creates a registered learner account and logs it in.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = Credentials,
    responses(
        (status = 201, description = "registered and logged in", body = Session),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    observed(&state, "auth:register", async {
        let (handle, password) = admit(&state, &parts, &body)?;
        let hash = Hasher::new(&state.accounts, state.hash_slots.clone())?
            .hash(&password)
            .await?;
        let id = store::register(&state.pool, &handle, &hash).await?;
        let session = session(&state, id, handle.as_str().to_owned(), Role::Learner).await?;
        Ok((StatusCode::CREATED, Json(session)))
    })
    .await
}

/// Logs a registered account in. `JOUST_LOGIN_MAX_FAILURES` wrong passwords in a row lock it
/// for `JOUST_LOGIN_LOCKOUT_SECS` (`ACCOUNT_LOCKED` with `retry_after_ms`).
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = Credentials,
    responses(
        (status = 200, description = "logged in", body = Session),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Json<Session>, ApiError> {
    observed(&state, "auth:login", async {
        let (handle, password) = admit(&state, &parts, &body)?;
        let account = store::find_login(&state.pool, &handle).await?;
        if let Some(locked) = account.as_ref().filter(|a| a.locked_ms > 0) {
            return Err(ApiError::AccountLocked {
                retry_after_ms: locked.locked_ms as u64,
            });
        }
        let hasher = Hasher::new(&state.accounts, state.hash_slots.clone())?;
        let stored = account.as_ref().map(|a| a.password_hash.as_str());
        let matches = hasher.verify(&password, stored).await?;
        let Some(account) = account else {
            return Err(ApiError::InvalidCredentials);
        };
        if !matches {
            let settings = &state.accounts;
            let locked = store::record_failure(
                &state.pool,
                account.id,
                settings.max_failures,
                settings.lockout,
            )
            .await?;
            return Err(match locked {
                Some(retry_after_ms) => ApiError::AccountLocked { retry_after_ms },
                None => ApiError::InvalidCredentials,
            });
        }
        store::record_success(&state.pool, account.id).await?;
        Ok(Json(
            session(&state, account.id, account.name, account.role).await?,
        ))
    })
    .await
}

/// Exchanges a refresh token for a new session; the token presented is spent. Presenting a
/// spent token again revokes its whole family (`REFRESH_TOKEN_REUSED`).
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "a new access token and the next refresh token", body = Session),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<Json<Session>, ApiError> {
    observed(&state, "auth:refresh", async {
        limit_ip(&state, client_ip(&parts, &state.trusted_proxies))?;
        if let Some(owner) = sessions::owner(&state.pool, &body.refresh_token).await? {
            limit_key(&state, format!("user:{owner}"))?;
        }
        let (id, refresh_token) =
            sessions::rotate(&state.pool, &body.refresh_token, state.accounts.refresh_ttl).await?;
        let account = store::account(&state.pool, id).await?;
        let player = Player {
            id,
            name: account.name,
        };
        Ok(Json(issue(&state, player, account.role, refresh_token)))
    })
    .await
}

/// Ends the session of this refresh token.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "the session is revoked"),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    observed(&state, "auth:logout", async {
        limit_ip(&state, client_ip(&parts, &state.trusted_proxies))?;
        sessions::revoke_family(&state.pool, &body.refresh_token).await?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

/// Revokes every session of the caller: no refresh token of theirs works any more. Access
/// tokens already issued stay valid until they expire (`JOUST_ACCESS_TOKEN_TTL_SECS`).
#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "every session revoked", body = LoggedOut),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn logout_all(
    State(state): State<AppState>,
    bearer: Result<Bearer, ApiError>,
) -> Result<Json<LoggedOut>, ApiError> {
    observed(&state, "auth:logout_all", async {
        let Bearer(claims) = bearer?;
        let revoked_sessions = sessions::revoke_all(&state.pool, claims.sub).await?;
        Ok(Json(LoggedOut { revoked_sessions }))
    })
    .await
}

/// Turns the caller's guest account into a registered one: same user id, so rating and history
/// stay; the handle becomes its name. Answers with a session, like a login.
#[utoipa::path(post, path = "/api/auth/claim", tag = "auth", request_body = Credentials,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "registered and logged in", body = Session),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn claim(
    State(state): State<AppState>,
    bearer: Result<Bearer, ApiError>,
    parts: Parts,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Json<Session>, ApiError> {
    observed(&state, "auth:claim", async {
        let Bearer(claims) = bearer?;
        let (handle, password) = admit(&state, &parts, &body)?;
        let hash = Hasher::new(&state.accounts, state.hash_slots.clone())?
            .hash(&password)
            .await?;
        let role = store::claim(&state.pool, claims.sub, &handle, &hash).await?;
        Ok(Json(
            session(&state, claims.sub, handle.as_str().to_owned(), role).await?,
        ))
    })
    .await
}

/// The caller's account.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller's account", body = Me),
        (status = 404, description = "USER_NOT_FOUND: the token's player no longer exists", body = crate::error::ErrorBody),
        (status = "4XX", description = "refused", body = crate::error::ErrorBody),
        (status = 503, description = "overloaded: `BUSY`, retry after `retry_after_ms`", body = crate::error::ErrorBody),
    ))]
pub async fn me(
    State(state): State<AppState>,
    bearer: Result<Bearer, ApiError>,
) -> Result<Json<Me>, ApiError> {
    observed(&state, "auth:me", async {
        let Bearer(claims) = bearer?;
        let account = store::account(&state.pool, claims.sub).await?;
        Ok(Json(Me {
            user_id: account.id,
            name: account.name,
            role: account.role,
            registered: account.registered,
            rating: account.rating,
        }))
    })
    .await
}
