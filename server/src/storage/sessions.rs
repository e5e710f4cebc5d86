//! Browser sessions: the cookie's token and the CSRF token are kept as
//! SHA-256 hashes, with an absolute expiry and a revocation time.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::backend::{BeginWrite, DbId, now, on_pool};
use super::transaction::on_tx;
use super::{Database, WriteTx};
use crate::domain::{Role, TokenHash};

/// How long a session lasts from sign-in, whatever the activity: a working day and some.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// `last_seen_at` is written at most this often, so that reads stay reads.
const LAST_SEEN_GRANULARITY: Duration = Duration::minutes(1);

/// A live session with what the request needs to know of its user.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActiveSession {
    #[sqlx(try_from = "DbId")]
    pub user_id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub clinic_id: Uuid,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub csrf_hash: TokenHash,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Stores a new session for `user_id` in the caller's transaction; returns
/// when it expires.
pub async fn create(
    tx: &mut WriteTx,
    user_id: Uuid,
    token: &TokenHash,
    csrf: &TokenHash,
) -> Result<OffsetDateTime, sqlx::Error> {
    let created_at = now();
    let expires_at = created_at + SESSION_LIFETIME;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(&token.0)
        .bind(DbId(user_id))
        .bind(&csrf.0)
        .bind(created_at)
        .bind(expires_at)
        .execute(&mut **conn)
        .await?;
    });
    Ok(expires_at)
}

/// The session with this token hash if it is neither revoked nor expired
/// and its user is not disabled; notes that it was seen.
pub async fn find_active(db: &Database, token: &TokenHash) -> Result<Option<ActiveSession>, sqlx::Error> {
    let found: Option<ActiveSession> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT s.user_id, u.clinic_id, u.role, s.csrf_hash, s.last_seen_at, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND NOT u.disabled",
        )
        .bind(&token.0)
        .fetch_optional(pool)
        .await?
    });
    let now = now();
    // Expiry is compared here, not in SQL: SQLite keeps timestamps as text.
    let Some(session) = found.filter(|session| session.expires_at > now) else { return Ok(None) };
    if now - session.last_seen_at >= LAST_SEEN_GRANULARITY {
        on_pool!(db, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&token.0)
                .execute(pool)
                .await?;
        });
    }
    Ok(Some(session))
}

/// Revokes the session; revoking a revoked or unknown session changes nothing.
pub async fn revoke(db: &Database, token: &TokenHash) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(&token.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// Revokes every live session of user `$2` at time `$1`, inside a caller's
/// transaction (disabling an account, resetting its password).
pub(crate) const REVOKE_USER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";

/// Revokes every live session of user `$2` at time `$1` but the one whose
/// token hash is `$3` (a person changing their own password stays signed in
/// where they did it).
pub(crate) const REVOKE_OTHER_USER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND token_hash <> $3";
