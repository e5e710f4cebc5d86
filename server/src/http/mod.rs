//! The HTTP surface: probes, the API under `/api/v1` with its OpenAPI
//! document and browsable reference, and the built client.

mod access;
mod accounts;
mod audit;
pub mod auth;
mod cases;
mod client;
mod error;
mod export;
pub mod extract;
mod files;
mod health;
mod json;
mod mesh_reads;
pub mod openapi;
mod paging;
mod prepare;
mod rate_limit;
mod recipes;
mod security_headers;
pub mod serve;
mod tokens;
mod users;
mod webhooks;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use ipnet::IpNet;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use auth::AuthState;
pub use error::ApiError;
pub(crate) use files::file_view;
pub use mesh_reads::MeshReads;

use crate::domain::ReceiverPolicy;
use crate::jobs::JobSignal;
use crate::storage::{BlobStore, Database};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
    /// Cookie policy and the login limiter.
    pub auth: AuthState,
    /// Uploaded files, by content (see `storage/blobs.rs`).
    pub blobs: BlobStore,
    /// Wakes this process's job workers: call `wake()` after committing a
    /// transaction that enqueued jobs (or published webhook events).
    pub jobs: JobSignal,
    /// Proxies whose `X-Forwarded-For` names the client (`[server] trusted_proxies`).
    pub trusted_proxies: Arc<[IpNet]>,
    /// Where webhooks may deliver (`[webhooks]`).
    pub receivers: ReceiverPolicy,
    /// The memory budget of the model files requests read at once.
    pub mesh_reads: MeshReads,
}

/// Every route of `/api/v1`, each with its OpenAPI operation: register
/// handlers only through `routes!` (handlers of one path together), never
/// with `.route`, so that no route escapes the document (and the
/// authorization matrix test, which reads it).
fn api_v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(accounts::change_own_password))
        .routes(routes!(users::list, users::create))
        .routes(routes!(accounts::update))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(cases::list, cases::create))
        .routes(routes!(cases::get, cases::update, cases::delete))
        .routes(routes!(files::upload_model))
        .routes(routes!(files::upload_photo))
        .routes(routes!(audit::case_activity))
        .routes(routes!(files::download))
        .routes(routes!(recipes::get, recipes::save))
        .routes(routes!(prepare::start))
        .routes(routes!(prepare::get))
        .routes(routes!(export::export))
        .routes(routes!(audit::list))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::delete))
}

/// The whole HTTP surface. A request body that sends nothing for
/// `body_timeout` is cut off (its handler sees a failed body: 400, or the
/// upload aborted).
pub fn router(state: AppState, dist_dir: &Path, body_timeout: Duration) -> Router {
    let (v1, document) = api_v1().split_for_parts();
    // Versioned areas nest under `/api/v1` here; anything else under `/api` is a JSON 404.
    let api = Router::new().nest("/v1", v1).fallback(|| async { ApiError::NotFound }).layer(
        // Answers carry patient data: no cache keeps them (the client keeps model files itself).
        SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    );
    let hsts = state.auth.secure_cookies;
    let app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(openapi::routes(document))
        .nest("/api", api)
        .fallback_service(client::service(dist_dir));
    security_headers::layer(app, hsts)
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
