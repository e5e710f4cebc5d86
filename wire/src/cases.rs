//! Patients, cases, stages, files and the audit log.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::MeshReport;

/// The arches a stage belongs to (the server's `Arch` names).
pub const ARCHES: [&str; 2] = ["upper", "lower"];
/// The last stage a case can have: stages run from 0 (the starting position) to this.
pub const MAX_STAGE_INDEX: i32 = 999;

/// Where a case stands in production, in the order cases move through it;
/// `CaseView::status` carries its name (`models_ready`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    New,
    ModelsReady,
    Prepared,
    Printing,
    InProduction,
    Delivered,
    Cancelled,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::New,
        CaseStatus::ModelsReady,
        CaseStatus::Prepared,
        CaseStatus::Printing,
        CaseStatus::InProduction,
        CaseStatus::Delivered,
        CaseStatus::Cancelled,
    ];

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::ModelsReady => "models_ready",
            CaseStatus::Prepared => "prepared",
            CaseStatus::Printing => "printing",
            CaseStatus::InProduction => "in_production",
            CaseStatus::Delivered => "delivered",
            CaseStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = String;

    /// An unknown name is refused with the valid ones listed.
    fn from_str(name: &str) -> Result<CaseStatus, String> {
        CaseStatus::ALL.into_iter().find(|status| status.as_str() == name).ok_or_else(|| {
            let names: Vec<&str> = CaseStatus::ALL.iter().map(|status| status.as_str()).collect();
            format!("`{name}` is not a case status; use one of {}", names.join(", "))
        })
    }
}

impl TryFrom<String> for CaseStatus {
    type Error = String;

    fn try_from(name: String) -> Result<CaseStatus, String> {
        name.parse()
    }
}

/// `POST /api/v1/cases`: a case for an existing patient (`patient_id`) or a
/// new one (`patient`, whose code the server makes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    /// An existing patient of the clinic (404 naming `patient_id` when there
    /// is none); give this or `patient`, not both.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub patient_id: Option<String>,
    #[serde(default)]
    pub patient: Option<NewPatient>,
    /// At most 200 characters, spaces round it trimmed; defaults to
    /// "Treatment" (also when blank).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
    /// The day the first aligner is worn, `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_date: Option<String>,
    /// 1–60, default 14.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub days_per_aligner: Option<i32>,
    /// 1–20, default 3.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub aligners_per_appointment: Option<i32>,
    /// At most 10 000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub notes: Option<String>,
}

/// A new patient: both fields optional and kept only in the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPatient {
    /// At most 200 characters, spaces round it trimmed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub full_name: Option<String>,
    /// `YYYY-MM-DD`, from 1900-01-01 to today (the server's date, UTC).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date, pattern = "^(19|[2-9][0-9])"))]
    pub date_of_birth: Option<String>,
}

/// `PATCH /api/v1/cases/{id}`: the fields to change; absent ones stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseUpdate {
    /// At most 200 characters, not blank; spaces round it trimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = r"[^\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
        )
    )]
    pub title: Option<String>,
    /// new, models_ready, prepared, printing, in_production, delivered or cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CaseStatus>))]
    pub status: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_date: Option<String>,
    /// 1–60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub days_per_aligner: Option<i32>,
    /// 1–20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub aligners_per_appointment: Option<i32>,
    /// At most 10 000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub notes: Option<String>,
}

/// A patient as a case shows them (`Patient` in the OpenAPI document, so
/// that `patient_id` names what produces it: a case's `patient.id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Patient))]
pub struct PatientView {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
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
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    pub patient: PatientView,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = CaseStatus))]
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
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    /// `upper` or `lower`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::names::Arch))]
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
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
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
    /// For a prepared model: the id of the original version of the same
    /// stage it was prepared from (originals are kept as they are).
    #[serde(default)]
    pub prepared_from: Option<String>,
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
    /// The client's address; shown only to owners and admins (those who
    /// may read the whole audit log), absent for everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub details: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::CaseStatus;

    #[test]
    fn statuses_round_trip_through_their_names_and_unknown_ones_list_the_valid() {
        for status in CaseStatus::ALL {
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(status));
        }
        let error = "lost".parse::<CaseStatus>().unwrap_err();
        assert!(error.starts_with("`lost` is not a case status; use one of new, models_ready"), "{error}");
    }
}
