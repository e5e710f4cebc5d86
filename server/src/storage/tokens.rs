//! API tokens of a clinic: named, scoped, kept as a SHA-256 hash, revocable,
//! with the time they were last used.
//!
//! Invariant: a token of another clinic is never found, listed or revoked;
//! to the caller it does not exist.

use time::OffsetDateTime;
use uuid::Uuid;

use super::backend::{BeginWrite, DbId, now, on_pool};
use super::{Database, Page};
use crate::domain::{Scopes, TokenHash};

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
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

const TOKEN_COLUMNS: &str = "id, clinic_id, name, scopes, created_by, created_at, last_used_at, revoked_at";

pub async fn create(
    db: &Database,
    clinic_id: Uuid,
    created_by: Uuid,
    name: &str,
    scopes: Scopes,
    hash: &TokenHash,
) -> Result<ApiToken, sqlx::Error> {
    let token = ApiToken {
        id: Uuid::new_v4(),
        clinic_id,
        name: name.trim().to_owned(),
        scopes,
        created_by,
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, clinic_id, name, token_hash, scopes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(DbId(token.id))
        .bind(DbId(clinic_id))
        .bind(&token.name)
        .bind(&hash.0)
        .bind(scopes.to_string())
        .bind(DbId(created_by))
        .bind(token.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(token)
}

/// One page of the clinic's tokens, revoked ones included, oldest first,
/// and how many there are.
pub async fn list(db: &Database, clinic_id: Uuid, page: Page) -> Result<(Vec<ApiToken>, u64), sqlx::Error> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE clinic_id = $1 ORDER BY created_at, name LIMIT $2 OFFSET $3"
    );
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

/// Revokes the clinic's token `id`; `false` when the clinic has no such
/// token. Revoking twice keeps the first revocation time.
pub async fn revoke(db: &Database, clinic_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let found: Option<DbId> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE id = $1 AND clinic_id = $2")
            .bind(DbId(id))
            .bind(DbId(clinic_id))
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_some() {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND clinic_id = $3 AND revoked_at IS NULL")
                .bind(now())
                .bind(DbId(id))
                .bind(DbId(clinic_id))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(found.is_some())
    })
}

/// The live token with this hash, after noting that it was used now.
pub async fn authenticate(db: &Database, hash: &TokenHash) -> Result<Option<ApiToken>, sqlx::Error> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL");
    let found: Option<ApiToken> =
        on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&hash.0).fetch_optional(pool).await?);
    let Some(mut token) = found else { return Ok(None) };
    let used_at = now();
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(used_at)
            .bind(DbId(token.id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    token.last_used_at = Some(used_at);
    Ok(Some(token))
}
