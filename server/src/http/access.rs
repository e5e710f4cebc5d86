//! Refusing a caller: whether their role or token scope allows an access
//! (`domain::Access`), and path ids that name nothing.

use uuid::Uuid;

use super::ApiError;
use crate::domain::{Access, Identity};

/// Refuses the caller (403, saying who may) unless `access` allows them.
pub(super) fn require(identity: &Identity, access: Access) -> Result<(), ApiError> {
    if access.allows(identity) { Ok(()) } else { Err(ApiError::forbidden(access.refusal())) }
}

/// An id from the path: one that is not a UUID names nothing (404, as for
/// another clinic's).
pub(super) fn path_id(id: &str) -> Result<Uuid, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// An id named in a body or query: a UUID written as the document's
/// `format: uuid` says (hyphenated, 36 characters), else `None`.
pub(super) fn reference_id(text: &str) -> Option<Uuid> {
    if text.len() == 36 { text.parse().ok() } else { None }
}
