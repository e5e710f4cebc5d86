//! Clinics, the tenants: making one together with its first owner.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Database;
use super::backend::{BeginWrite, DbId, now, on_pool};
use super::users::{INSERT_USER, NewUser, User, UserError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Clinic {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
}

/// Creates a clinic and its owner in one transaction: both or neither.
pub async fn create_with_owner(db: &Database, name: &str, owner: NewUser) -> Result<(Clinic, User), UserError> {
    let clinic = Clinic { id: Uuid::new_v4(), name: name.trim().to_owned(), created_at: now() };
    let user = owner.to_user(clinic.id);
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("INSERT INTO clinics (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(DbId(clinic.id))
            .bind(&clinic.name)
            .bind(clinic.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(INSERT_USER)
            .bind(DbId(user.id))
            .bind(DbId(user.clinic_id))
            .bind(user.email.as_str())
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&owner.password_hash.0)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(UserError::from_insert)?;
        tx.commit().await?;
    });
    Ok((clinic, user))
}

pub async fn get(db: &Database, id: Uuid) -> Result<Option<Clinic>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT id, name, created_at FROM clinics WHERE id = $1")
            .bind(DbId(id))
            .fetch_optional(pool)
            .await
    })
}
