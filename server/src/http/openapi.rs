//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers'
//! `#[utoipa::path]` annotations, and the Swagger UI that shows it.
//!
//! How a route gets its documentation (see ARCHITECTURE.md, "Adding an API
//! route"): the handler carries `#[utoipa::path(…)]` (method, path relative
//! to `/api/v1`, tag, `operation_id`, request body, every response, and
//! `security`), and `http/mod.rs` registers it with `routes!(…)` on the
//! `OpenApiRouter`, which adds the route and its operation together. Error
//! responses name the reusable responses below, so each says the one error
//! shape (`ErrorBody`).
//!
//! Security requirements carry what authorization needs, and the
//! authorization matrix test checks them against the real statuses:
//! `bearer_token` lists the scopes a token needs (none: any token),
//! `session_cookie` lists the roles that may call (none: any role), and a
//! write adds `csrf_token` to the session's requirement. No `security` at
//! all means anyone may call.
//!
//! Invariant: every `/api/v1` route but `openapi.json` itself is in the
//! document: `api_v1` in `http/mod.rs` is built only with `routes!`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, PartialSchema, ToResponse, ToSchema};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::extract::SESSION_COOKIE_PLAIN;
use super::security_headers::DOCS_POLICY;

/// Where the document is served, and where Swagger UI fetches it from.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
/// The browsable API reference (Swagger UI, served from the binary).
pub const DOCS_PATH: &str = "/api/docs";

/// The parts of the document that no handler carries: title, the
/// description (authentication, tenancy, errors), security schemes, tags,
/// and the reusable error responses.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Trayforge API", description = include_str!("openapi.md")),
    servers((url = "/api/v1", description = "this server")),
    modifiers(&SecuritySchemes),
    components(
        schemas(trayforge_wire::ErrorBody),
        responses(
            BadRequest,
            Unauthenticated,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            ValidationFailed,
            RateLimited,
        ),
    ),
    tags(
        (name = "auth", description = "Signing in and out, and who the request is authenticated as."),
        (name = "users", description = "The people of the caller's clinic and their roles."),
        (name = "tokens", description = "API tokens for integrations: scoped, hashed at rest, shown once."),
        (name = "cases", description = "Patients (by pseudonymous case code) and their treatment cases, stages and schedules."),
        (name = "files", description = "Model versions per stage, clinical photos, and downloads."),
        (name = "audit", description = "Who did what, when and from where: append-only."),
        (name = "preparation", description = "The clinic's preparation recipe, the prepare job that runs it on a case's models, and exports for printing."),
        (name = "webhooks", description = "Signed HTTP callbacks for case and file events, delivered through the job queue."),
    )
)]
pub struct ApiDoc;

/// The names used in `security(…)` of `#[utoipa::path]`.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`POST /api/v1/tokens`) as `Authorization: Bearer <secret>`. An \
                         operation's requirement lists the scopes the token needs; an empty list takes any \
                         token. A token acts for its clinic, never as a person.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE_PLAIN,
                "The browser session `POST /api/v1/auth/login` sets (named `__Host-trayforge_session` over \
                 TLS). An operation's requirement lists the roles that may call it (any one of them); an \
                 empty list takes every role.",
            ))),
        );
        components.add_security_scheme(
            "csrf_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "With the session cookie, every POST, PUT, PATCH and DELETE needs this header: the \
                 `csrf_token` login answered (also in the `trayforge_csrf` cookie). Else 403 `csrf_mismatch`.",
            ))),
        );
    }
}

/// 400 `bad_request`: the request cannot be read (malformed JSON, missing
/// `Content-Type: application/json`, a call that makes no sense for this caller).
#[derive(Debug, ToResponse)]
#[response(
    description = "`bad_request`: the request cannot be read; the message says why.",
    example = json!({"error": {"code": "bad_request", "message": "send the body as JSON with Content-Type: application/json"}})
)]
pub struct BadRequest(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "`unauthenticated`: no valid session cookie or API token (or `invalid_credentials` at login).",
    example = json!({"error": {"code": "unauthenticated", "message": "sign in first (POST /api/v1/auth/login), or send Authorization: Bearer <API token>"}})
)]
pub struct Unauthenticated(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "`forbidden`: this role or token scope may not do this; `csrf_mismatch`: a signed-in write without the right `X-CSRF-Token`; `account_disabled`: at sign-in, the right password of a disabled account.",
    example = json!({"error": {"code": "forbidden", "message": "only a signed-in owner or admin can add users"}})
)]
pub struct Forbidden(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "`not_found`: no such resource in the caller's clinic (another clinic's answers the same).",
    example = json!({"error": {"code": "not_found", "message": "no such resource; check the path against /api/v1/openapi.json"}})
)]
pub struct NotFound(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "A conflict with what exists; `code` says which and `field` names the field.",
    example = json!({"error": {"code": "email_unavailable", "message": "this email address cannot be used for a new account; use another address", "field": "email"}})
)]
pub struct Conflict(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "`too_large`: the upload is over the server's size limit; nothing was stored.",
    example = json!({"error": {"code": "too_large", "message": "the file is larger than this server's limit of 300 MB; nothing was stored (the limit is [blobs] max_upload_bytes)"}})
)]
pub struct PayloadTooLarge(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "`validation_failed`: `field` breaks a rule; the message says which and what to send instead.",
    example = json!({"error": {"code": "validation_failed", "message": "a password needs at least 12 characters", "field": "password"}})
)]
pub struct ValidationFailed(pub trayforge_wire::ErrorBody);

#[derive(Debug, ToResponse)]
#[response(
    description = "`rate_limited`: too many attempts; wait the seconds `Retry-After` gives.",
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again.")),
    example = json!({"error": {"code": "rate_limited", "message": "too many attempts; wait 42 s and try again"}})
)]
pub struct RateLimited(pub trayforge_wire::ErrorBody);

/// A file's bytes as a whole request or response body (an upload, a
/// download): `content = inline(FileBytes)` with `content_type =
/// "application/octet-stream"`. (`Vec<u8>` would say "an array of numbers".)
#[derive(Debug)]
pub struct FileBytes;

impl PartialSchema for FileBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .content_media_type("application/octet-stream")
            .into()
    }
}

impl ToSchema for FileBytes {}

/// `GET /api/v1/openapi.json` (no sign-in), and Swagger UI under
/// `/api/docs/`, its HTML, scripts and styles served from the binary
/// (`vendored`: nothing is fetched from elsewhere, at build time or in the
/// browser).
pub(super) fn routes<S: Clone + Send + Sync + 'static>(document: utoipa::openapi::OpenApi) -> Router<S> {
    let document = Arc::new(document);
    // No online validator: it would send the document's address to swagger.io.
    let config =
        Config::new([DOCUMENT_PATH]).validator_url("none").try_it_out_enabled(true).persist_authorization(true);
    let swagger: Router<S> = Router::new().merge(SwaggerUi::new(DOCS_PATH).config(config)).layer(
        SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_POLICY)),
    );
    Router::new()
        .route(
            DOCUMENT_PATH,
            get(move || {
                let document = Arc::clone(&document);
                async move { serve_document(&document) }
            }),
        )
        .merge(swagger)
}

fn serve_document(document: &utoipa::openapi::OpenApi) -> Response {
    Json(document).into_response()
}
