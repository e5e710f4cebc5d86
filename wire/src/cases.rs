//! Patients, cases, stages, files and the audit log.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::MeshReport;

/// `POST /api/v1/cases`: a case for an existing patient (`patient_id`) or a
/// new one (`patient`, whose code the server makes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    #[serde(default)]
    pub patient_id: Option<String>,
    #[serde(default)]
    pub patient: Option<NewPatient>,
    /// Defaults to "Treatment".
    #[serde(default)]
    pub title: Option<String>,
    /// The day the first aligner is worn, `YYYY-MM-DD`.
    #[serde(default)]
    pub start_date: Option<String>,
    /// 1–60, default 14.
    #[serde(default)]
    pub days_per_aligner: Option<i32>,
    /// 1–20, default 3.
    #[serde(default)]
    pub aligners_per_appointment: Option<i32>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A new patient: both fields optional and kept only in the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPatient {
    #[serde(default)]
    pub full_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date_of_birth: Option<String>,
}

/// `PATCH /api/v1/cases/{id}`: the fields to change; absent ones stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// new, models_ready, prepared, printing, in_production, delivered or cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_per_aligner: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aligners_per_appointment: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientView {
    pub id: String,
    /// The pseudonym on labels, e.g. `K7Q-4M2`.
    pub code: String,
    /// Absent for callers who may not see it (technicians).
    pub full_name: Option<String>,
    pub date_of_birth: Option<String>,
}

/// A case as listed on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: String,
    pub patient: PatientView,
    pub title: String,
    pub status: String,
    pub start_date: Option<String>,
    pub days_per_aligner: i32,
    pub aligners_per_appointment: i32,
    pub notes: String,
    /// How many stages (arch × index) have at least one model version.
    #[serde(default)]
    pub stages_with_models: u32,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /api/v1/cases/{id}`: the case with its stages and photos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseView,
    pub stages: Vec<StageView>,
    pub photos: Vec<FileView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageView {
    pub id: String,
    /// `upper` or `lower`.
    pub arch: String,
    /// 0 is the starting position, then aligner 1, 2, …
    pub index: i32,
    /// The day this aligner is first worn, from the schedule (`YYYY-MM-DD`).
    pub wear_from: Option<String>,
    /// The appointment (1, 2, …) at which this aligner is handed out.
    pub appointment: Option<i32>,
    /// Every model version, oldest first; the last is the current one.
    pub models: Vec<FileView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileView {
    pub id: String,
    /// `model` or `photo`.
    pub kind: String,
    pub stage_id: Option<String>,
    /// 1, 2, … per stage.
    pub version: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
    pub sha256: String,
    /// For models: the validation report computed by the server.
    pub report: Option<MeshReport>,
    pub uploaded_by: Option<String>,
    pub created_at: String,
    /// `GET` it for the bytes.
    pub download_url: String,
}

/// One page of a list, with the number of all items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// From 1.
    pub page: u32,
    pub limit: u32,
    pub total: u64,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEventView {
    pub id: String,
    pub at: String,
    /// The person, for a signed-in action.
    pub actor_user_id: Option<String>,
    /// The API token, for an integration's action.
    pub actor_token_id: Option<String>,
    /// The person's display name or the token's name.
    pub actor_name: Option<String>,
    /// e.g. `case.create`, `file.upload`, `file.download`.
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    /// The client's address.
    pub source: String,
    pub details: BTreeMap<String, String>,
}
