//! Preparing a case's models on the server: `POST …/prepare` records a
//! run and enqueues its `prepare.case` job (`jobs/prepare_case.rs`), and
//! `GET …/prepare/{run_id}` reports how far it has got.

use std::collections::{BTreeSet, HashSet};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;
use trayforge_wire::{PrepareRequest, PrepareRunView, StageRef};
use uuid::Uuid;

use super::access::{path_id, require};
use super::extract::ClientAddress;
use super::openapi::{BadRequest, Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed};
use super::recipes::invalid;
use super::users::rfc3339;
use super::{ApiError, AppState};
use crate::domain::{Access, Arch, Identity, check_recipe, recipe_text};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::case_files::{self, FileKind};
use crate::storage::jobs::{self, NewJob};
use crate::storage::prepare_runs::{self, NewRun, PREPARE_JOB, PrepareRun};
use crate::storage::{cases, recipes};

/// Prepare the case's models on the server: a job runs the recipe on each stage.
///
/// The body is optional: `recipe` (else the clinic's, `GET /recipe`) and
/// `stages` (else every stage that has a model). Each stage's latest
/// original version is prepared and added as a new version with
/// `prepared_from`; a stage already prepared with the same recipe is left
/// as it is. Poll the run (`GET …/prepare/{run_id}`) until `done`. Every
/// signed-in role; tokens with `write`.
#[utoipa::path(
    post, path = "/cases/{id}/prepare", tag = "preparation", operation_id = "prepare_case",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID).")),
    request_body(content = Option<PrepareRequest>, description = "Optional: the recipe and the stages."),
    security(("bearer_token" = ["write"]), ("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 202, description = "The run, queued.", body = PrepareRunView, links(
            ("GetPrepareRun" = (operation_id = "get_prepare_run", parameters(
                ("id" = "$request.path.id"),
                ("run_id" = "$response.body#/id"),
            ))),
        )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn start(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<PrepareRunView>), ApiError> {
    require(&identity, Access::PrepareModels)?;
    let case_id = path_id(&case_id)?;
    let request = parse_request(&body)?;
    cases::get(&state.db, identity.clinic_id, case_id).await?.ok_or(ApiError::NotFound)?;
    let recipe = match request.recipe {
        Some(recipe) => {
            check_recipe(&recipe).map_err(|problem| invalid(&problem, true))?;
            recipe
        }
        None => recipes::effective(&state.db, identity.clinic_id).await.map_err(|e| ApiError::Internal(e.into()))?,
    };
    let stages = chosen_stages(&state, &identity, case_id, request.stages).await?;

    let run_id = Uuid::new_v4();
    let recipe = recipe_text(&recipe);
    let new = NewRun {
        id: run_id,
        case_id,
        recipe: &recipe,
        stages: &stages,
        requested_by: identity.user_id,
        requested_by_token: identity.token_id(),
    };
    let mut tx = state.db.begin_write().await?;
    prepare_runs::create(&mut tx, identity.clinic_id, &new).await?;
    // The job's id is the run's, so the run can read its job's fate.
    let job = NewJob { id: run_id, ..NewJob::new(identity.clinic_id, PREPARE_JOB, json!({ "run_id": run_id })) };
    jobs::enqueue(&mut tx, &job).await?;
    let entry =
        Entry::case("case.prepare", case_id).with("run", run_id.to_string()).with("stages", stage_list(&stages));
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    state.jobs.wake();
    let run = prepare_runs::get(&state.db, identity.clinic_id, run_id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(run_view(&run))))
}

/// How a prepare run is going: status, stages done, and those whose recipe failed.
///
/// Every signed-in role; tokens with `read`.
#[utoipa::path(
    get, path = "/cases/{id}/prepare/{run_id}", tag = "preparation", operation_id = "get_prepare_run",
    params(
        ("id" = String, Path, format = "uuid", description = "The case's id (a UUID)."),
        ("run_id" = String, Path, format = "uuid", description = "The run's id, as `POST …/prepare` answered it."),
    ),
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The run.", body = PrepareRunView),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn get(
    State(state): State<AppState>,
    identity: Identity,
    Path((case_id, run_id)): Path<(String, String)>,
) -> Result<Json<PrepareRunView>, ApiError> {
    require(&identity, Access::ReadCases)?;
    let (case_id, run_id) = (path_id(&case_id)?, path_id(&run_id)?);
    let run = prepare_runs::get(&state.db, identity.clinic_id, run_id).await?;
    let run = run.filter(|run| run.case_id == case_id).ok_or(ApiError::NotFound)?;
    Ok(Json(run_view(&run)))
}

/// The request, from an optional JSON body (none, or `null`, asks for the defaults).
fn parse_request(body: &[u8]) -> Result<PrepareRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(PrepareRequest::default());
    }
    let request = match serde_json::from_slice(body).map_err(|e| e.to_string()) {
        Ok(serde_json::Value::Null) => return Ok(PrepareRequest::default()),
        Ok(value) => super::json::from_object(value),
        Err(problem) => Err(problem),
    };
    request.map_err(|problem| {
        ApiError::BadRequest(format!(
            "the body is not a prepare request ({problem}); send {{\"recipe\": …, \"stages\": [{{\"arch\": \"upper\", \
             \"index\": 3}}]}}, both optional, or no body"
        ))
    })
}

/// The stages to prepare: those asked for (each must have a model), or
/// every stage with a model; upper arch first, each in order, once.
async fn chosen_stages(
    state: &AppState,
    identity: &Identity,
    case_id: Uuid,
    asked: Option<Vec<StageRef>>,
) -> Result<Vec<StageRef>, ApiError> {
    let files = case_files::list(&state.db, identity.clinic_id, case_id).await?;
    let with_models: HashSet<Uuid> =
        files.iter().filter(|file| file.kind == FileKind::Model).filter_map(|file| file.stage_id).collect();
    let stages: Vec<(Arch, i32)> = cases::stages(&state.db, identity.clinic_id, case_id)
        .await?
        .into_iter()
        .filter(|stage| with_models.contains(&stage.id))
        .map(|stage| (stage.arch, stage.stage_index))
        .collect();
    let chosen: BTreeSet<(Arch, i32)> = match asked {
        None if stages.is_empty() => {
            return Err(no_model(
                "the case has no models yet; upload them first (POST /api/v1/cases/{id}/stages/{arch}/{index}/models)",
            ));
        }
        None => stages.into_iter().collect(),
        Some(asked) if asked.is_empty() => {
            return Err(ApiError::validation(
                "stages",
                "name at least one stage, or leave `stages` out to prepare every stage that has a model",
            ));
        }
        Some(asked) => {
            let mut chosen = BTreeSet::new();
            for stage in asked {
                let arch: Arch = stage.arch.parse().map_err(|e| ApiError::validation("stages", e))?;
                if !super::files::STAGE_INDEXES.contains(&stage.index) {
                    return Err(ApiError::validation(
                        "stages",
                        format!(
                            "`{}` is not a stage number from 0 to {}",
                            stage.index,
                            trayforge_wire::MAX_STAGE_INDEX
                        ),
                    ));
                }
                if !stages.contains(&(arch, stage.index)) {
                    return Err(no_model(format!(
                        "{arch} stage {} of this case has no model; upload one first, or leave it out",
                        stage.index
                    )));
                }
                chosen.insert((arch, stage.index));
            }
            chosen
        }
    };
    Ok(chosen.into_iter().map(|(arch, index)| StageRef { arch: arch.as_str().to_owned(), index }).collect())
}

/// 409 `no_model` naming `stages`: a well-formed request the case's
/// models do not allow yet (upload first).
fn no_model(message: impl Into<String>) -> ApiError {
    ApiError::Conflict { code: "no_model", message: message.into(), field: Some("stages") }
}

/// `upper 1, lower 3` for the audit log.
fn stage_list(stages: &[StageRef]) -> String {
    stages.iter().map(|stage| format!("{} {}", stage.arch, stage.index)).collect::<Vec<_>>().join(", ")
}

pub(super) fn run_view(run: &PrepareRun) -> PrepareRunView {
    PrepareRunView {
        id: run.id.to_string(),
        case_id: run.case_id.to_string(),
        status: run.status().to_owned(),
        total: u32::try_from(run.total).unwrap_or(0),
        done: u32::try_from(run.done).unwrap_or(0),
        failed: run.failed.0.clone(),
        error: run.error().map(str::to_owned),
        created_at: rfc3339(run.created_at),
        finished_at: run.finished_at().map(rfc3339),
    }
}
