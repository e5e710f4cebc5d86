//! Signing in and out, and `GET /api/v1/me`.
//!
//! The session cookie is `__Host-trayforge_session` with `Secure` when the
//! request came over TLS (the reverse proxy says `X-Forwarded-Proto: https`)
//! or `[server] secure_cookies` is on; otherwise it is `trayforge_session`
//! without `Secure`. A `__Host-` cookie must be `Secure`, and browsers drop
//! `Secure` cookies sent over plain HTTP (Chromium excepts localhost only),
//! so over plain HTTP the prefixed name would leave the user signed out.
//! Both are HttpOnly, SameSite=Lax, Path=/. The CSRF token comes back in
//! the body and in the script-readable `trayforge_csrf` cookie.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use trayforge_wire::{ClinicView, LoginRequest, LoginResponse, Me};

use super::openapi::{BadRequest, Forbidden, RateLimited, Unauthenticated};

use super::extract::{
    CSRF_COOKIE, ClientAddress, JsonBody, SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE, session_cookie,
};
use super::rate_limit::LoginLimiter;
use super::users::{rfc3339, user_view};
use super::{ApiError, AppState};
use crate::domain::{AuthMethod, Email, Identity, PasswordHash, SecretToken, TokenHash};
use crate::storage::audit::{self, Entry};
use crate::storage::{clinics, sessions, users};

/// What sign-in needs beyond the database.
#[derive(Debug, Clone)]
pub struct AuthState {
    /// Always mark cookies `Secure` (and use the `__Host-` name), even when
    /// the request does not say it came over TLS.
    pub secure_cookies: bool,
    pub limiter: Arc<LoginLimiter>,
}

impl AuthState {
    pub fn new(secure_cookies: bool, login_attempts_per_minute: u32) -> AuthState {
        AuthState { secure_cookies, limiter: Arc::new(LoginLimiter::new(login_attempts_per_minute)) }
    }

    /// Counts one attempt under each of `keys` (`ip:…`, `account:…`,
    /// `password:…`); 429 with `Retry-After` when any is used up.
    pub(super) fn limit(&self, keys: &[String], now: Instant) -> Result<(), ApiError> {
        self.limiter
            .attempt(keys, now)
            .map_err(|wait| ApiError::TooManyRequests { retry_after_secs: wait.as_secs().max(1) })
    }

    fn secure(&self, headers: &HeaderMap) -> bool {
        let forwarded_tls = headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
        self.secure_cookies || forwarded_tls
    }
}

/// Sign in with email and password.
///
/// Sets the session cookie (HttpOnly, SameSite=Lax) and the script-readable
/// `trayforge_csrf` cookie; the CSRF token is also in the body. Sessions last
/// 12 hours. Attempts are limited per client address; an account's failed
/// attempts stop the addresses they came from (429) but not a right
/// password from elsewhere. Sign-ins and failed ones are in the audit log.
/// A disabled account answers 403 `account_disabled`, to its right password
/// only.
#[utoipa::path(
    post, path = "/auth/login", tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in: who, in which clinic, and the CSRF token for writes.", body = LoginResponse,
            headers(("Set-Cookie" = String, description = "The session cookie and `trayforge_csrf`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 429, response = RateLimited),
    ),
)]
pub(super) async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    let account = request.email.trim().to_lowercase();
    let limiter = &state.auth.limiter;
    let now = Instant::now();
    state.auth.limit(&[format!("ip:{address}")], now)?;
    limiter
        .account_open(&account, &address, now)
        .map_err(|wait| ApiError::TooManyRequests { retry_after_secs: wait.as_secs().max(1) })?;

    let found = match Email::parse(&request.email) {
        Ok(email) => users::find_for_login(&state.db, &email).await?,
        Err(_) => None,
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, PasswordHash::dummy().clone()),
    };
    // Argon2 takes tens of milliseconds of CPU: off the async threads. The
    // hash is verified whether or not the account exists, so both answers
    // take about as long.
    let password = request.password;
    let verified =
        tokio::task::spawn_blocking(move || hash.verify(&password)).await.map_err(|e| ApiError::Internal(e.into()))?;
    // A disabled account answers `account_disabled` only to the right
    // password. Anyone else gets the `invalid_credentials` an unknown email
    // gets, after the same argon2 work, so neither the answer nor its time
    // tells a guesser that the account exists or is disabled; the person
    // who knows the password learns nothing new about it, and is told why
    // they cannot sign in and whom to ask, instead of retrying a password
    // that is right until the limiter stops them.
    let user = match user {
        Some(user) if verified && !user.disabled => user,
        user => {
            limiter.failed(&account, &address, now);
            let disabled = user.as_ref().is_some_and(|user| verified && user.disabled);
            if let Some(user) = &user {
                let reason = if disabled { "account disabled" } else { "wrong password" };
                let entry = Entry::user("auth.sign_in_failed", user.id).with("reason", reason);
                let mut tx = state.db.begin_write().await?;
                audit::record_sign_in(&mut tx, user.clinic_id, None, &address, entry).await?;
                tx.commit().await?;
            }
            tracing::info!(%address, known = user.is_some(), "sign-in refused");
            return Err(if disabled { ApiError::account_disabled() } else { ApiError::invalid_credentials() });
        }
    };
    limiter.succeeded(&account);
    let clinic = clinics::get(&state.db, user.clinic_id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("user {} has no clinic", user.id)))?;

    let new_secret = || SecretToken::generate().map_err(|e| ApiError::Internal(e.into()));
    let (session, csrf) = (new_secret()?, new_secret()?);
    let mut tx = state.db.begin_write().await?;
    let expires_at = sessions::create(&mut tx, user.id, &session.hash(), &csrf.hash()).await?;
    let entry = Entry::user("auth.sign_in", user.id);
    audit::record_sign_in(&mut tx, user.clinic_id, Some(user.id), &address, entry).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, clinic = %clinic.id, "signed in");

    let secure = state.auth.secure(&headers);
    let max_age = (expires_at - OffsetDateTime::now_utc()).whole_seconds().max(0);
    let body = LoginResponse {
        user: user_view(&user),
        clinic: ClinicView { id: clinic.id.to_string(), name: clinic.name },
        csrf_token: csrf.expose().to_owned(),
        expires_at: rfc3339(expires_at),
    };
    let mut response = Json(body).into_response();
    set_cookies(&mut response, session.expose(), csrf.expose(), max_age, secure)?;
    Ok(response)
}

/// End this browser session.
///
/// The session is revoked in the database and its cookies cleared. An API
/// token is refused (403): revoke it with `DELETE /api/v1/tokens/{id}`.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth", operation_id = "logout",
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Signed out; the cookies are cleared."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    ),
)]
pub(super) async fn logout(
    State(state): State<AppState>,
    identity: Identity,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if identity.via != AuthMethod::Session {
        return Err(ApiError::forbidden(
            "logout ends a browser session; revoke an API token with DELETE /api/v1/tokens/{id}",
        ));
    }
    if let Some(secret) = session_cookie(&headers) {
        sessions::revoke(&state.db, &TokenHash::of(&secret)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookies(&mut response, "", "", 0, state.auth.secure(&headers))?;
    Ok(response)
}

/// Who the request is authenticated as.
///
/// The clinic, and the person and role of a session, or the token and its
/// scopes.
#[utoipa::path(
    get, path = "/me", tag = "auth", operation_id = "me",
    security(("bearer_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The caller's clinic, person, role and scopes.", body = Me),
        (status = 401, response = Unauthenticated),
    ),
)]
pub(super) async fn me(State(state): State<AppState>, identity: Identity) -> Result<Json<Me>, ApiError> {
    let clinic = clinics::get(&state.db, identity.clinic_id).await?.ok_or(ApiError::NotFound)?;
    let user = match identity.user_id {
        Some(user_id) => Some(users::get(&state.db, identity.clinic_id, user_id).await?.ok_or(ApiError::NotFound)?),
        None => None,
    };
    let (via, token_id) = match identity.via {
        AuthMethod::Session => ("session", None),
        AuthMethod::Token { token_id } => ("token", Some(token_id.to_string())),
    };
    Ok(Json(Me {
        clinic: ClinicView { id: clinic.id.to_string(), name: clinic.name },
        user: user.as_ref().map(user_view),
        role: identity.role.map(|role| role.as_str().to_owned()),
        scopes: identity.scopes.names(),
        via: via.to_owned(),
        token_id,
    }))
}

/// Sets (or, with `max_age` 0, clears) the session and CSRF cookies.
fn set_cookies(response: &mut Response, session: &str, csrf: &str, max_age: i64, secure: bool) -> Result<(), ApiError> {
    let (name, flags) = if secure { (SESSION_COOKIE_SECURE, "; Secure") } else { (SESSION_COOKIE_PLAIN, "") };
    let cookies = [
        format!("{name}={session}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{flags}"),
        format!("{CSRF_COOKIE}={csrf}; Path=/; Max-Age={max_age}; SameSite=Lax{flags}"),
    ];
    for cookie in cookies {
        let value = HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.into()))?;
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(())
}
