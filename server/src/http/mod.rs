//! The HTTP surface: probes, the API under `/api/v1`, and the built client.

mod client;
mod error;
mod health;

use std::path::Path;

use axum::Router;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::storage::{BlobStore, Database};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
    /// Uploaded files, by content (see `storage/blobs.rs`).
    pub blobs: BlobStore,
}

pub fn router(state: AppState, dist_dir: &Path) -> Router {
    // Versioned areas nest under `/api/v1` here; anything else under `/api` is a JSON 404.
    let api = Router::new().fallback(|| async { ApiError::NotFound });
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/api", api)
        .fallback_service(client::service(dist_dir))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
