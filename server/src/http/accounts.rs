//! Changing accounts: an owner or admin changes a colleague's name, role or
//! whether they may sign in (`PATCH /users/{id}`) or sets a new password
//! for them (`POST /users/{id}/password`); a signed-in person changes their
//! own password (`POST /me/password`).
//!
//! Every handler has the same steps: who asks → what is asked (parsed) →
//! a write transaction → the change, checked against `domain::account`
//! inside it → `record`, its audit entry in the same transaction (both
//! commit or neither) → commit → the answer.

use std::time::Instant;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use trayforge_wire::{ChangePasswordRequest, ResetPasswordRequest, UpdateUserRequest, UserView};

use super::access::path_id;
use super::extract::{ClientAddress, JsonBody, session_cookie};
use super::openapi::{BadRequest, Conflict, Forbidden, NotFound, RateLimited, Unauthenticated, ValidationFailed};
use super::users::user_view;
use super::{ApiError, AppState};
use crate::domain::account::{self, AccountChange, AccountRuleError, DisplayName, Manager};
use crate::domain::{AuthMethod, Identity, Password, PasswordHash, Role, TokenHash};
use crate::storage::WriteTx;
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::users::{self, AccountUpdate, AccountUpdateError, PasswordSet};

/// Change a colleague's name, role, or whether they may sign in.
///
/// Owners and admins, signed in; only an owner changes an owner's account
/// or grants `owner`. Disabling signs the person out everywhere. The clinic
/// keeps at least one enabled owner, and nobody disables or demotes
/// themselves (409).
#[utoipa::path(
    patch, path = "/users/{id}", tag = "users", operation_id = "update_user",
    params(("id" = String, Path, format = "uuid", description = "The user's id (a UUID).")),
    request_body = UpdateUserRequest,
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 200, description = "The account as changed.", body = UserView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn update(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<UpdateUserRequest>,
) -> Result<Json<UserView>, ApiError> {
    let manager = Manager::of(&identity).map_err(refused)?;
    let user_id = path_id(&id)?;
    let change = parse_change(request)?;
    let mut tx = state.db.begin_write().await?;
    let update = users::update_account(&mut tx, identity.clinic_id, user_id, &change, |target, enabled_owners| {
        account::check_change(manager, target, &change, enabled_owners)
    })
    .await
    .map_err(update_error)?;
    record(&mut tx, &Actor { identity: &identity, source: &source }, &AccountEvent::Updated(&update)).await?;
    tx.commit().await?;
    Ok(Json(user_view(&update.after)))
}

/// Set a new password for a colleague, who is signed out everywhere.
///
/// Owners and admins, signed in (an owner's password only by an owner);
/// one's own password is changed with `POST /api/v1/me/password` (409 here).
#[utoipa::path(
    post, path = "/users/{id}/password", tag = "users", operation_id = "reset_password",
    params(("id" = String, Path, format = "uuid", description = "The user's id (a UUID).")),
    request_body = ResetPasswordRequest,
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 204, description = "Set; the person's sessions are ended."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn reset_password(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ResetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let manager = Manager::of(&identity).map_err(refused)?;
    let user_id = path_id(&id)?;
    let password = Password::parse(&request.new_password).map_err(|e| ApiError::validation("new_password", e))?;
    // Checked before the slow hash, so that a refused reset costs no argon2,
    // and again in the transaction that writes, against what is committed then.
    let target = users::get(&state.db, identity.clinic_id, user_id).await?.ok_or(ApiError::NotFound)?;
    account::check_password_reset(manager, target.account_state()).map_err(refused)?;
    let hash = hash_password(password).await?;
    let mut tx = state.db.begin_write().await?;
    let set = users::set_password(&mut tx, identity.clinic_id, user_id, &hash, None, |target| {
        account::check_password_reset(manager, target)
    })
    .await
    .map_err(update_error)?;
    record(&mut tx, &Actor { identity: &identity, source: &source }, &AccountEvent::PasswordReset(&set)).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change your own password, giving the current one.
///
/// Your other sessions end; this one goes on. Attempts are limited like
/// sign-ins. An API token has no password (403).
#[utoipa::path(
    post, path = "/me/password", tag = "auth", operation_id = "change_own_password",
    request_body = ChangePasswordRequest,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Changed."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
        (status = 429, response = RateLimited),
    ),
)]
pub(super) async fn change_own_password(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let user_id = match (identity.via, identity.user_id) {
        (AuthMethod::Session, Some(user_id)) => user_id,
        _ => {
            return Err(ApiError::forbidden(
                "an API token acts for the clinic, not for a person, and has no password; \
                 sign in to change your own",
            ));
        }
    };
    let new_password = Password::parse(&request.new_password).map_err(|e| ApiError::validation("new_password", e))?;
    // A stolen session must not guess the password here faster than at sign-in.
    state.auth.limit(&[format!("password:{user_id}")], Instant::now())?;
    let current =
        users::password_hash(&state.db, identity.clinic_id, user_id).await?.ok_or_else(ApiError::unauthenticated)?;
    let current_password = request.current_password;
    // Argon2 twice (verify, then hash) off the async threads, and the new
    // one only when the current one is right.
    let new_hash = tokio::task::spawn_blocking(move || {
        if current.verify(&current_password) { PasswordHash::new(&new_password).map(Some) } else { Ok(None) }
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(|e| ApiError::Internal(e.into()))?;
    let Some(new_hash) = new_hash else {
        return Err(ApiError::validation(
            "current_password",
            "the current password is wrong; type the password you signed in with",
        ));
    };
    let this_session = session_cookie(&headers).map(|secret| TokenHash::of(&secret));
    let mut tx = state.db.begin_write().await?;
    let set = users::set_password(&mut tx, identity.clinic_id, user_id, &new_hash, this_session.as_ref(), |_| Ok(()))
        .await
        .map_err(update_error)?;
    record(&mut tx, &Actor { identity: &identity, source: &source }, &AccountEvent::PasswordChanged(&set)).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A change to an account, as `record` is told of it.
#[derive(Debug)]
enum AccountEvent<'a> {
    /// Name, role or disabled changed by a manager (`PATCH /users/{id}`).
    Updated(&'a AccountUpdate),
    /// Someone changed their own password.
    PasswordChanged(&'a PasswordSet),
    /// A manager set a new password for someone else.
    PasswordReset(&'a PasswordSet),
}

/// Records that `actor` made the change `event` describes, in `tx`, the
/// transaction that makes it (every handler of this file calls it once,
/// just before it commits), so an account change and its audit entry
/// commit together or not at all.
async fn record(tx: &mut WriteTx, actor: &Actor<'_>, event: &AccountEvent<'_>) -> Result<(), ApiError> {
    let entry =
        match event {
            AccountEvent::Updated(update) => {
                let (before, after) = (&update.before, &update.after);
                let mut entry = Entry::user("user.update", after.id);
                if before.display_name != after.display_name {
                    entry = entry.with("display_name", after.display_name.clone());
                }
                if before.role != after.role {
                    entry = entry.with("role", format!("{} → {}", before.role, after.role));
                }
                if before.disabled != after.disabled {
                    entry = entry.with("disabled", after.disabled.to_string());
                }
                entry.with("sessions_revoked", update.sessions_revoked.to_string())
            }
            AccountEvent::PasswordChanged(set) => Entry::user("user.password_change", set.user.id)
                .with("sessions_revoked", set.sessions_revoked.to_string()),
            AccountEvent::PasswordReset(set) => Entry::user("user.password_reset", set.user.id)
                .with("sessions_revoked", set.sessions_revoked.to_string()),
        };
    tracing::info!(action = entry.action, user = %entry.subject_id, clinic = %actor.identity.clinic_id, "account changed");
    audit::record(tx, actor, entry).await?;
    Ok(())
}

fn parse_change(request: UpdateUserRequest) -> Result<AccountChange, ApiError> {
    let display_name = request
        .display_name
        .as_deref()
        .map(DisplayName::parse)
        .transpose()
        .map_err(|e| ApiError::validation("display_name", e))?;
    let role =
        request.role.as_deref().map(str::parse::<Role>).transpose().map_err(|e| ApiError::validation("role", e))?;
    let change = AccountChange { display_name, role, disabled: request.disabled };
    if change.is_empty() {
        return Err(ApiError::BadRequest(
            "nothing to change: send one or more of display_name, role and disabled".into(),
        ));
    }
    Ok(change)
}

async fn hash_password(password: Password) -> Result<PasswordHash, ApiError> {
    tokio::task::spawn_blocking(move || PasswordHash::new(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))
}

/// Who asks may not (403), or the change would leave the clinic or the
/// caller in a state the rules forbid (409, with what to do instead).
fn refused(error: AccountRuleError) -> ApiError {
    let (code, field) = match error {
        AccountRuleError::NotAManager | AccountRuleError::OwnerAccount | AccountRuleError::GrantOwner => {
            return ApiError::forbidden(error.to_string());
        }
        AccountRuleError::LastOwner => ("last_owner", None),
        AccountRuleError::DisableSelf { .. } => ("own_account", Some("disabled")),
        AccountRuleError::ChangeOwnRole { .. } => ("own_account", Some("role")),
        AccountRuleError::ResetOwnPassword => ("own_account", None),
    };
    ApiError::Conflict { code, message: error.to_string(), field }
}

fn update_error(error: AccountUpdateError) -> ApiError {
    match error {
        AccountUpdateError::NotFound => ApiError::NotFound,
        AccountUpdateError::Refused(error) => refused(error),
        AccountUpdateError::Database(error) => error.into(),
    }
}
