//! The one error type of the API, and its mapping to a status and the
//! `{"error": {"code", "message", "field"}}` body.
//!
//! Invariant: a 500 logs its cause and answers a generic message; internals
//! never reach the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use trayforge_wire::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource; check the path against /api/v1/openapi.json")]
    NotFound,
    /// A 404 that says what is missing and what to do (nothing to export yet, say).
    #[error("{0}")]
    Missing(String),
    /// A 404 for an id that a body or query field names and the caller's
    /// clinic does not have: like `NotFound` for an id in the path, with
    /// the field.
    #[error("{message}")]
    UnknownReference { field: &'static str, message: String },
    /// The request cannot be read (malformed JSON, wrong content type).
    #[error("{0}")]
    BadRequest(String),
    /// No valid credentials: `code` says which kind of failure.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// Known caller, not allowed.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String, field: Option<&'static str> },
    /// The request body is over a size limit; the message names it.
    #[error("{message}")]
    TooLarge { message: String },
    #[error("too many attempts; wait {retry_after_secs} s and try again")]
    TooManyRequests { retry_after_secs: u64 },
    /// A field of the request breaks a rule; the message says which rule.
    #[error("{message}")]
    Validation { field: &'static str, message: String },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound | ApiError::Missing(_) | ApiError::UnknownReference { .. } => {
                (StatusCode::NOT_FOUND, "not_found")
            }
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, code),
            ApiError::Forbidden { code, .. } => (StatusCode::FORBIDDEN, code),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Validation { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl ApiError {
    /// Unknown email and wrong password answer the same, so that the
    /// answer never tells whether an account exists.
    pub fn invalid_credentials() -> ApiError {
        ApiError::Unauthorized {
            code: "invalid_credentials",
            message: "the email address or the password is wrong".to_owned(),
        }
    }

    /// Answered only to the right password of a disabled account (see `auth::login`).
    pub fn account_disabled() -> ApiError {
        ApiError::Forbidden {
            code: "account_disabled",
            message: "this account is disabled; ask an owner or admin of your clinic to enable it".to_owned(),
        }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::Unauthorized {
            code: "unauthenticated",
            message: "sign in first (POST /api/v1/auth/login), or send Authorization: Bearer <API token>".to_owned(),
        }
    }

    pub fn csrf_mismatch() -> ApiError {
        ApiError::Forbidden {
            code: "csrf_mismatch",
            message: "a signed-in change needs the X-CSRF-Token header with the token login returned".to_owned(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::Forbidden { code: "forbidden", message: message.into() }
    }

    pub fn validation(field: &'static str, error: impl std::fmt::Display) -> ApiError {
        ApiError::Validation { field, message: error.to_string() }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        ApiError::Internal(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let message = match &self {
            ApiError::Internal(_) => "the server failed to handle this request; it has been logged".to_owned(),
            other => other.to_string(),
        };
        let field = match &self {
            ApiError::Validation { field, .. }
            | ApiError::Conflict { field: Some(field), .. }
            | ApiError::UnknownReference { field, .. } => Some((*field).to_owned()),
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code: code.to_owned(), message, field } };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}
