//! Sign-in, the caller's identity, users and API tokens. Ids are UUIDs and
//! times RFC 3339 in UTC, both as text.

use serde::{Deserialize, Serialize};

/// Every role, in order of what it may do (the server's `Role` names).
pub const ROLES: [&str; 4] = ["owner", "admin", "clinician", "technician"];
/// Every API token scope (the server's `Scope` names).
pub const SCOPES: [&str; 3] = ["read", "write", "production"];

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(example = "owner@smile.example"))]
    pub email: String,
    pub password: String,
}

/// The answer to a sign-in; the session itself travels in a cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub user: UserView,
    pub clinic: ClinicView,
    /// Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE of this session.
    pub csrf_token: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicView {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    pub clinic_id: String,
    pub email: String,
    pub display_name: String,
    /// `owner`, `admin`, `clinician` or `technician`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::names::Role, example = "clinician"))]
    pub role: String,
    pub created_at: String,
    pub disabled: bool,
}

/// `GET /api/v1/me`: who the request is authenticated as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub clinic: ClinicView,
    /// Absent for an API token, which acts for the clinic, not a person.
    pub user: Option<UserView>,
    pub role: Option<String>,
    /// `read`, `write`, `production`: every scope for a session.
    pub scopes: Vec<String>,
    /// `session` or `token`.
    pub via: String,
    pub token_id: Option<String>,
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUserRequest {
    /// `name@example.com`, at most 254 characters; unique in Trayforge whatever its case.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254, example = "ana@smile.example"))]
    pub email: String,
    /// Defaults to the part of the email before `@`; else at most 100
    /// characters (spaces round it trimmed), on one line.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub display_name: String,
    /// `owner` (only an owner may give it), `admin`, `clinician` or `technician`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::names::Role, example = "clinician"))]
    pub role: String,
    /// 12 to 1024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub password: String,
}

/// `POST /api/v1/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTokenRequest {
    /// 1 to 100 characters, spaces round it trimmed.
    #[cfg_attr(feature = "openapi", schema(max_length = 100, pattern = r"\S", example = "practice system"))]
    pub name: String,
    /// One or more of `read`, `write`, `production`.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Vec<crate::names::Scope>, min_items = 1, example = json!(["read", "write"]))
    )]
    pub scopes: Vec<String>,
    /// When the token stops working by itself (RFC 3339, in the future);
    /// absent: never, until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::names::Scope>))]
    pub scopes: Vec<String>,
    pub created_by: String,
    /// The creator's display name.
    pub created_by_name: String,
    /// The creator's account is disabled: a token acts for its creator, so
    /// it does not work until they are enabled again (or a new one is made).
    pub creator_disabled: bool,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// The answer to `POST /api/v1/tokens`: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub token: ApiTokenView,
    /// Send it as `Authorization: Bearer <secret>`; it cannot be shown again.
    pub secret: String,
}
