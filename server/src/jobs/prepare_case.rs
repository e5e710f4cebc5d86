//! The `prepare.case` job: run a recipe (`mesh_core::prepare`, the same
//! pipeline the browser's mesh worker runs) on stages of a case, and add
//! each result as a new version of its stage, prepared from the original.
//!
//! Per stage: the latest original (not prepared) version is read from the
//! blob store, prepared off the async threads (`spawn_blocking`), written
//! as binary STL, stored, and added with its report, audit entry,
//! `files.uploaded` event and the run's progress in one transaction.
//!
//! Idempotent: a stage whose latest original already has a version made
//! with the same recipe text is counted done and left alone (the unique
//! index on `(prepared_from, recipe)` backs this when two runs race), so
//! an attempt repeated after a crash makes no duplicates. A stage whose
//! recipe fails is listed with the pipeline's message and the run goes on;
//! only a failure of the run as a whole (database, blob store) is retried,
//! and on the last attempt marks the run failed.

use std::collections::HashMap;

use bytes::Bytes;
use mesh_core::prepare::{Part, Recipe, Step, prepare};
use serde::Deserialize;
use serde_json::json;
use trayforge_wire::{MeshReport, StageFailure};
use uuid::Uuid;

use super::{Attempt, JobError, JobSignal};
use crate::domain::{Arch, AuthMethod, Identity, Scopes, WebhookEvent};
use crate::mesh_command;
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::case_files::{self, CaseFile, FileKind, NewFile};
use crate::storage::jobs::Job;
use crate::storage::prepare_runs::{self, PrepareRun};
use crate::storage::{BlobHash, BlobStore, Database, cases, webhooks};

/// The labels' font, DejaVu Sans Bold (Bitstream Vera licence, beside it in `public/fonts/`).
pub const LABEL_FONT: &[u8] = include_bytes!("../../../public/fonts/DejaVuSans-Bold.ttf");

/// What the audit log names as the source of the job's changes.
const SOURCE: &str = "prepare job";

#[derive(Debug, Deserialize)]
struct Payload {
    run_id: Uuid,
}

/// What a worker lends the handler.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PrepareContext<'a> {
    pub db: &'a Database,
    pub blobs: &'a BlobStore,
    pub signal: &'a JobSignal,
}

pub(crate) async fn run(context: PrepareContext<'_>, job: &Job, attempt: Attempt) -> Result<(), JobError> {
    let payload: Payload = serde_json::from_value(job.payload.clone())
        .map_err(|e| JobError::Permanent(format!("the prepare job's payload cannot be read: {e}")))?;
    let db = context.db;
    let run = prepare_runs::get(db, job.clinic_id, payload.run_id)
        .await
        .map_err(|e| JobError::Retry(format!("cannot read the prepare run: {e}")))?;
    // The case was deleted, and its runs with it: nothing is left to prepare.
    let Some(run) = run else { return Ok(()) };
    let outcome = match serde_json::from_str::<Recipe>(&run.recipe) {
        Ok(recipe) => run_stages(context, &run, &recipe).await,
        Err(e) => Err(JobError::Permanent(format!("the run's recipe cannot be read ({e}); ask for a new run"))),
    };
    let error = match &outcome {
        Ok(()) => None,
        Err(JobError::Permanent(message)) => Some(message.as_str()),
        Err(JobError::Retry(message)) if attempt.is_last => Some(message.as_str()),
        Err(JobError::Retry(_)) => return outcome,
    };
    prepare_runs::finish(db, run.clinic_id, run.id, error)
        .await
        .map_err(|e| JobError::Retry(format!("cannot record the end of the prepare run: {e}")))?;
    outcome
}

/// Where a run stands as its stages finish.
#[derive(Debug, Default)]
struct Progress {
    done: u32,
    failed: Vec<StageFailure>,
}

async fn run_stages(context: PrepareContext<'_>, run: &PrepareRun, recipe: &Recipe) -> Result<(), JobError> {
    let db = context.db;
    let retry = |what: &str, e: &dyn std::fmt::Display| JobError::Retry(format!("cannot {what}: {e}"));
    let case = cases::get(db, run.clinic_id, run.case_id).await.map_err(|e| retry("read the case", &e))?;
    let Some(case) = case else { return Err(JobError::Permanent("the case was deleted".to_owned())) };
    prepare_runs::start(db, run.clinic_id, run.id).await.map_err(|e| retry("start the prepare run", &e))?;
    let stages: HashMap<(Arch, i32), Uuid> = cases::stages(db, run.clinic_id, run.case_id)
        .await
        .map_err(|e| retry("read the case's stages", &e))?
        .into_iter()
        .map(|stage| ((stage.arch, stage.stage_index), stage.id))
        .collect();
    let mut progress = Progress::default();
    for stage in run.stages.iter() {
        let fail = |message: String| StageFailure { arch: stage.arch.clone(), index: stage.index, message };
        let Ok(arch) = stage.arch.parse::<Arch>() else {
            progress.failed.push(fail(format!("`{}` is not an arch", stage.arch)));
            continue;
        };
        let original = match stages.get(&(arch, stage.index)) {
            Some(stage_id) => case_files::latest_original(db, run.clinic_id, *stage_id)
                .await
                .map_err(|e| retry("read the stage's versions", &e))?,
            None => None,
        };
        let Some(original) = original else {
            progress
                .failed
                .push(fail(format!("{arch} stage {} has no model; upload one, then prepare again", stage.index)));
            prepare_runs::progress(db, run.clinic_id, run.id, progress.done, &progress.failed)
                .await
                .map_err(|e| retry("record the run's progress", &e))?;
            continue;
        };
        match prepare_stage(context, run, recipe, &case.patient.code, arch, stage.index, &original, &mut progress)
            .await?
        {
            StageOutcome::Added => context.signal.wake(),
            StageOutcome::AlreadyMade => {}
            StageOutcome::Failed(message) => {
                progress.failed.push(fail(message));
                prepare_runs::progress(db, run.clinic_id, run.id, progress.done, &progress.failed)
                    .await
                    .map_err(|e| retry("record the run's progress", &e))?;
            }
        }
    }
    Ok(())
}

enum StageOutcome {
    Added,
    AlreadyMade,
    /// The recipe could not be applied: the pipeline's message.
    Failed(String),
}

#[allow(clippy::too_many_arguments)]
async fn prepare_stage(
    context: PrepareContext<'_>,
    run: &PrepareRun,
    recipe: &Recipe,
    case_code: &str,
    arch: Arch,
    index: i32,
    original: &CaseFile,
    progress: &mut Progress,
) -> Result<StageOutcome, JobError> {
    let db = context.db;
    let retry = |what: &str, e: &dyn std::fmt::Display| JobError::Retry(format!("cannot {what}: {e}"));
    let already = case_files::prepared_with(db, run.clinic_id, original.id, &run.recipe)
        .await
        .map_err(|e| retry("look for an earlier prepared version", &e))?;
    if already.is_some() {
        progress.done += 1;
        prepare_runs::progress(db, run.clinic_id, run.id, progress.done, &progress.failed)
            .await
            .map_err(|e| retry("record the run's progress", &e))?;
        return Ok(StageOutcome::AlreadyMade);
    }

    let sha256: BlobHash = original.sha256.parse().map_err(|e| retry("name the original's blob", &e))?;
    let bytes = context.blobs.read_all(&sha256).await.map_err(|e| retry("read the original model", &e))?;
    let part = Part::aligner(case_code, mesh_arch(arch), u32::try_from(index).unwrap_or(0));
    let recipe = recipe.clone();
    let made = tokio::task::spawn_blocking(move || prepared_stl(&bytes, &recipe, &part))
        .await
        .map_err(|e| retry("run the recipe", &e))?;
    let (stl, report, frame) = match made {
        Ok(made) => made,
        Err(message) => return Ok(StageOutcome::Failed(message)),
    };

    let blob = context.blobs.put_bytes(Bytes::from(stl)).await.map_err(|e| retry("store the prepared model", &e))?;
    let letter = if arch == Arch::Upper { 'U' } else { 'L' };
    let file_name = format!("{case_code}_{letter}{index:02}_prepared.stl");
    let identity = requester(run);
    let actor = Actor { identity: &identity, source: SOURCE };
    let mut tx = db.begin_write().await.map_err(|e| retry("start a transaction", &e))?;
    // Another run with the same recipe may have finished this stage since the look above.
    let raced = case_files::prepared_with(&mut tx, run.clinic_id, original.id, &run.recipe)
        .await
        .map_err(|e| retry("look for an earlier prepared version", &e))?;
    if raced.is_none() {
        let new = NewFile {
            case_id: run.case_id,
            stage_id: original.stage_id,
            kind: FileKind::Model,
            file_name: &file_name,
            content_type: "model/stl",
            sha256: &blob.sha256,
            size_bytes: blob.size,
            report: Some(&report),
            uploaded_by: run.requested_by,
            uploaded_by_token: run.requested_by_token,
            prepared_from: Some(original.id),
            recipe: Some(&run.recipe),
        };
        let file = case_files::insert(&mut tx, run.clinic_id, &new).await.map_err(|e| retry("add the version", &e))?;
        cases::touch(&mut tx, run.clinic_id, run.case_id).await.map_err(|e| retry("touch the case", &e))?;
        let entry = Entry::file("file.prepare", file.id, run.case_id)
            .with("prepared_from", original.id.to_string())
            .with("stage", format!("{arch} {index}"))
            .with("version", file.version.to_string())
            .with("run", run.id.to_string())
            .with("frame", frame);
        audit::record(&mut tx, &actor, entry).await.map_err(|e| retry("record the audit entry", &e))?;
        let data = json!({
            "case_id": run.case_id,
            "file": crate::http::file_view(&file),
            "stage": { "arch": arch.as_str(), "index": index },
        });
        webhooks::publish(&mut tx, run.clinic_id, WebhookEvent::FilesUploaded, data)
            .await
            .map_err(|e| retry("publish the event", &e))?;
    }
    progress.done += 1;
    prepare_runs::progress(&mut tx, run.clinic_id, run.id, progress.done, &progress.failed)
        .await
        .map_err(|e| retry("record the run's progress", &e))?;
    tx.commit().await.map_err(|e| retry("commit the prepared version", &e))?;
    Ok(if raced.is_none() { StageOutcome::Added } else { StageOutcome::AlreadyMade })
}

/// Reads the original, applies the recipe and writes the result as
/// binary STL with its report and the frame the recipe used (which way the
/// teeth point, and how that was found); the error is the message for the run.
fn prepared_stl(bytes: &[u8], recipe: &Recipe, part: &Part) -> Result<(Vec<u8>, MeshReport, String), String> {
    let original = mesh_core::read(bytes)
        .map_err(|e| format!("the stored model cannot be read ({e}); upload the stage's model again"))?;
    let prepared = prepare(&original.mesh, recipe, part, LABEL_FONT).map_err(|e| e.to_string())?;
    let stl = mesh_core::write_binary_stl(&prepared.mesh);
    let written = mesh_core::read(&stl).map_err(|e| format!("the prepared model does not read back ({e})"))?;
    let frame = prepared.steps.iter().find(|(step, _)| *step == Step::Frame).map(|(_, said)| said.clone());
    Ok((stl, mesh_command::report(&written, None), frame.unwrap_or_default()))
}

fn mesh_arch(arch: Arch) -> mesh_core::Arch {
    match arch {
        Arch::Upper => mesh_core::Arch::Upper,
        Arch::Lower => mesh_core::Arch::Lower,
    }
}

/// Who asked for the run, as the audit log names the job's changes.
fn requester(run: &PrepareRun) -> Identity {
    let via = match run.requested_by_token {
        Some(token_id) => AuthMethod::Token { token_id },
        None => AuthMethod::Session,
    };
    Identity { clinic_id: run.clinic_id, user_id: run.requested_by, role: None, scopes: Scopes::all(), via }
}
