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
//! Constraints are part of the document: bounds, lengths, formats and
//! closed lists on the types and parameters (`#[schema(…)]`,
//! `#[param(…)]`, `trayforge_wire::names`), the content types of every
//! body, and, for the rules between fields that the derives cannot state,
//! [`RULES`], added when the document is served. `cargo xtask test api`
//! runs Schemathesis against the real server to hold the document and the
//! server to each other; the tests below compare the document's numbers
//! with the constants the checks use.
//!
//! Invariant: every `/api/v1` route but `openapi.json` itself is in the
//! document: `api_v1` in `http/mod.rs` is built only with `routes!`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
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
    description = "`not_found`: no such resource in the caller's clinic (another clinic's answers the same); \
                   `field` names the body or query field when the id was given there.",
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
    let document = Arc::new(with_rules(document));
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

fn serve_document(document: &serde_json::Value) -> Response {
    Json(document).into_response()
}

/// A rule between fields of a request schema, in JSON Schema, and the
/// sentence appended to the schema's description.
struct Rule {
    schema: &'static str,
    any_of: fn() -> serde_json::Value,
    says: &'static str,
}

/// The rules between fields that the server checks and the derives cannot
/// state. Each is an `anyOf` whose branches only constrain fields that are
/// present, so a field left out keeps its meaning (its default).
const RULES: &[Rule] = &[
    Rule {
        schema: "NewCaseRequest",
        any_of: || {
            json!([
                {"properties": {"patient_id": {"type": "null"}}},
                {"properties": {"patient": {"type": "null"}}},
            ])
        },
        says: "Give `patient_id` or `patient`, not both (422 `patient`).",
    },
    Rule {
        schema: "Recipe",
        any_of: || {
            json!([
                {"properties": {"base": {"type": "object"}}},
                {"properties": {"label": {"type": "null"}}, "required": ["label"]},
            ])
        },
        says: "A label needs the base it goes on: with `base` null, `label` must be null too (422 `label`).",
    },
    Rule {
        schema: "UpdateUserRequest",
        any_of: || {
            json!([
                {"properties": {"display_name": {"type": "string"}}, "required": ["display_name"]},
                {"properties": {"role": {"type": "string"}}, "required": ["role"]},
                {"properties": {"disabled": {"type": "boolean"}}, "required": ["disabled"]},
            ])
        },
        says: "At least one field to change (else 400).",
    },
];

/// The document as served: the generated one with [`RULES`] added.
fn with_rules(document: utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut document = serde_json::to_value(document).unwrap_or_default();
    for rule in RULES {
        let Some(schema) = document.pointer_mut(&format!("/components/schemas/{}", rule.schema)) else {
            // The tests below name every rule's schema; a rule for a missing schema states nothing.
            tracing::error!(schema = rule.schema, "an OpenAPI rule names a schema the document lacks");
            continue;
        };
        schema["anyOf"] = (rule.any_of)();
        let description = schema["description"].as_str().unwrap_or_default();
        schema["description"] = json!(format!("{description}\n\n{}", rule.says).trim_start());
    }
    // Error messages may quote what was sent, NUL included: they keep no pattern.
    let errors = document.pointer("/components/schemas/ErrorDetail").cloned();
    no_nul_in_free_text(&mut document);
    if let (Some(errors), Some(slot)) = (errors, document.pointer_mut("/components/schemas/ErrorDetail")) {
        *slot = errors;
    }
    document
}

/// Free text (a string without a format, pattern or list of values) gets
/// the pattern that keeps the NUL character out, as the body reader does
/// (`json.rs`).
fn no_nul_in_free_text(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(fields) => {
            let is_string = match fields.get("type") {
                Some(serde_json::Value::String(kind)) => kind == "string",
                Some(serde_json::Value::Array(kinds)) => kinds.iter().any(|kind| kind == "string"),
                _ => false,
            };
            let constrained = ["format", "pattern", "enum", "const"].iter().any(|key| fields.contains_key(*key));
            if is_string && !constrained {
                fields.insert("pattern".to_owned(), json!("^[^\\u0000]*$"));
            }
            fields.values_mut().for_each(no_nul_in_free_text);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(no_nul_in_free_text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    //! The document's bounds and lists are the ones the checks use.

    use mesh_core::prepare::RecipeField;
    use serde_json::Value;

    use super::{RULES, with_rules};
    use crate::domain::webhook::MAX_URL_CHARS;
    use crate::domain::{Arch, Role, Scope, account::MAX_DISPLAY_NAME_CHARS, password::MIN_PASSWORD_CHARS};
    use crate::http::{cases, files};
    use crate::storage::Page;

    fn document() -> Value {
        let (_, document) = super::super::api_v1().split_for_parts();
        with_rules(document)
    }

    fn schema<'a>(document: &'a Value, name: &str) -> &'a Value {
        let schema = &document["components"]["schemas"][name];
        assert!(schema.is_object(), "no schema {name}");
        schema
    }

    /// The query or path parameter `name` of the operation at `path`, `method`.
    fn parameter<'a>(document: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
        let parameters = document["paths"][path][method]["parameters"].as_array().expect("parameters");
        let found = parameters.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{method} {path}: {name}"));
        &found["schema"]
    }

    fn number(value: &Value) -> f64 {
        value.as_f64().unwrap_or(f64::NAN)
    }

    fn names(schema: &Value) -> Vec<&str> {
        schema["enum"].as_array().expect("enum").iter().filter_map(Value::as_str).collect()
    }

    #[test]
    fn paging_bounds_are_the_checks_bounds() {
        let document = document();
        for (path, method) in [
            ("/cases", "get"),
            ("/users", "get"),
            ("/tokens", "get"),
            ("/audit", "get"),
            ("/cases/{id}/activity", "get"),
        ] {
            assert_eq!(number(&parameter(&document, path, method, "page")["minimum"]), 1.0, "{path}");
            let limit = parameter(&document, path, method, "limit");
            assert_eq!(number(&limit["minimum"]), 1.0, "{path}");
            assert_eq!(number(&limit["maximum"]), f64::from(Page::MAX_LIMIT), "{path}");
        }
    }

    #[test]
    fn case_and_upload_bounds_are_the_checks_bounds() {
        let document = document();
        for name in ["NewCaseRequest", "CaseUpdate"] {
            let properties = &schema(&document, name)["properties"];
            assert_eq!(properties["title"]["maxLength"], cases::MAX_TEXT_CHARS, "{name}");
            assert_eq!(properties["notes"]["maxLength"], cases::MAX_NOTES_CHARS, "{name}");
            for (field, range) in [
                ("days_per_aligner", cases::DAYS_PER_ALIGNER),
                ("aligners_per_appointment", cases::ALIGNERS_PER_APPOINTMENT),
            ] {
                assert_eq!(number(&properties[field]["minimum"]), f64::from(*range.start()), "{name}.{field}");
                assert_eq!(number(&properties[field]["maximum"]), f64::from(*range.end()), "{name}.{field}");
            }
        }
        let patient = &schema(&document, "NewPatient")["properties"];
        assert_eq!(patient["full_name"]["maxLength"], cases::MAX_TEXT_CHARS);
        let upload = "/cases/{id}/stages/{arch}/{index}/models";
        let index = parameter(&document, upload, "post", "index");
        assert_eq!(number(&index["minimum"]), f64::from(*files::STAGE_INDEXES.start()));
        assert_eq!(number(&index["maximum"]), f64::from(*files::STAGE_INDEXES.end()));
        assert_eq!(parameter(&document, upload, "post", "file_name")["maxLength"], files::MAX_FILE_NAME_CHARS);
        let stage = parameter(&document, "/cases/{id}/export", "get", "stage");
        assert_eq!(number(&stage["maximum"]), f64::from(*files::STAGE_INDEXES.end()));
        assert_eq!(number(&schema(&document, "StageRef")["properties"]["index"]["maximum"]), 999.0);
    }

    #[test]
    fn people_bounds_are_the_checks_bounds() {
        let document = document();
        let user = &schema(&document, "NewUserRequest")["properties"];
        assert_eq!(user["password"]["minLength"], MIN_PASSWORD_CHARS);
        assert_eq!(user["display_name"]["maxLength"], MAX_DISPLAY_NAME_CHARS);
        assert_eq!(schema(&document, "NewWebhookRequest")["properties"]["url"]["maxLength"], MAX_URL_CHARS);
    }

    #[test]
    fn every_recipe_range_is_in_the_document() {
        let document = document();
        for field in RecipeField::ALL {
            let Some((min, max, _)) = field.range() else { continue };
            let (part, name) = field.path().split_once('.').expect("a recipe number is part.field");
            let component = match part {
                "trim" => "TrimRecipe",
                "base" => "BaseRecipe",
                "hollow" => "HollowRecipe",
                _ => "LabelRecipe",
            };
            let mut property = &schema(&document, component)["properties"][name];
            if let Some(item) = property["items"]["$ref"].as_str() {
                property = document.pointer(item.trim_start_matches('#')).expect("the item schema");
            }
            // The document says the decimal; the check compares single-precision numbers.
            #[allow(clippy::cast_possible_truncation, reason = "the bounds are single-precision numbers")]
            let bounds = (number(&property["minimum"]) as f32, number(&property["maximum"]) as f32);
            assert_eq!(bounds, (min, max), "{field}");
        }
    }

    #[test]
    fn closed_lists_are_the_domains_lists() {
        let document = document();
        assert_eq!(names(schema(&document, "Arch")), [Arch::Upper, Arch::Lower].map(Arch::as_str));
        assert_eq!(names(schema(&document, "Role")), Role::ALL.map(Role::as_str));
        assert_eq!(names(schema(&document, "Scope")), Scope::ALL.map(Scope::as_str));
        let statuses = trayforge_wire::CaseStatus::ALL.map(trayforge_wire::CaseStatus::as_str);
        assert_eq!(names(schema(&document, "CaseStatus")), statuses);
    }

    #[test]
    fn every_rule_names_a_schema_of_the_document() {
        let document = document();
        for rule in RULES {
            assert!(schema(&document, rule.schema)["anyOf"].is_array(), "{}", rule.schema);
        }
    }
}
