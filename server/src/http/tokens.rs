//! API tokens for integrations: owners and admins create them (the secret
//! is answered once), list them (never the secret) and revoke them; each
//! creation and revocation is in the audit log.
//!
//! A token acts for the person who made it: it stops while they are
//! disabled (the list flags it) and, when given an expiry, at that time.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use trayforge_wire::{ApiTokenView, CreatedToken, NewTokenRequest, Page};

use super::access::{path_id, require};
use super::extract::{ClientAddress, JsonBody, QueryParams};
use super::openapi::{BadRequest, Forbidden, NotFound, Unauthenticated, ValidationFailed};
use super::paging::PageQuery;
use super::users::rfc3339;
use super::{ApiError, AppState};
use crate::domain::{Access, Identity, Scopes, SecretToken};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::tokens::{self, ApiToken, NewToken};

const MAX_NAME_CHARS: usize = 100;

/// Create an API token for an integration.
///
/// The secret is answered once and stored only as its SHA-256 hash.
#[utoipa::path(
    post, path = "/tokens", tag = "tokens", operation_id = "create_token",
    request_body = NewTokenRequest,
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 201, description = "The token, and its secret: the only time it is shown.", body = CreatedToken),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn create(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    JsonBody(request): JsonBody<NewTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    require(&identity, Access::ManageTokens)?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::validation("name", format!("give the token a name of 1 to {MAX_NAME_CHARS} characters")));
    }
    let scopes = Scopes::parse_names(request.scopes.iter().map(String::as_str))
        .map_err(|e| ApiError::validation("scopes", e))?;
    let expires_at = request.expires_at.as_deref().map(parse_expiry).transpose()?;
    let created_by = identity.user_id.ok_or_else(|| ApiError::forbidden("a token cannot create tokens"))?;
    let secret = SecretToken::generate().map_err(|e| ApiError::Internal(e.into()))?;
    let new = NewToken { clinic_id: identity.clinic_id, created_by, name, scopes, expires_at };
    let mut tx = state.db.begin_write().await?;
    let token = tokens::create(&mut tx, &new, &secret.hash()).await?;
    let mut entry = Entry::token("token.create", token.id)
        .with("name", token.name.clone())
        .with("scopes", token.scopes.to_string());
    if let Some(expires_at) = token.expires_at {
        entry = entry.with("expires_at", rfc3339(expires_at));
    }
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    tracing::info!(token = %token.id, clinic = %token.clinic_id, scopes = %token.scopes, "API token created");
    Ok((StatusCode::CREATED, Json(CreatedToken { token: token_view(&token), secret: secret.expose().to_owned() })))
}

/// The clinic's API tokens, never their secrets.
#[utoipa::path(
    get, path = "/tokens", tag = "tokens", operation_id = "list_tokens",
    params(PageQuery),
    security(("session_cookie" = ["owner", "admin"])),
    responses(
        (status = 200, description = "A page of the clinic's tokens, revoked ones included, oldest first.", body = Page<ApiTokenView>),
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
) -> Result<Json<Page<ApiTokenView>>, ApiError> {
    require(&identity, Access::ManageTokens)?;
    let page = query.page()?;
    let (tokens, total) = tokens::list(&state.db, identity.clinic_id, page).await?;
    Ok(Json(Page { items: tokens.iter().map(token_view).collect(), page: page.number, limit: page.limit, total }))
}

/// Revoke an API token: it stops working at once.
///
/// 404 for an id that is not a token of the caller's clinic, whether or
/// not another clinic has it.
#[utoipa::path(
    delete, path = "/tokens/{id}", tag = "tokens", operation_id = "revoke_token",
    params(("id" = String, Path, format = "uuid", description = "The token's id (a UUID).")),
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn revoke(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require(&identity, Access::ManageTokens)?;
    let id = path_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    let token = tokens::revoke(&mut tx, identity.clinic_id, id).await?.ok_or(ApiError::NotFound)?;
    if token.revoked_at.is_none() {
        let entry = Entry::token("token.revoke", id).with("name", token.name);
        audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    }
    tx.commit().await?;
    tracing::info!(token = %id, clinic = %identity.clinic_id, "API token revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// An expiry as sent: RFC 3339, and later than now.
fn parse_expiry(text: &str) -> Result<OffsetDateTime, ApiError> {
    let expires_at = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        ApiError::validation("expires_at", "give the expiry as an RFC 3339 time, such as 2027-06-30T00:00:00Z")
    })?;
    if expires_at <= OffsetDateTime::now_utc() {
        return Err(ApiError::validation("expires_at", "the expiry is in the past: give a later time, or none"));
    }
    Ok(expires_at)
}

fn token_view(token: &ApiToken) -> ApiTokenView {
    ApiTokenView {
        id: token.id.to_string(),
        name: token.name.clone(),
        scopes: token.scopes.names(),
        created_by: token.created_by.to_string(),
        created_by_name: token.created_by_name.clone(),
        creator_disabled: token.creator_disabled,
        created_at: rfc3339(token.created_at),
        expires_at: token.expires_at.map(rfc3339),
        last_used_at: token.last_used_at.map(rfc3339),
        revoked_at: token.revoked_at.map(rfc3339),
    }
}
