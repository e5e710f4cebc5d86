//! The OpenAPI schemas of the API's closed lists of names (arches, roles,
//! scopes, case statuses, webhook events), each made from the one list the
//! code uses, so the document's `enum` cannot drift from what is accepted.
//!
//! Fields that carry a name as a `String` point here with
//! `#[schema(value_type = crate::names::Arch)]` (or `#[param(value_type = …)]`).

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, schema};
use utoipa::{PartialSchema, ToSchema};

use crate::{ARCHES, CaseStatus, ROLES, SCOPES, WEBHOOK_EVENTS};

/// A string that is one of `names`.
fn one_of(names: &[&str], description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(schema::SchemaType::new(Type::String))
        .enum_values(Some(names.iter().copied()))
        .description(Some(description))
        .into()
}

macro_rules! name_schema {
    ($(#[$doc:meta])* $name:ident, $names:expr, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                one_of(&$names, $description)
            }
        }

        impl ToSchema for $name {}
    };
}

name_schema!(
    /// `upper` or `lower`.
    Arch,
    ARCHES,
    "An arch: `upper` or `lower`."
);
name_schema!(
    /// A person's role.
    Role,
    ROLES,
    "A role: `owner`, `admin`, `clinician` or `technician`."
);
name_schema!(
    /// An API token's scope.
    Scope,
    SCOPES,
    "A token scope: `read`, `write` or `production`."
);
name_schema!(
    /// An event a webhook can subscribe to.
    WebhookEvent,
    WEBHOOK_EVENTS,
    "A webhook event."
);

impl PartialSchema for CaseStatus {
    fn schema() -> RefOr<Schema> {
        one_of(&CaseStatus::ALL.map(CaseStatus::as_str), "Where a case stands in production.")
    }
}

impl ToSchema for CaseStatus {}
