//! API tokens of a clinic: named, scoped, kept as a SHA-256 hash, revocable,
//! with an optional expiry and the time they were last used.
//!
//! Invariants: a token of another clinic is never found, listed or revoked;
//! to the caller it does not exist. A token acts for the person who created
//! it: it works only while that person's account is enabled (disabling
//! someone stops their tokens with their sessions; enabling them again
//! brings the tokens back unless revoked), and not after its expiry.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::backend::{DbId, now, on_pool};
use super::transaction::on_tx;
use super::{Database, Page, WriteTx};
use crate::domain::{Scopes, TokenHash};

/// `last_used_at` is written at most this often, so that reads stay reads.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

/// A token as listed: everything but the secret, which is never stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub clinic_id: Uuid,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub scopes: Scopes,
    #[sqlx(try_from = "DbId")]
    pub created_by: Uuid,
    /// The creator's display name.
    pub created_by_name: String,
    /// The creator's account is disabled: the token does not work meanwhile.
    pub creator_disabled: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

const TOKEN_SELECT: &str = "SELECT t.id, t.clinic_id, t.name, t.scopes, t.created_by, \
     u.display_name AS created_by_name, u.disabled AS creator_disabled, t.created_at, t.expires_at, \
     t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.created_by";

/// A token to create: the clinic and creator come from the caller's identity.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub clinic_id: Uuid,
    pub created_by: Uuid,
    pub name: &'a str,
    pub scopes: Scopes,
    pub expires_at: Option<OffsetDateTime>,
}

/// Stores a new token in the caller's transaction.
pub async fn create(tx: &mut WriteTx, new: &NewToken<'_>, hash: &TokenHash) -> Result<ApiToken, sqlx::Error> {
    let id = Uuid::new_v4();
    let created_at = now();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO api_tokens (id, clinic_id, name, token_hash, scopes, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(DbId(id))
        .bind(DbId(new.clinic_id))
        .bind(new.name.trim())
        .bind(&hash.0)
        .bind(new.scopes.to_string())
        .bind(DbId(new.created_by))
        .bind(created_at)
        .bind(new.expires_at)
        .execute(&mut **conn)
        .await?;
        let sql = format!("{TOKEN_SELECT} WHERE t.id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(id)).fetch_one(&mut **conn).await
    })
}

/// One page of the clinic's tokens, revoked ones included, oldest first,
/// and how many there are.
pub async fn list(db: &Database, clinic_id: Uuid, page: Page) -> Result<(Vec<ApiToken>, u64), sqlx::Error> {
    let sql = format!("{TOKEN_SELECT} WHERE t.clinic_id = $1 ORDER BY t.created_at, t.name LIMIT $2 OFFSET $3");
    on_pool!(db, pool => {
        let tokens = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(DbId(clinic_id))
            .bind(page.limit_i64())
            .bind(page.offset_i64())
            .fetch_all(pool)
            .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE clinic_id = $1")
            .bind(DbId(clinic_id))
            .fetch_one(pool)
            .await?;
        Ok((tokens, u64::try_from(total).unwrap_or(0)))
    })
}

/// Revokes the clinic's token `id` in the caller's transaction; the token
/// as it was, or `None` when the clinic has no such token. Revoking twice
/// keeps the first revocation time.
pub async fn revoke(tx: &mut WriteTx, clinic_id: Uuid, id: Uuid) -> Result<Option<ApiToken>, sqlx::Error> {
    let sql = format!("{TOKEN_SELECT} WHERE t.id = $1 AND t.clinic_id = $2");
    on_tx!(tx, conn => {
        let found: Option<ApiToken> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(DbId(id))
            .bind(DbId(clinic_id))
            .fetch_optional(&mut **conn)
            .await?;
        if found.is_some() {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND clinic_id = $3 AND revoked_at IS NULL")
                .bind(now())
                .bind(DbId(id))
                .bind(DbId(clinic_id))
                .execute(&mut **conn)
                .await?;
        }
        Ok(found)
    })
}

/// The token with this hash if it works now — not revoked, not expired,
/// its creator enabled — after noting that it was used (at most once a
/// minute, so that a client's reads stay reads).
pub async fn authenticate(db: &Database, hash: &TokenHash) -> Result<Option<ApiToken>, sqlx::Error> {
    let sql = format!("{TOKEN_SELECT} WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled");
    let found: Option<ApiToken> =
        on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&hash.0).fetch_optional(pool).await?);
    let now = now();
    // Expiry is compared here, not in SQL: SQLite keeps timestamps as text.
    let Some(mut token) = found.filter(|token| token.expires_at.is_none_or(|expires| expires > now)) else {
        return Ok(None);
    };
    if token.last_used_at.is_none_or(|used| now - used >= LAST_USED_GRANULARITY) {
        on_pool!(db, pool => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(DbId(token.id))
                .execute(pool)
                .await?;
        });
        token.last_used_at = Some(now);
    }
    Ok(Some(token))
}
