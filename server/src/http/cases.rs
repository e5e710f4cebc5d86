//! Cases and their patients: create, list and search, read with stages and
//! photos, change, delete. Every change is audited in its own transaction.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use time::Date;
use time::format_description::well_known::Iso8601;
use trayforge_wire::{CaseDetail, CaseUpdate, CaseView, NewCaseRequest, Page, PatientView, StageView};
use uuid::Uuid;

use super::access::{path_id, reference_id, require};
use super::extract::{ClientAddress, JsonBody, QueryParams};
use super::files::file_view;
use super::openapi::{BadRequest, Forbidden, NotFound, Unauthenticated, ValidationFailed};
use super::paging::page;
use super::users::rfc3339;
use super::{ApiError, AppState};
use crate::domain::{Access, CaseStatus, Identity, WebhookEvent};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::case_files::{self, FileKind};
use crate::storage::cases::{self, CaseChanges, CaseError, CaseFilter, CaseRecord, NewCase, PatientChoice, Schedule};
use crate::storage::{WriteTx, webhooks};

// The document states these bounds too (`trayforge_wire::NewCaseRequest`,
// `CaseUpdate`); `http/openapi.rs`'s tests hold the two together.
pub(super) const MAX_TEXT_CHARS: usize = 200;
pub(super) const MAX_NOTES_CHARS: usize = 10_000;
pub(super) const DAYS_PER_ALIGNER: std::ops::RangeInclusive<i32> = 1..=60;
pub(super) const ALIGNERS_PER_APPOINTMENT: std::ops::RangeInclusive<i32> = 1..=20;
const DEFAULT_DAYS_PER_ALIGNER: i32 = 14;
const DEFAULT_ALIGNERS_PER_APPOINTMENT: i32 = 3;

/// Open a case, for an existing patient or a new one.
///
/// A new patient gets a generated case code, the pseudonym every label
/// carries. Clinicians, admins and owners; tokens with `write`.
#[utoipa::path(
    post, path = "/cases", tag = "cases", operation_id = "create_case",
    request_body = NewCaseRequest,
    security(("bearer_token" = ["write"]), ("session_cookie" = ["owner", "admin", "clinician"], "csrf_token" = [])),
    responses(
        (status = 201, description = "The new case with its patient.", body = CaseDetail, links(
            ("GetCase" = (operation_id = "get_case", parameters(("id" = "$response.body#/id")))),
            ("UpdateCase" = (operation_id = "update_case", parameters(("id" = "$response.body#/id")))),
            ("DeleteCase" = (operation_id = "delete_case", parameters(("id" = "$response.body#/id")))),
            ("CaseActivity" = (operation_id = "case_activity", parameters(("id" = "$response.body#/id")))),
            ("UploadModel" = (operation_id = "upload_model", parameters(("id" = "$response.body#/id")))),
            ("UploadPhoto" = (operation_id = "upload_photo", parameters(("id" = "$response.body#/id")))),
            ("PrepareCase" = (operation_id = "prepare_case", parameters(("id" = "$response.body#/id")))),
            ("ExportCase" = (operation_id = "export_case", parameters(("id" = "$response.body#/id")))),
        )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn create(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    JsonBody(request): JsonBody<NewCaseRequest>,
) -> Result<(StatusCode, Json<CaseDetail>), ApiError> {
    require(&identity, Access::WriteCases)?;
    let new = new_case(&request, &identity)?;
    let mut tx = state.db.begin_write().await?;
    let created = cases::create(&mut tx, identity.clinic_id, &new).await.map_err(|e| match e {
        CaseError::UnknownPatient => unknown_patient(),
        other => ApiError::Internal(other.into()),
    })?;
    let id = created.id;
    let entry = Entry::case("case.create", id).with("title", new.title.clone());
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    let data = json!({ "case_id": id, "patient_code": created.patient_code, "title": new.title, "status": "new" });
    webhooks::publish(&mut tx, identity.clinic_id, WebhookEvent::CaseCreated, data).await?;
    tx.commit().await?;
    state.jobs.wake();
    tracing::info!(case = %id, clinic = %identity.clinic_id, "case created");
    Ok((StatusCode::CREATED, Json(detail(&state, &identity, id).await?)))
}

fn new_case(request: &NewCaseRequest, identity: &Identity) -> Result<NewCase, ApiError> {
    let patient = match (&request.patient_id, &request.patient) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation("patient", "give either patient_id or patient, not both"));
        }
        (Some(id), None) => PatientChoice::Existing(reference_id(id).ok_or_else(|| {
            ApiError::validation(
                "patient_id",
                format!("`{id}` is not a patient id (a UUID such as a case's patient.id)"),
            )
        })?),
        (None, patient) => {
            let patient = patient.clone().unwrap_or_default();
            PatientChoice::New {
                full_name: optional_text("patient.full_name", patient.full_name.as_deref(), MAX_TEXT_CHARS)?,
                date_of_birth: patient
                    .date_of_birth
                    .as_deref()
                    .map(|text| birth_date("patient.date_of_birth", text))
                    .transpose()?,
            }
        }
    };
    Ok(NewCase {
        patient,
        title: optional_text("title", request.title.as_deref(), MAX_TEXT_CHARS)?
            .unwrap_or_else(|| "Treatment".to_owned()),
        schedule: Schedule {
            start_date: request.start_date.as_deref().map(|text| date("start_date", text)).transpose()?,
            days_per_aligner: days_per_aligner(request.days_per_aligner.unwrap_or(DEFAULT_DAYS_PER_ALIGNER))?,
            aligners_per_appointment: aligners_per_appointment(
                request.aligners_per_appointment.unwrap_or(DEFAULT_ALIGNERS_PER_APPOINTMENT),
            )?,
        },
        notes: notes(request.notes.as_deref().unwrap_or_default())?,
        created_by: identity.user_id,
    })
}

/// 404 naming `patient_id`: the id is well formed but not a patient of the caller's clinic.
fn unknown_patient() -> ApiError {
    ApiError::UnknownReference { field: "patient_id", message: "your clinic has no patient with this id".into() }
}

/// The text trimmed, `None` when blank; at most `max` characters as sent
/// (the document's `maxLength`, which counts the spaces too).
fn optional_text(field: &'static str, text: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    if text.is_some_and(|text| text.chars().count() > max) {
        return Err(ApiError::validation(field, format!("keep it to {max} characters")));
    }
    Ok(text.map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned))
}

fn notes(text: &str) -> Result<String, ApiError> {
    if text.chars().count() > MAX_NOTES_CHARS {
        return Err(ApiError::validation("notes", format!("keep notes to {MAX_NOTES_CHARS} characters")));
    }
    Ok(text.to_owned())
}

/// A calendar date written exactly `YYYY-MM-DD` (RFC 3339's full-date, the
/// document's `format: date`): no spaces, signs, week or ordinal dates.
fn date(field: &'static str, text: &str) -> Result<Date, ApiError> {
    let shaped = text.len() == 10
        && text
            .bytes()
            .enumerate()
            .all(|(at, byte)| if at == 4 || at == 7 { byte == b'-' } else { byte.is_ascii_digit() });
    shaped
        .then(|| Date::parse(text, &Iso8601::DATE).ok())
        .flatten()
        .ok_or_else(|| ApiError::validation(field, format!("`{text}` is not a date; write it as YYYY-MM-DD")))
}

fn birth_date(field: &'static str, text: &str) -> Result<Date, ApiError> {
    let date = date(field, text)?;
    let today = time::OffsetDateTime::now_utc().date();
    if date > today || date.year() < 1900 {
        return Err(ApiError::validation(field, format!("{date} cannot be a date of birth")));
    }
    Ok(date)
}

fn days_per_aligner(days: i32) -> Result<i32, ApiError> {
    if DAYS_PER_ALIGNER.contains(&days) {
        Ok(days)
    } else {
        Err(ApiError::validation("days_per_aligner", "an aligner is worn for 1 to 60 days"))
    }
}

fn aligners_per_appointment(count: i32) -> Result<i32, ApiError> {
    if ALIGNERS_PER_APPOINTMENT.contains(&count) {
        Ok(count)
    } else {
        Err(ApiError::validation("aligners_per_appointment", "hand out 1 to 20 aligners per appointment"))
    }
}

/// `GET /cases?q=&status=&page=&limit=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseQuery {
    /// Part of a case code, title or patient name (names not for technicians).
    q: Option<String>,
    /// new, models_ready, prepared, printing, in_production, delivered or cancelled.
    #[param(value_type = Option<trayforge_wire::CaseStatus>)]
    status: Option<String>,
    /// From 1 (the default).
    #[param(minimum = 1, maximum = 4294967295.0)]
    page: Option<u32>,
    /// Items per page: 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// Find the clinic's cases, newest change first, a page at a time.
#[utoipa::path(
    get, path = "/cases", tag = "cases", operation_id = "list_cases",
    params(CaseQuery),
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of cases and the number of all that match.", body = Page<CaseView>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn list(
    State(state): State<AppState>,
    identity: Identity,
    QueryParams(query): QueryParams<CaseQuery>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    require(&identity, Access::ReadCases)?;
    let status = query
        .status
        .as_deref()
        .map(str::parse::<CaseStatus>)
        .transpose()
        .map_err(|e| ApiError::validation("status", e))?;
    // Technicians never search by name: a match would tell them one.
    let filter = CaseFilter { text: query.q, match_names: Access::PatientIdentity.allows(&identity), status };
    let page = page(query.page, query.limit)?;
    let (records, total) = cases::list(&state.db, identity.clinic_id, &filter, page).await?;
    let items = records.iter().map(|record| case_view(record, &identity)).collect();
    Ok(Json(Page { items, page: page.number, limit: page.limit, total }))
}

/// A case with its stages (every model version) and photos.
///
/// Patient names and dates of birth are left out for technicians.
#[utoipa::path(
    get, path = "/cases/{id}", tag = "cases", operation_id = "get_case",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID).")),
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The case.", body = CaseDetail),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn get(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    require(&identity, Access::ReadCases)?;
    Ok(Json(detail(&state, &identity, path_id(&id)?).await?))
}

/// Change a case: only the fields sent change.
#[utoipa::path(
    patch, path = "/cases/{id}", tag = "cases", operation_id = "update_case",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID).")),
    request_body = CaseUpdate,
    security(("bearer_token" = ["write"]), ("session_cookie" = ["owner", "admin", "clinician"], "csrf_token" = [])),
    responses(
        (status = 200, description = "The case as changed.", body = CaseDetail),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn update(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<CaseUpdate>,
) -> Result<Json<CaseDetail>, ApiError> {
    require(&identity, Access::WriteCases)?;
    let id = path_id(&id)?;
    let changes = CaseChanges {
        title: match optional_text("title", request.title.as_deref(), MAX_TEXT_CHARS)? {
            None if request.title.is_some() => return Err(ApiError::validation("title", "a title cannot be empty")),
            title => title,
        },
        status: request.status.as_deref().map(str::parse).transpose().map_err(|e| ApiError::validation("status", e))?,
        start_date: request.start_date.as_deref().map(|text| date("start_date", text)).transpose()?,
        days_per_aligner: request.days_per_aligner.map(days_per_aligner).transpose()?,
        aligners_per_appointment: request.aligners_per_appointment.map(aligners_per_appointment).transpose()?,
        notes: request.notes.as_deref().map(notes).transpose()?,
    };
    let mut tx = state.db.begin_write().await?;
    if !cases::update(&mut tx, identity.clinic_id, id, &changes).await? {
        return Err(ApiError::NotFound);
    }
    let changed = changed_fields(&request);
    let data = json!({ "case_id": id, "changed": changed.iter().map(|(name, _)| *name).collect::<Vec<_>>() });
    let entry = Entry { details: changed, ..Entry::case("case.update", id) };
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    webhooks::publish(&mut tx, identity.clinic_id, WebhookEvent::CaseUpdated, data).await?;
    tx.commit().await?;
    state.jobs.wake();
    Ok(Json(detail(&state, &identity, id).await?))
}

/// What an update sets, for the audit log (notes by length only).
fn changed_fields(request: &CaseUpdate) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    let mut add = |name, value: Option<String>| {
        if let Some(value) = value {
            fields.push((name, value));
        }
    };
    add("title", request.title.clone());
    add("status", request.status.clone());
    add("start_date", request.start_date.clone());
    add("days_per_aligner", request.days_per_aligner.map(|days| days.to_string()));
    add("aligners_per_appointment", request.aligners_per_appointment.map(|count| count.to_string()));
    add("notes", request.notes.as_ref().map(|notes| format!("{} characters", notes.chars().count())));
    fields
}

/// Delete a case with its stages and files.
#[utoipa::path(
    delete, path = "/cases/{id}", tag = "cases", operation_id = "delete_case",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID).")),
    security(("bearer_token" = ["write"]), ("session_cookie" = ["owner", "admin", "clinician"], "csrf_token" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn delete(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require(&identity, Access::DeleteCases)?;
    let id = path_id(&id)?;
    let mut tx: WriteTx = state.db.begin_write().await?;
    if !cases::delete(&mut tx, identity.clinic_id, id).await? {
        return Err(ApiError::NotFound);
    }
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, Entry::case("case.delete", id)).await?;
    tx.commit().await?;
    tracing::info!(case = %id, clinic = %identity.clinic_id, "case deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The case with its stages and photos as the caller may see it; 404 for
/// a case of another clinic.
pub(super) async fn detail(state: &AppState, identity: &Identity, id: Uuid) -> Result<CaseDetail, ApiError> {
    let record = cases::get(&state.db, identity.clinic_id, id).await?.ok_or(ApiError::NotFound)?;
    let stages = cases::stages(&state.db, identity.clinic_id, id).await?;
    let files = case_files::list(&state.db, identity.clinic_id, id).await?;
    let stages = stages
        .iter()
        .map(|stage| StageView {
            id: stage.id.to_string(),
            arch: stage.arch.to_string(),
            index: stage.stage_index,
            wear_from: wear_from(&record, stage.stage_index).map(|date| date.to_string()),
            appointment: (stage.stage_index >= 1)
                .then(|| (stage.stage_index - 1) / record.aligners_per_appointment.max(1) + 1),
            models: files.iter().filter(|file| file.stage_id == Some(stage.id)).map(file_view).collect(),
        })
        .collect();
    let photos = files.iter().filter(|file| file.kind == FileKind::Photo).map(file_view).collect();
    Ok(CaseDetail { case: case_view(&record, identity), stages, photos })
}

/// The day aligner `index` is first worn: the start, then one aligner
/// every `days_per_aligner` days. Stage 0 (the starting position) has none.
fn wear_from(record: &CaseRecord, index: i32) -> Option<Date> {
    let start = record.start_date?;
    let days = i64::from(index.checked_sub(1).filter(|steps| *steps >= 0)?) * i64::from(record.days_per_aligner);
    start.checked_add(time::Duration::days(days))
}

fn case_view(record: &CaseRecord, identity: &Identity) -> CaseView {
    let identified = Access::PatientIdentity.allows(identity);
    let patient = &record.patient;
    CaseView {
        id: record.id.to_string(),
        patient: PatientView {
            id: patient.id.to_string(),
            code: patient.code.clone(),
            full_name: patient.full_name.clone().filter(|_| identified),
            date_of_birth: patient.date_of_birth.filter(|_| identified).map(|date| date.to_string()),
        },
        title: record.title.clone(),
        status: record.status.to_string(),
        start_date: record.start_date.map(|date| date.to_string()),
        days_per_aligner: record.days_per_aligner,
        aligners_per_appointment: record.aligners_per_appointment,
        notes: record.notes.clone(),
        stages_with_models: u32::try_from(record.stages_with_models).unwrap_or(u32::MAX),
        created_at: rfc3339(record.created_at),
        updated_at: rfc3339(record.updated_at),
    }
}
