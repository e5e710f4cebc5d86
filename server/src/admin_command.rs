//! Making the first clinic and its owner: `trayforge create-admin`, and the
//! demo owner that `serve` makes on a database without users, so that a
//! first start always says how to sign in (with a generated password,
//! never a fixed default).

use crate::domain::credentials::{CredentialError, generate_password};
use crate::domain::email::EmailError;
use crate::domain::password::PasswordError;
use crate::domain::{Email, Password, PasswordHash, Role};
use crate::storage::Database;
use crate::storage::clinics::{self, Clinic};
use crate::storage::users::{self, NewUser, User, UserError};

pub const DEMO_CLINIC: &str = "Demo clinic";
pub const DEMO_EMAIL: &str = "admin@demo.invalid";

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("{0}")]
    Email(#[from] EmailError),
    #[error("{0}")]
    Password(#[from] PasswordError),
    #[error("the clinic name is empty; pass --clinic \"Name\"")]
    EmptyClinic,
    #[error("a user with the email address {0} exists already; choose another address")]
    EmailTaken(Email),
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error("cannot create the clinic: {0}")]
    Database(#[from] sqlx::Error),
}

/// The new clinic and owner, with the password when it was generated (to
/// print once; it is stored only as a hash).
#[derive(Debug)]
pub struct CreatedAdmin {
    pub clinic: Clinic,
    pub owner: User,
    pub generated_password: Option<Password>,
}

/// Creates a clinic and its owner; without `password`, generates one.
pub async fn create_admin(
    db: &Database,
    clinic_name: &str,
    email: &str,
    password: Option<&str>,
) -> Result<CreatedAdmin, CreateAdminError> {
    if clinic_name.trim().is_empty() {
        return Err(CreateAdminError::EmptyClinic);
    }
    let email = Email::parse(email)?;
    let (password, generated) = match password {
        Some(text) => (Password::parse(text)?, false),
        None => (generate_password()?, true),
    };
    let hashed = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || PasswordHash::new(&hashed))
        .await
        .map_err(|e| CredentialError::Hashing(e.to_string()))??;
    let owner = NewUser { email: email.clone(), display_name: String::new(), role: Role::Owner, password_hash };
    let (clinic, owner) = clinics::create_with_owner(db, clinic_name, owner).await.map_err(|e| match e {
        UserError::EmailTaken => CreateAdminError::EmailTaken(email),
        UserError::Database(e) => CreateAdminError::Database(e),
    })?;
    Ok(CreatedAdmin { clinic, owner, generated_password: generated.then_some(password) })
}

/// On a database without any user, creates the demo clinic and its owner
/// with a generated password; `None` when there are users already.
pub async fn create_demo_owner_if_no_users(db: &Database) -> Result<Option<CreatedAdmin>, CreateAdminError> {
    if users::count_all(db).await? > 0 {
        return Ok(None);
    }
    create_admin(db, DEMO_CLINIC, DEMO_EMAIL, None).await.map(Some)
}
