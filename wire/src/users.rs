//! Changing people's accounts: an owner or admin changes a colleague's
//! name, role or whether they may sign in, or sets a new password for
//! them; anyone signed in changes their own password.

use serde::{Deserialize, Serialize};

/// `PATCH /api/v1/users/{id}`: each field present is changed, each absent
/// (or `null`) is kept. A field this type does not know is refused rather
/// than ignored: a misspelt `"disable": true` answered 200 while changing
/// nothing would leave someone signed in who should not be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// 1 to 100 characters, spaces round it trimmed, on one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\x00-\x1F\x7F-\x9F\s][^\x00-\x1F\x7F-\x9F]*$")
    )]
    pub display_name: Option<String>,
    /// `owner`, `admin`, `clinician` or `technician`; only an owner grants or takes away `owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::names::Role>))]
    pub role: Option<String>,
    /// `true` signs the person out everywhere and stops them signing in; `false` lets them in again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// `POST /api/v1/me/password`: a signed-in person changes their own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 12 to 1024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub new_password: String,
}

/// `POST /api/v1/users/{id}/password`: an owner or admin sets a new
/// password for someone else, who is signed out everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    /// 12 to 1024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub new_password: String,
}
