//! Preparing a case's models on the server: the prepare job's request and
//! run, and the stage a run names.
//!
//! The recipe itself is mesh-core's `Recipe` (re-exported by this crate),
//! the same value the browser's mesh worker runs.

use serde::{Deserialize, Serialize};

use crate::Recipe;

/// `POST /api/v1/cases/{id}/prepare`: both fields optional (the body too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrepareRequest {
    /// The recipe to run; absent: the clinic's (`GET /api/v1/recipe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<Recipe>,
    /// The stages to prepare, at least one, each with a model (else 409);
    /// absent: every stage of the case that has a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub stages: Option<Vec<StageRef>>,
}

/// One stage of a case: an arch and an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageRef {
    /// `upper` or `lower`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::names::Arch))]
    pub arch: String,
    /// 0 is the starting position, then aligner 1, 2, … (up to 999).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 999))]
    pub index: i32,
}

/// A run of the prepare job, as `POST …/prepare` answers it and
/// `GET …/prepare/{run_id}` reports it while it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrepareRunView {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub case_id: String,
    /// `queued`, `running`, `done` (stages whose recipe failed are listed
    /// in `failed`) or `failed` (the run as a whole could not run; see `error`).
    pub status: String,
    /// The stages the run prepares.
    pub total: u32,
    /// Stages finished with a prepared version (made now, or found already made
    /// with the same recipe); `done + failed.len() == total` once the run is done.
    pub done: u32,
    /// The stages whose recipe failed, with the pipeline's message.
    pub failed: Vec<StageFailure>,
    /// Why the whole run failed (`status` `failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

/// A stage whose recipe could not be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageFailure {
    /// `upper` or `lower`.
    pub arch: String,
    pub index: i32,
    /// What the pipeline said, such as `label: … use smaller letters`.
    pub message: String,
}
