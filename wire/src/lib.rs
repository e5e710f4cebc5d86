//! Request and response types shared by the client (`app`) and the server.
//!
//! Invariant: serde types only — no I/O, no HTTP client or server types — so
//! the same definitions compile for wasm32 and the host, and the two sides
//! can never disagree about a field name. The `openapi` feature (enabled by
//! the server only) adds `utoipa::ToSchema` to the types the API speaks, so
//! the OpenAPI document describes these very structs.

use serde::{Deserialize, Serialize};

mod auth;
mod cases;
#[cfg(feature = "openapi")]
pub mod names;
mod prepare;
mod users;
mod webhooks;

pub use auth::{
    ApiTokenView, ClinicView, CreatedToken, LoginRequest, LoginResponse, Me, NewTokenRequest, NewUserRequest, ROLES,
    SCOPES, UserView,
};
pub use cases::{
    ARCHES, AuditEventView, CaseDetail, CaseStatus, CaseUpdate, CaseView, FileView, MAX_STAGE_INDEX, NewCaseRequest,
    NewPatient, Page, PatientView, StageView,
};
pub use mesh_core::prepare::{BaseRecipe, HollowRecipe, LabelRecipe, Recipe, TrimRecipe};
pub use prepare::{PrepareRequest, PrepareRunView, StageFailure, StageRef};
pub use users::{ChangePasswordRequest, ResetPasswordRequest, UpdateUserRequest};
pub use webhooks::{
    CreatedWebhook, DeliveryAttemptView, DeliveryFailureView, NewWebhookRequest, WEBHOOK_EVENTS, WebhookDelivery,
    WebhookView,
};

/// The body of every error response: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable machine-readable code such as `not_found`.
    pub code: String,
    /// What went wrong and what to do, for a person.
    pub message: String,
    /// The request field at fault, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// `GET /readyz`: whether this server can take requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub ready: bool,
    pub database: DatabaseState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DatabaseState {
    /// Reachable, and every migration this build knows is applied.
    Migrated {
        migrations: u64,
    },
    /// Reachable, but some migrations this build knows are not applied yet.
    Pending {
        applied: u64,
        known: u64,
    },
    Unreachable {
        message: String,
    },
}

/// What is known about one mesh file: `trayforge mesh inspect --json`, and
/// the report stored with each uploaded model. Lengths in mm, areas in mm²,
/// volumes in mm³.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeshReport {
    /// `binary_stl`, `ascii_stl`, `obj`, `ply` or `3mf`.
    pub format: String,
    /// The file's parts (ASCII STL solids) in file order; one unnamed body for formats without parts.
    pub bodies: Vec<MeshBody>,
    /// Whether the file gives a colour per face.
    pub face_colors: bool,
    pub triangles: usize,
    pub vertices: usize,
    /// Absent for a mesh without vertices.
    pub bounds: Option<BoundingBox>,
    pub surface_area_mm2: f64,
    /// Present only for a watertight mesh.
    pub volume_mm3: Option<f64>,
    pub watertight: bool,
    /// Edges around each hole.
    pub boundary_loops: Vec<usize>,
    pub non_manifold_edges: usize,
    pub degenerate_faces: usize,
    pub duplicate_faces: usize,
    pub components: usize,
    /// `outward`, `inward` or `inconsistent`.
    pub orientation: String,
    /// Shared edges whose two faces disagree on their winding.
    pub misoriented_edges: usize,
    /// What the reader overlooked, in words.
    pub warnings: Vec<String>,
    /// The extent along Z, the axis the model is printed along; absent for a mesh without vertices.
    pub height_mm: Option<f32>,
    /// `fits`, `too_tall` or `too_short`, when a printable height range was given.
    pub height_check: Option<String>,
}

/// A named part of a mesh file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeshBody {
    /// As written in the file; empty when it has none.
    pub name: String,
    pub triangles: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoundingBox {
    pub min: [f32; 3],
    pub max: [f32; 3],
    pub size: [f32; 3],
}
