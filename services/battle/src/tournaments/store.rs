//! Tournament rows: creating, reading and listing them, registration and check-in, the state
//! transitions before the bracket exists, and who may manage a tournament. The bracket itself
//! is in `bracket.rs`.

use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::{
    Actor, TournamentError,
    model::{
        Entrant, FormatKind, GrandFinalKind, NewTournament, SeedingMethod, Tournament,
        TournamentState,
    },
};
use crate::{auth::Role, error::ApiError, profiles::queries::Cursor};

/// Tournaments per page of the list: 20 unless asked, at most 100.
pub const LIST_DEFAULT: u32 = 20;
pub const LIST_MAX: u32 = 100;

/// A state change an organizer asks for, before or instead of playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    OpenRegistration,
    OpenCheckIn,
    Cancel,
}

impl Transition {
    /// The states this transition leaves from, and the state it arrives in.
    fn edges(self) -> (&'static [TournamentState], TournamentState) {
        use TournamentState::*;
        match self {
            Transition::OpenRegistration => (&[Draft], Registration),
            Transition::OpenCheckIn => (&[Registration], CheckIn),
            Transition::Cancel => (&[Draft, Registration, CheckIn, Running], Cancelled),
        }
    }
}

/// The user's role, read from the database so a role taken away applies at once; `None` for
/// an unknown user.
async fn role_of(conn: &mut PgConnection, user: Uuid) -> Result<Option<Role>, ApiError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT role AS "role: Role" FROM users WHERE id = $1"#,
        user
    )
    .fetch_optional(conn)
    .await?)
}

/// Organizers and admins create tournaments.
async fn require_organizer(conn: &mut PgConnection, user: Uuid) -> Result<(), ApiError> {
    match role_of(conn, user).await? {
        Some(Role::Organizer | Role::Admin) => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// A tournament is managed by its organizer (while still an organizer), any admin, and the
/// operator.
async fn authorize(conn: &mut PgConnection, actor: Actor, organizer: Uuid) -> Result<(), ApiError> {
    let Actor::User(user) = actor else {
        return Ok(());
    };
    match role_of(conn, user).await? {
        Some(Role::Admin) => Ok(()),
        Some(Role::Organizer) if user == organizer => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// Creates a tournament in `draft`, organized by `organizer` (who must be an organizer or an
/// admin), after checking that every problem of the pool exists.
pub async fn create(
    pool: &PgPool,
    organizer: Uuid,
    new: NewTournament,
) -> Result<Tournament, ApiError> {
    let mut conn = pool.acquire().await?;
    require_organizer(&mut conn, organizer).await?;
    let known = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM problems WHERE id = ANY($1)"#,
        &new.problem_pool
    )
    .fetch_one(&mut *conn)
    .await?;
    if known != new.problem_pool.len() as i64 {
        return Err(ApiError::ProblemNotFound);
    }
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO tournaments (id, name, organizer_id, format, third_place_match, grand_final,
             groups, double_round_robin, swiss_rounds, problem_pool, starts_at,
             round_interval_secs, battle_secs, max_participants)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        id,
        new.name,
        organizer,
        new.format as FormatKind,
        new.third_place_match,
        new.grand_final as GrandFinalKind,
        new.groups,
        new.double_round_robin,
        new.swiss_rounds,
        &new.problem_pool,
        new.starts_at,
        new.round_interval_secs,
        new.battle_secs,
        new.max_participants,
    )
    .execute(&mut *conn)
    .await?;
    tracing::info!(tournament.id = %id, user_id = %organizer, "tournament created");
    fetch(&mut conn, id).await
}

/// One tournament, with its registration counts.
pub async fn fetch(conn: &mut PgConnection, id: Uuid) -> Result<Tournament, ApiError> {
    sqlx::query_as!(
        Tournament,
        r#"SELECT t.id, t.name, t.organizer_id, t.format AS "format: FormatKind",
               t.third_place_match, t.grand_final AS "grand_final: GrandFinalKind", t.groups,
               t.double_round_robin, t.swiss_rounds, t.problem_pool, t.starts_at,
               t.round_interval_secs, t.battle_secs, t.max_participants,
               t.state AS "state: TournamentState", t.seeding AS "seeding: SeedingMethod",
               (SELECT count(*) FROM tournament_registrations r
                 WHERE r.tournament_id = t.id) AS "registered!",
               (SELECT count(*) FROM tournament_registrations r
                 WHERE r.tournament_id = t.id AND r.checked_in) AS "checked_in!"
           FROM tournaments t WHERE t.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(TournamentError::NotFound.into())
}

/// A page of tournaments by start time, latest first (ties by id, highest first), after
/// `before` (the last of the previous page); with the cursor of the next page, if any.
pub async fn list(
    pool: &PgPool,
    before: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Tournament>, Option<Cursor>), ApiError> {
    let (at, id) = before.map_or((None, None), |c| (Some(c.at), Some(c.id)));
    let mut tournaments = sqlx::query_as!(
        Tournament,
        r#"SELECT t.id, t.name, t.organizer_id, t.format AS "format: FormatKind",
               t.third_place_match, t.grand_final AS "grand_final: GrandFinalKind", t.groups,
               t.double_round_robin, t.swiss_rounds, t.problem_pool, t.starts_at,
               t.round_interval_secs, t.battle_secs, t.max_participants,
               t.state AS "state: TournamentState", t.seeding AS "seeding: SeedingMethod",
               (SELECT count(*) FROM tournament_registrations r
                 WHERE r.tournament_id = t.id) AS "registered!",
               (SELECT count(*) FROM tournament_registrations r
                 WHERE r.tournament_id = t.id AND r.checked_in) AS "checked_in!"
           FROM tournaments t
           WHERE $1::timestamptz IS NULL OR (t.starts_at, t.id) < ($1, $2)
           ORDER BY t.starts_at DESC, t.id DESC LIMIT $3"#,
        at,
        id,
        limit + 1
    )
    .fetch_all(pool)
    .await?;
    let next = if tournaments.len() as i64 > limit {
        tournaments.truncate(limit as usize);
        tournaments.last().map(|t| Cursor {
            at: t.starts_at,
            id: t.id,
        })
    } else {
        None
    };
    Ok((tournaments, next))
}

/// Locks the tournament row for this transaction, checks that `actor` may manage it (when an
/// actor is given) and that it is in one of `allowed`, and returns it.
pub async fn locked(
    conn: &mut PgConnection,
    actor: Option<Actor>,
    id: Uuid,
    allowed: &[TournamentState],
) -> Result<Tournament, ApiError> {
    let row = sqlx::query!(
        r#"SELECT organizer_id, state AS "state: TournamentState"
           FROM tournaments WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(TournamentError::NotFound)?;
    if let Some(actor) = actor {
        authorize(conn, actor, row.organizer_id).await?;
    }
    if !allowed.contains(&row.state) {
        return Err(TournamentError::WrongState(row.state).into());
    }
    fetch(conn, id).await
}

/// Moves a tournament along `transition`, refused from any other state.
pub async fn transition(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    transition: Transition,
) -> Result<Tournament, ApiError> {
    let (from, to) = transition.edges();
    let mut tx = pool.begin().await?;
    locked(&mut tx, Some(actor), id, from).await?;
    sqlx::query!(
        "UPDATE tournaments SET state = $2, updated_at = now() WHERE id = $1",
        id,
        to as TournamentState
    )
    .execute(&mut *tx)
    .await?;
    let tournament = fetch(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(tournament.id = %id, state = %to.name(), "tournament state changed");
    Ok(tournament)
}

/// Commits a registration change that had to touch exactly one row, answering with the
/// tournament after it; `refusal` when it touched none (and nothing is committed).
async fn commit_one_row(
    mut tx: Transaction<'_, Postgres>,
    id: Uuid,
    rows: u64,
    refusal: TournamentError,
) -> Result<Tournament, ApiError> {
    if rows == 0 {
        return Err(refusal.into());
    }
    let tournament = fetch(&mut tx, id).await?;
    tx.commit().await?;
    Ok(tournament)
}

/// Registers a player (a registered account, not a guest) while registration is open.
pub async fn register(pool: &PgPool, id: Uuid, user: Uuid) -> Result<Tournament, ApiError> {
    let mut tx = pool.begin().await?;
    let tournament = locked(&mut tx, None, id, &[TournamentState::Registration]).await?;
    let registered = sqlx::query_scalar!(
        r#"SELECT registered_at IS NOT NULL AS "registered!" FROM users WHERE id = $1"#,
        user
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ApiError::UserNotFound)?;
    if !registered {
        return Err(TournamentError::GuestNotAllowed.into());
    }
    if tournament.registered >= i64::from(tournament.max_participants) {
        return Err(TournamentError::Full.into());
    }
    let inserted = sqlx::query!(
        "INSERT INTO tournament_registrations (tournament_id, user_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
        id,
        user
    )
    .execute(&mut *tx)
    .await?;
    commit_one_row(
        tx,
        id,
        inserted.rows_affected(),
        TournamentError::AlreadyEntered,
    )
    .await
}

/// Withdraws a player's registration, until the tournament starts.
pub async fn unregister(pool: &PgPool, id: Uuid, user: Uuid) -> Result<Tournament, ApiError> {
    let mut tx = pool.begin().await?;
    locked(
        &mut tx,
        None,
        id,
        &[TournamentState::Registration, TournamentState::CheckIn],
    )
    .await?;
    let deleted = sqlx::query!(
        "DELETE FROM tournament_registrations WHERE tournament_id = $1 AND user_id = $2",
        id,
        user
    )
    .execute(&mut *tx)
    .await?;
    commit_one_row(tx, id, deleted.rows_affected(), TournamentError::NotEntered).await
}

/// Checks a registered player in during the check-in window; checking in twice is harmless.
pub async fn check_in(pool: &PgPool, id: Uuid, user: Uuid) -> Result<Tournament, ApiError> {
    let mut tx = pool.begin().await?;
    locked(&mut tx, None, id, &[TournamentState::CheckIn]).await?;
    let updated = sqlx::query!(
        "UPDATE tournament_registrations SET checked_in = true
         WHERE tournament_id = $1 AND user_id = $2",
        id,
        user
    )
    .execute(&mut *tx)
    .await?;
    commit_one_row(tx, id, updated.rows_affected(), TournamentError::NotEntered).await
}

/// The registered players, seeds first once started.
pub async fn entrants(conn: &mut PgConnection, id: Uuid) -> Result<Vec<Entrant>, ApiError> {
    Ok(sqlx::query_as!(
        Entrant,
        r#"SELECT r.user_id, u.name, r.checked_in, p.seed AS "seed?"
           FROM tournament_registrations r
           JOIN users u ON u.id = r.user_id
           LEFT JOIN tournament_participants p
             ON p.tournament_id = r.tournament_id AND p.user_id = r.user_id
           WHERE r.tournament_id = $1
           ORDER BY p.seed NULLS LAST, r.registered_at, r.user_id"#,
        id
    )
    .fetch_all(conn)
    .await?)
}

/// A user id by account name (exact), for the command line.
pub async fn user_by_name(pool: &PgPool, name: &str) -> Result<Option<Uuid>, ApiError> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM users WHERE lower(name) = lower($1)", name)
            .fetch_optional(pool)
            .await?,
    )
}
