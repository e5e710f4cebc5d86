//! The people of a clinic.
//!
//! Invariant: every function that reads or changes users of a clinic takes
//! the clinic id from the caller's identity and filters by it.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Database;
use super::backend::{BeginWrite, DbId, is_unique_violation, now, on_pool};
use crate::domain::{Email, PasswordHash, Role};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub clinic_id: Uuid,
    #[sqlx(try_from = "String")]
    pub email: Email,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
}

/// A user to create; the clinic comes separately, from the creator's identity.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub password_hash: PasswordHash,
}

impl NewUser {
    pub(crate) fn to_user(&self, clinic_id: Uuid) -> User {
        let display_name = match self.display_name.trim() {
            "" => self.email.as_str().split('@').next().unwrap_or_default().to_owned(),
            name => name.to_owned(),
        };
        User {
            id: Uuid::new_v4(),
            clinic_id,
            email: self.email.clone(),
            display_name,
            role: self.role,
            created_at: now(),
            disabled: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("a user with this email address exists already")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError {
    /// The email's unique index is the only one a new user can break.
    pub(crate) fn from_insert(error: sqlx::Error) -> UserError {
        if is_unique_violation(&error) { UserError::EmailTaken } else { UserError::Database(error) }
    }
}

pub(crate) const INSERT_USER: &str = "INSERT INTO users \
    (id, clinic_id, email, display_name, role, password_hash, created_at, disabled) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE)";

const USER_COLUMNS: &str = "id, clinic_id, email, display_name, role, created_at, disabled";

/// Creates a user in `clinic_id`; `EmailTaken` when the address is in use
/// in any clinic (an email signs in to one clinic).
pub async fn create(db: &Database, clinic_id: Uuid, new: NewUser) -> Result<User, UserError> {
    let user = new.to_user(clinic_id);
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(INSERT_USER)
            .bind(DbId(user.id))
            .bind(DbId(user.clinic_id))
            .bind(user.email.as_str())
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&new.password_hash.0)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(UserError::from_insert)?;
        tx.commit().await?;
    });
    Ok(user)
}

/// The clinic's users, oldest first.
pub async fn list(db: &Database, clinic_id: Uuid) -> Result<Vec<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE clinic_id = $1 ORDER BY created_at, email");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).fetch_all(pool).await
    })
}

/// One user of the clinic; `None` for a user of another clinic.
pub async fn get(db: &Database, clinic_id: Uuid, user_id: Uuid) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE clinic_id = $1 AND id = $2");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(user_id)).fetch_optional(pool).await
    })
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    #[sqlx(flatten)]
    user: User,
    password_hash: String,
}

/// The user signing in with `email`, in any clinic, with their password hash.
pub async fn find_for_login(db: &Database, email: &Email) -> Result<Option<(User, PasswordHash)>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE lower(email) = $1");
    let row: Option<CredentialRow> = on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email.as_str()).fetch_optional(pool).await?
    });
    Ok(row.map(|row| (row.user, PasswordHash(row.password_hash))))
}

/// How many users exist in all clinics (zero on a fresh install).
pub async fn count_all(db: &Database) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)
}
