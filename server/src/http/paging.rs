//! Paging of lists: `?page=&limit=` in the query, checked against the
//! API's bounds; lists answer `{items, page, limit, total}`.
//!
//! The bounds are in the document too (`#[param(minimum, maximum)]` here,
//! on `CaseQuery` and on `AuditQuery`): page 0 and limit 0 are refused
//! (422), and the document says so; `http/openapi.rs`'s tests compare its
//! numbers with `storage::Page::MAX_LIMIT`.

use serde::Deserialize;

use super::ApiError;
use crate::storage;

/// `?page=&limit=` alone, for lists without filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct PageQuery {
    /// From 1 (the default).
    #[param(minimum = 1, maximum = 4294967295.0)]
    pub(super) page: Option<u32>,
    /// Items per page: 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub(super) limit: Option<u32>,
}

impl PageQuery {
    pub(super) fn page(&self) -> Result<storage::Page, ApiError> {
        page(self.page, self.limit)
    }
}

/// A page from the query, with the API's defaults and bounds.
pub(super) fn page(number: Option<u32>, limit: Option<u32>) -> Result<storage::Page, ApiError> {
    let number = number.unwrap_or(1);
    let limit = limit.unwrap_or(storage::Page::DEFAULT_LIMIT);
    if number == 0 {
        return Err(ApiError::validation("page", "pages count from 1"));
    }
    if !(1..=storage::Page::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation("limit", format!("ask for 1 to {} items", storage::Page::MAX_LIMIT)));
    }
    Ok(storage::Page { number, limit })
}
