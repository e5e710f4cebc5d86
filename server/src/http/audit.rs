//! The audit log, for the clinic's owners and admins: newest first, paged,
//! optionally for one subject (a case, a file); and a case's activity, the
//! part of it about one case, for everyone who may read the case.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use trayforge_wire::{AuditEventView, Page};

use super::access::{path_id, require};
use super::extract::QueryParams;
use super::openapi::{BadRequest, Forbidden, NotFound, Unauthenticated, ValidationFailed};
use super::paging::{PageQuery, page};
use super::users::rfc3339;
use super::{ApiError, AppState};
use crate::domain::{Access, Identity};
use crate::storage::audit::{self, AuditEvent, AuditFilter};
use crate::storage::cases;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditQuery {
    /// Only the events of this case, file or user.
    subject_id: Option<String>,
    /// From 1 (the default).
    #[param(minimum = 1, maximum = 4294967295.0)]
    page: Option<u32>,
    /// Items per page: 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// The clinic's audit log, newest first: who did what, when, from where.
#[utoipa::path(
    get, path = "/audit", tag = "audit", operation_id = "list_audit_events",
    params(AuditQuery),
    security(("session_cookie" = ["owner", "admin"])),
    responses(
        (status = 200, description = "A page of events and the number of all that match.", body = Page<AuditEventView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn list(
    State(state): State<AppState>,
    identity: Identity,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Json<Page<AuditEventView>>, ApiError> {
    require(&identity, Access::ReadAudit)?;
    let page = page(query.page, query.limit)?;
    let filter = AuditFilter { subject_id: query.subject_id, case_id: None };
    let (events, total) = audit::list(&state.db, identity.clinic_id, &filter, page).await?;
    Ok(Json(Page {
        items: events.iter().map(|event| view(event, true)).collect(),
        page: page.number,
        limit: page.limit,
        total,
    }))
}

/// What happened to a case and its files, newest first.
///
/// The case's part of the audit log, for everyone who may read the case.
#[utoipa::path(
    get, path = "/cases/{id}/activity", tag = "audit", operation_id = "case_activity",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID)."), PageQuery),
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of the case's events.", body = Page<AuditEventView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn case_activity(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Page<AuditEventView>>, ApiError> {
    require(&identity, Access::ReadCases)?;
    let id = path_id(&id)?;
    cases::get(&state.db, identity.clinic_id, id).await?.ok_or(ApiError::NotFound)?;
    let page = page(query.page, query.limit)?;
    let filter = AuditFilter { subject_id: None, case_id: Some(id) };
    let (events, total) = audit::list(&state.db, identity.clinic_id, &filter, page).await?;
    // Where colleagues connected from is for those who read the whole log.
    let show_source = Access::ReadAudit.allows(&identity);
    let items = events.iter().map(|event| view(event, show_source)).collect();
    Ok(Json(Page { items, page: page.number, limit: page.limit, total }))
}

fn view(event: &AuditEvent, show_source: bool) -> AuditEventView {
    AuditEventView {
        id: event.id.to_string(),
        at: rfc3339(event.at),
        actor_user_id: event.actor_user_id.map(|id| id.to_string()),
        actor_token_id: event.actor_token_id.map(|id| id.to_string()),
        actor_name: event.actor_name.clone(),
        action: event.action.clone(),
        subject_type: event.subject_type.clone(),
        subject_id: event.subject_id.clone(),
        source: show_source.then(|| event.source.clone()),
        details: event.details.clone(),
    }
}
