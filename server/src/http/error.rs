//! The one error type of the API, and its mapping to a status and the
//! `{"error": {"code", "message", "field"}}` body.
//!
//! Invariant: a 500 logs its cause and answers a generic message; internals
//! never reach the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use trayforge_wire::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource; check the path against /api/v1/openapi.json")]
    NotFound,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
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
        let body = ErrorBody { error: ErrorDetail { code: code.to_owned(), message, field: None } };
        (status, Json(body)).into_response()
    }
}
