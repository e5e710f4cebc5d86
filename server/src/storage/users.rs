//! The people of a clinic.
//!
//! Invariant: every function that reads or changes users of a clinic takes
//! the clinic id from the caller's identity and filters by it.

use time::OffsetDateTime;
use uuid::Uuid;

use super::backend::{DbId, is_unique_violation, now, on_pool};
use super::sessions::{REVOKE_OTHER_USER_SESSIONS, REVOKE_USER_SESSIONS};
use super::transaction::on_tx;
use super::{Database, Page, WriteTx};
use crate::domain::{AccountChange, AccountRuleError, AccountState, Email, PasswordHash, Role, TokenHash};

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

impl User {
    /// What the account rules (`domain::account`) look at.
    pub fn account_state(&self) -> AccountState {
        AccountState { user_id: self.id, role: self.role, disabled: self.disabled }
    }
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

/// Creates a user in `clinic_id` in the caller's transaction; `EmailTaken`
/// when the address is in use in any clinic (an email signs in to one
/// clinic).
pub async fn create(tx: &mut WriteTx, clinic_id: Uuid, new: NewUser) -> Result<User, UserError> {
    let user = new.to_user(clinic_id);
    on_tx!(tx, conn => {
        sqlx::query(INSERT_USER)
            .bind(DbId(user.id))
            .bind(DbId(user.clinic_id))
            .bind(user.email.as_str())
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&new.password_hash.0)
            .bind(user.created_at)
            .execute(&mut **conn)
            .await
            .map_err(UserError::from_insert)?;
    });
    Ok(user)
}

/// One page of the clinic's users, oldest first, and how many there are.
pub async fn list(db: &Database, clinic_id: Uuid, page: Page) -> Result<(Vec<User>, u64), sqlx::Error> {
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users WHERE clinic_id = $1 ORDER BY created_at, email LIMIT $2 OFFSET $3");
    on_pool!(db, pool => {
        let users = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(DbId(clinic_id))
            .bind(page.limit_i64())
            .bind(page.offset_i64())
            .fetch_all(pool)
            .await?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE clinic_id = $1").bind(DbId(clinic_id)).fetch_one(pool).await?;
        Ok((users, u64::try_from(total).unwrap_or(0)))
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

/// The stored password hash of the clinic's user `user_id`; `None` for a
/// user of another clinic.
pub async fn password_hash(db: &Database, clinic_id: Uuid, user_id: Uuid) -> Result<Option<PasswordHash>, sqlx::Error> {
    let hash: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE clinic_id = $1 AND id = $2")
            .bind(DbId(clinic_id))
            .bind(DbId(user_id))
            .fetch_optional(pool)
            .await?
    });
    Ok(hash.map(PasswordHash))
}

/// One account changed: as it was, as it is, and how many of its sessions
/// were revoked. Everything a record of the change needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountUpdate {
    pub before: User,
    pub after: User,
    pub sessions_revoked: u64,
}

/// A password stored: the account, and how many of its sessions were revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordSet {
    pub user: User,
    pub sessions_revoked: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountUpdateError {
    /// No such user in the caller's clinic (or in any).
    #[error("the clinic has no such user")]
    NotFound,
    /// The rules refuse the change; nothing was written.
    #[error(transparent)]
    Refused(#[from] AccountRuleError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

const COUNT_ENABLED_OWNERS: &str =
    "SELECT COUNT(*) FROM users WHERE clinic_id = $1 AND role = 'owner' AND NOT disabled";

/// The clinic's user `user_id` as committed, read in `tx` after taking the
/// clinic's lock, so that rules checked against it hold until `tx` ends.
async fn locked_user(tx: &mut WriteTx, clinic_id: Uuid, user_id: Uuid) -> Result<User, AccountUpdateError> {
    tx.lock_clinic(clinic_id).await?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE clinic_id = $1 AND id = $2");
    let user: Option<User> = on_tx!(tx, conn => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(DbId(clinic_id))
            .bind(DbId(user_id))
            .fetch_optional(&mut **conn)
            .await?
    });
    user.ok_or(AccountUpdateError::NotFound)
}

/// Applies `change` to the clinic's user `user_id` in the caller's
/// transaction when `check` allows it, given the account as committed and
/// how many enabled owners the clinic has (the account included).
/// Disabling revokes every session of the user. The clinic stays locked
/// until `tx` ends: two changes at once cannot each count the other's owner
/// and together leave none.
pub async fn update_account(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    user_id: Uuid,
    change: &AccountChange,
    check: impl FnOnce(AccountState, u64) -> Result<(), AccountRuleError>,
) -> Result<AccountUpdate, AccountUpdateError> {
    let before = locked_user(tx, clinic_id, user_id).await?;
    let enabled_owners: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(COUNT_ENABLED_OWNERS).bind(DbId(clinic_id)).fetch_one(&mut **conn).await?
    });
    check(before.account_state(), u64::try_from(enabled_owners).unwrap_or(0))?;

    let mut after = before.clone();
    if let Some(name) = &change.display_name {
        after.display_name = name.as_str().to_owned();
    }
    after.role = change.role.unwrap_or(before.role);
    after.disabled = change.disabled.unwrap_or(before.disabled);
    let sessions_revoked = on_tx!(tx, conn => {
        sqlx::query("UPDATE users SET display_name = $1, role = $2, disabled = $3 WHERE clinic_id = $4 AND id = $5")
            .bind(&after.display_name)
            .bind(after.role.as_str())
            .bind(after.disabled)
            .bind(DbId(clinic_id))
            .bind(DbId(user_id))
            .execute(&mut **conn)
            .await?;
        // Sessions of a disabled user are refused anyway (`sessions::find_active`);
        // revoking them means enabling the account again does not bring them back.
        if after.disabled {
            sqlx::query(REVOKE_USER_SESSIONS).bind(now()).bind(DbId(user_id)).execute(&mut **conn).await?.rows_affected()
        } else {
            0
        }
    });
    Ok(AccountUpdate { before, after, sessions_revoked })
}

/// Stores `hash` as the password of the clinic's user `user_id` in the
/// caller's transaction when `check` allows it, and revokes the user's
/// sessions there too, all but `keep_session` when given.
pub async fn set_password(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    user_id: Uuid,
    hash: &PasswordHash,
    keep_session: Option<&TokenHash>,
    check: impl FnOnce(AccountState) -> Result<(), AccountRuleError>,
) -> Result<PasswordSet, AccountUpdateError> {
    let user = locked_user(tx, clinic_id, user_id).await?;
    check(user.account_state())?;
    let sessions_revoked = on_tx!(tx, conn => {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE clinic_id = $2 AND id = $3")
            .bind(&hash.0)
            .bind(DbId(clinic_id))
            .bind(DbId(user_id))
            .execute(&mut **conn)
            .await?;
        let revoke = match keep_session {
            Some(keep) => sqlx::query(REVOKE_OTHER_USER_SESSIONS).bind(now()).bind(DbId(user_id)).bind(&keep.0),
            None => sqlx::query(REVOKE_USER_SESSIONS).bind(now()).bind(DbId(user_id)),
        };
        revoke.execute(&mut **conn).await?.rows_affected()
    });
    Ok(PasswordSet { user, sessions_revoked })
}
