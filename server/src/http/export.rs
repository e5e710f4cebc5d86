//! Exporting a case's models for printing: for each stage, its latest
//! prepared version (else its latest version, named as not prepared, so
//! an unprepared model is never passed off as prepared), as one ZIP of
//! binary STL files or one 3MF with a named object per model. Files are read and
//! written again by mesh-core, so no uploaded header (which can hold
//! patient data) leaves in an export.

use std::io::{Cursor, Write};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mesh_core::ThreeMfWriteError;
use serde::Deserialize;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::access::{path_id, require};
use super::extract::{ClientAddress, QueryParams};
use super::openapi::{BadRequest, Conflict, FileBytes, Forbidden, NotFound, Unauthenticated, ValidationFailed};
use super::{ApiError, AppState};
use crate::domain::{Access, Arch, Identity};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::{BlobHash, case_files, cases};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ExportQuery {
    /// `zip` (binary STL files, the default) or `3mf` (one object per model).
    #[param(value_type = Option<ExportFormat>, inline)]
    format: Option<String>,
    /// Only this arch: `upper` or `lower`.
    #[param(value_type = Option<trayforge_wire::names::Arch>)]
    arch: Option<String>,
    /// Only this stage index (0 to 999).
    #[param(minimum = 0, maximum = 999)]
    stage: Option<i32>,
}

/// The export formats, for the document (`ExportQuery::format` is read as text).
#[derive(Debug, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code, reason = "only its schema is used")]
enum ExportFormat {
    Zip,
    #[schema(rename = "3mf")]
    ThreeMf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Zip,
    ThreeMf,
}

/// Export the case's models: a ZIP of binary STL files, or one 3MF.
///
/// For each selected stage, its latest prepared version, named
/// `{CASECODE}_{U|L}{NN}` (`.stl` in the ZIP, object names in the 3MF);
/// a stage with no prepared version gives its latest version, named
/// `{CASECODE}_{U|L}{NN}_not-prepared`. The download is audited. Every signed-in role; tokens with `read`.
#[utoipa::path(
    get, path = "/cases/{id}/export", tag = "preparation", operation_id = "export_case",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID)."), ExportQuery),
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The export, as an attachment named `{CASECODE}.zip` or `{CASECODE}.3mf`.",
            content((inline(FileBytes) = "application/zip"), (inline(FileBytes) = "model/3mf")),
            headers(("Content-Disposition" = String, description = "`attachment` with the file's name."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn export(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(case_id): Path<String>,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, ApiError> {
    require(&identity, Access::ReadCases)?;
    let case_id = path_id(&case_id)?;
    let format = match query.format.as_deref() {
        None | Some("zip") => Format::Zip,
        Some("3mf") => Format::ThreeMf,
        Some(other) => {
            return Err(ApiError::validation("format", format!("`{other}` is not an export format; use zip or 3mf")));
        }
    };
    let arch: Option<Arch> =
        query.arch.as_deref().map(str::parse).transpose().map_err(|e| ApiError::validation("arch", e))?;
    if let Some(stage) = query.stage.filter(|stage| !super::files::STAGE_INDEXES.contains(stage)) {
        return Err(ApiError::validation("stage", format!("`{stage}` is not a stage number from 0 to 999")));
    }
    let case = cases::get(&state.db, identity.clinic_id, case_id).await?.ok_or(ApiError::NotFound)?;
    let code = case.patient.code;
    let versions: Vec<_> = case_files::export_versions(&state.db, identity.clinic_id, case_id)
        .await?
        .into_iter()
        .filter(|(a, index, _)| arch.is_none_or(|arch| arch == *a) && query.stage.is_none_or(|stage| stage == *index))
        .collect();
    if versions.is_empty() {
        return Err(ApiError::Missing(format!(
            "case {code} has no models {}to export; upload them first (POST /api/v1/cases/{{id}}/stages/{{arch}}/{{index}}/models)",
            selection(arch, query.stage)
        )));
    }

    let mut models = Vec::with_capacity(versions.len());
    for (arch, index, file) in &versions {
        let sha256: BlobHash = file.sha256.parse().map_err(|e| ApiError::Internal(anyhow::Error::from(e)))?;
        let bytes = state.blobs.read_all(&sha256).await.map_err(|e| ApiError::Internal(e.into()))?;
        let letter = if *arch == Arch::Upper { 'U' } else { 'L' };
        let unprepared = if file.prepared_from.is_none() { "_not-prepared" } else { "" };
        models.push((format!("{code}_{letter}{index:02}{unprepared}"), bytes));
    }
    let package = tokio::task::spawn_blocking(move || package(format, &models))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;

    let mut tx = state.db.begin_write().await?;
    let file_ids: Vec<String> = versions.iter().map(|(_, _, file)| file.id.to_string()).collect();
    let entry = Entry::case("case.export", case_id)
        .with("format", if format == Format::Zip { "zip" } else { "3mf" })
        .with("files", file_ids.join(","));
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;

    let (extension, content_type) = match format {
        Format::Zip => ("zip", "application/zip"),
        Format::ThreeMf => ("3mf", "model/3mf"),
    };
    let mut response = package.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{code}.{extension}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

/// `for upper stage 3 ` and the like, for the message when nothing matches.
fn selection(arch: Option<Arch>, stage: Option<i32>) -> String {
    match (arch, stage) {
        (None, None) => String::new(),
        (Some(arch), None) => format!("for the {arch} arch "),
        (None, Some(stage)) => format!("for stage {stage} "),
        (Some(arch), Some(stage)) => format!("for {arch} stage {stage} "),
    }
}

/// The models (name, stored bytes) read by mesh-core and written as one
/// package. A model 3MF cannot hold (no triangle with an area: uploads
/// take such a file, and its report says so) is a 409 naming `format`;
/// anything else that fails is a fault.
fn package(format: Format, models: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ApiError> {
    let fault = |e: anyhow::Error| ApiError::Internal(e);
    let mut meshes = Vec::with_capacity(models.len());
    for (name, bytes) in models {
        // Every stored model was read when it was added; failing now is a fault.
        let outcome =
            mesh_core::read(bytes).map_err(|e| fault(anyhow::anyhow!("stored model {name} cannot be read: {e}")))?;
        meshes.push((name.as_str(), outcome.mesh));
    }
    match format {
        Format::ThreeMf => {
            let objects: Vec<mesh_core::ThreeMfObject<'_>> =
                meshes.iter().map(|(name, mesh)| mesh_core::ThreeMfObject { name, mesh }).collect();
            mesh_core::write_3mf(&objects).map_err(|e| match e {
                ThreeMfWriteError::EmptyObject { name, .. } => ApiError::Conflict {
                    code: "not_exportable",
                    message: format!(
                        "model {name} has no triangle with an area, which a 3MF cannot hold; export as zip, \
                         or upload a model of the stage that has one"
                    ),
                    field: Some("format"),
                },
                other => fault(other.into()),
            })
        }
        Format::Zip => {
            let zip = || -> anyhow::Result<Vec<u8>> {
                let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
                let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
                for (name, mesh) in &meshes {
                    zip.start_file(format!("{name}.stl"), options)?;
                    zip.write_all(&mesh_core::write_binary_stl(mesh))?;
                }
                Ok(zip.finish()?.into_inner())
            };
            zip().map_err(fault)
        }
    }
}
