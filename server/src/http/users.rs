//! The clinic's users: owners and admins list them and add people to
//! their own clinic.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use trayforge_wire::{NewUserRequest, Page, UserView};

use super::access::require;
use super::extract::{ClientAddress, JsonBody, QueryParams};
use super::openapi::{BadRequest, Conflict, Forbidden, Unauthenticated, ValidationFailed};
use super::paging::PageQuery;
use super::{ApiError, AppState};
use crate::domain::{Access, DisplayName, Email, Identity, Password, PasswordHash, Role};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::users::{self, NewUser, User, UserError};

/// Add a user to the caller's clinic.
///
/// Owners and admins, signed in; only an owner may give the role `owner`.
/// An email address signs in to one account in the whole deployment, so it
/// is unique across clinics whatever its case; a taken address is refused
/// with 409 `email_unavailable`, which does not say where it is used.
#[utoipa::path(
    post, path = "/users", tag = "users", operation_id = "create_user",
    request_body = NewUserRequest,
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 201, description = "The new user.", body = UserView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn create(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    JsonBody(request): JsonBody<NewUserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    require(&identity, Access::ManageUsers)?;
    let email = Email::parse(&request.email).map_err(|e| ApiError::validation("email", e))?;
    let role: Role = request.role.parse().map_err(|e| ApiError::validation("role", e))?;
    if !identity.role.is_some_and(|own| own.can_assign(role)) {
        return Err(ApiError::forbidden("only an owner can make another owner"));
    }
    // Empty means "from the email" (`NewUser::to_user`); any other name follows the rules a rename does.
    let display_name = match request.display_name.trim() {
        "" => String::new(),
        name => DisplayName::parse(name).map_err(|e| ApiError::validation("display_name", e))?.to_string(),
    };
    let password = Password::parse(&request.password).map_err(|e| ApiError::validation("password", e))?;
    let password_hash = tokio::task::spawn_blocking(move || PasswordHash::new(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let new = NewUser { email, display_name, role, password_hash };
    // The clinic is the creator's: never one named by the request.
    let mut tx = state.db.begin_write().await?;
    let user = users::create(&mut tx, identity.clinic_id, new).await.map_err(|e| match e {
        // The same answer whether the address is this clinic's or another's.
        UserError::EmailTaken => ApiError::Conflict {
            code: "email_unavailable",
            message: "this email address cannot be used for a new account; use another address".into(),
            field: Some("email"),
        },
        UserError::Database(e) => e.into(),
    })?;
    let entry =
        Entry::user("user.create", user.id).with("email", user.email.to_string()).with("role", user.role.as_str());
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, clinic = %user.clinic_id, role = %user.role, "user created");
    Ok((StatusCode::CREATED, Json(user_view(&user))))
}

/// The users of the caller's clinic.
#[utoipa::path(
    get, path = "/users", tag = "users", operation_id = "list_users",
    params(PageQuery),
    security(("session_cookie" = ["owner", "admin"])),
    responses(
        (status = 200, description = "A page of the clinic's users, disabled ones included, oldest first.", body = Page<UserView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn list(
    State(state): State<AppState>,
    identity: Identity,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    require(&identity, Access::ManageUsers)?;
    let page = query.page()?;
    let (users, total) = users::list(&state.db, identity.clinic_id, page).await?;
    Ok(Json(Page { items: users.iter().map(user_view).collect(), page: page.number, limit: page.limit, total }))
}

pub(super) fn user_view(user: &User) -> UserView {
    UserView {
        id: user.id.to_string(),
        clinic_id: user.clinic_id.to_string(),
        email: user.email.to_string(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
        created_at: rfc3339(user.created_at),
        disabled: user.disabled,
    }
}

pub(super) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}
