//! Files of a case: model uploads per stage (stored, then read and
//! validated by mesh-core on the server), clinical photos, and downloads.
//!
//! Invariant: a row refers to a blob only after the blob is stored and,
//! for a model, read successfully; a refused upload leaves no row, and its
//! blob is removed unless an earlier upload shares it.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use trayforge_wire::{FileView, MeshReport};
use uuid::Uuid;

use super::access::{path_id, reference_id, require};
use super::extract::{ClientAddress, QueryParams};
use super::openapi::{BadRequest, FileBytes, Forbidden, NotFound, PayloadTooLarge, Unauthenticated, ValidationFailed};
use super::users::rfc3339;
use super::{ApiError, AppState};
use crate::domain::{Access, Arch, Identity, WebhookEvent};
use crate::mesh_command;
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::case_files::{self, CaseFile, FileKind, NewFile};
use crate::storage::{BlobError, BlobHash, BlobRef, cases, webhooks};

/// The document's `maxLength` of `file_name` (`UploadQuery`).
pub(super) const MAX_FILE_NAME_CHARS: usize = 200;
/// The document's bounds of a stage index (`upload_model`'s `index`).
pub(super) const STAGE_INDEXES: std::ops::RangeInclusive<i32> = 0..=trayforge_wire::MAX_STAGE_INDEX;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct UploadQuery {
    /// The name the file had on the uploader's machine, at most 200
    /// characters (folders and control characters are dropped).
    #[param(max_length = 200)]
    file_name: Option<String>,
    /// Models only: the id of the version of the same stage this file was
    /// prepared from (by the browser's Prepare page); the upload becomes a
    /// new version marked as prepared, and the original stays as it is. 404
    /// naming `prepared_from` when it is no model version of that stage.
    #[param(format = "uuid")]
    prepared_from: Option<String>,
}

/// A photo's query: its name only (`prepared_from` is for models, and refused here).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct PhotoQuery {
    /// The name the file had on the uploader's machine, at most 200
    /// characters (folders and control characters are dropped).
    #[param(max_length = 200)]
    file_name: Option<String>,
}

/// Upload a stage's model: it becomes the stage's next version.
///
/// The body is the file itself (STL, OBJ, PLY or 3MF), streamed; the
/// server reads and validates it and keeps the report. With
/// `prepared_from=<file id>` (a version of the same stage) the upload is a
/// prepared version of that original. Every signed-in role; tokens with `write`.
#[utoipa::path(
    post, path = "/cases/{id}/stages/{arch}/{index}/models", tag = "files", operation_id = "upload_model",
    params(
        ("id" = String, Path, format = "uuid", description = "The case's id (a UUID)."),
        ("arch" = trayforge_wire::names::Arch, Path, description = "`upper` or `lower`."),
        ("index" = i32, Path, minimum = 0, maximum = 999,
            description = "The stage: 0 is the starting position, then aligner 1, 2, … (up to 999)."),
        UploadQuery,
    ),
    request_body(
        content = inline(FileBytes), content_type = "application/octet-stream",
        description = "The model file's bytes: binary or ASCII STL, OBJ, PLY or 3MF, told by its content \
                       (the `Content-Type` header is not read). A file mesh-core cannot read is refused (422).",
    ),
    security(("bearer_token" = ["write"]), ("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "The stored version, with the server's report on the model.", body = FileView, links(
            ("DownloadFile" = (operation_id = "download_file", parameters(("id" = "$response.body#/id")))),
            ("UploadPreparedVersion" = (operation_id = "upload_model", parameters(
                ("id" = "$request.path.id"),
                ("arch" = "$request.path.arch"),
                ("index" = "$request.path.index"),
                ("prepared_from" = "$response.body#/id"),
            ))),
            ("PrepareCase" = (operation_id = "prepare_case", parameters(("id" = "$request.path.id")))),
            ("ExportStage" = (operation_id = "export_case", parameters(
                ("id" = "$request.path.id"),
                ("arch" = "$request.path.arch"),
                ("stage" = "$request.path.index"),
            ))),
        )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn upload_model(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path((case_id, arch, index)): Path<(String, String, String)>,
    QueryParams(query): QueryParams<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<FileView>), ApiError> {
    require(&identity, Access::UploadModels)?;
    let case_id = path_id(&case_id)?;
    let arch: Arch = arch.parse().map_err(|e| ApiError::validation("arch", e))?;
    let index: i32 = index
        .parse()
        .ok()
        .filter(|index| STAGE_INDEXES.contains(index))
        .ok_or_else(|| ApiError::validation("index", format!("`{index}` is not a stage number from 0 to 999")))?;
    ensure_case(&state, &identity, case_id).await?;
    let prepared_from = match query.prepared_from.as_deref() {
        Some(id) => Some(original_of(&state, &identity, id, case_id, arch, index).await?),
        None => None,
    };
    let file_name = file_name(query.file_name.as_deref(), &format!("{arch}-{index:02}.stl"))?;

    let blob = store(&state, &headers, body).await?;
    let report = match read_model(&state, &blob).await {
        Ok(report) => report,
        Err(error) => {
            forget(&state, blob).await;
            return Err(error);
        }
    };
    let new = NewFile {
        case_id,
        stage_id: None,
        kind: FileKind::Model,
        file_name: &file_name,
        content_type: model_content_type(&report.format),
        sha256: &blob.sha256,
        size_bytes: blob.size,
        report: Some(&report),
        uploaded_by: identity.user_id,
        uploaded_by_token: identity.token_id(),
        prepared_from,
        recipe: None,
    };
    let file = add_file(&state, &Actor { identity: &identity, source: &source }, Some((arch, index)), new).await?;
    tracing::info!(file = %file.id, case = %case_id, bytes = blob.size, "model uploaded");
    Ok((StatusCode::CREATED, axum::Json(file_view(&file))))
}

/// Upload a clinical photo of the case.
///
/// The body is the photo itself: JPEG, PNG or HEIC, told by its first
/// bytes. Clinicians, admins and owners; tokens with `write`.
#[utoipa::path(
    post, path = "/cases/{id}/photos", tag = "files", operation_id = "upload_photo",
    params(("id" = String, Path, format = "uuid", description = "The case's id (a UUID)."), PhotoQuery),
    request_body(
        content(
            (inline(FileBytes) = "image/jpeg"),
            (inline(FileBytes) = "image/png"),
            (inline(FileBytes) = "image/heic"),
        ),
        description = "The photo's bytes: JPEG, PNG or HEIC/HEIF, told by its first bytes (the `Content-Type` \
                       header is not read). Anything else is refused (422).",
    ),
    security(("bearer_token" = ["write"]), ("session_cookie" = ["owner", "admin", "clinician"], "csrf_token" = [])),
    responses(
        (status = 201, description = "The stored photo.", body = FileView, links(
            ("DownloadFile" = (operation_id = "download_file", parameters(("id" = "$response.body#/id")))),
        )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn upload_photo(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(case_id): Path<String>,
    QueryParams(query): QueryParams<PhotoQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<FileView>), ApiError> {
    require(&identity, Access::UploadPhotos)?;
    let case_id = path_id(&case_id)?;
    ensure_case(&state, &identity, case_id).await?;
    let blob = store(&state, &headers, body).await?;
    let content_type = match photo_type(&state, &blob).await {
        Ok(content_type) => content_type,
        Err(error) => {
            forget(&state, blob).await;
            return Err(error);
        }
    };
    let extension = content_type.rsplit('/').next().unwrap_or("jpeg");
    let file_name = file_name(query.file_name.as_deref(), &format!("photo.{extension}"))?;
    let new = NewFile {
        case_id,
        stage_id: None,
        kind: FileKind::Photo,
        file_name: &file_name,
        content_type,
        sha256: &blob.sha256,
        size_bytes: blob.size,
        report: None,
        uploaded_by: identity.user_id,
        uploaded_by_token: identity.token_id(),
        prepared_from: None,
        recipe: None,
    };
    let file = add_file(&state, &Actor { identity: &identity, source: &source }, None, new).await?;
    Ok((StatusCode::CREATED, axum::Json(file_view(&file))))
}

/// Adds a stored upload to its case — a model as the next version of its
/// stage (made when missing) — with its audit entry and its
/// `files.uploaded` event, all in one transaction.
async fn add_file(
    state: &AppState,
    actor: &Actor<'_>,
    stage: Option<(Arch, i32)>,
    new: NewFile<'_>,
) -> Result<CaseFile, ApiError> {
    let clinic_id = actor.identity.clinic_id;
    let mut tx = state.db.begin_write().await?;
    let stage_id = match stage {
        Some((arch, index)) => Some(cases::stage(&mut tx, clinic_id, new.case_id, arch, index).await?.id),
        None => None,
    };
    let file = case_files::insert(&mut tx, clinic_id, &NewFile { stage_id, ..new }).await?;
    cases::touch(&mut tx, clinic_id, file.case_id).await?;
    let mut entry = Entry::file("file.upload", file.id, file.case_id)
        .with("file_name", file.file_name.clone())
        .with("sha256", file.sha256.clone());
    let mut data = json!({ "case_id": file.case_id, "file": file_view(&file) });
    if let Some(original) = file.prepared_from {
        entry = entry.with("prepared_from", original.to_string());
    }
    if let Some((arch, index)) = stage {
        entry = entry.with("stage", format!("{arch} {index}")).with("version", file.version.to_string());
        data["stage"] = json!({ "arch": arch.as_str(), "index": index });
    }
    audit::record(&mut tx, actor, entry).await?;
    webhooks::publish(&mut tx, clinic_id, WebhookEvent::FilesUploaded, data).await?;
    tx.commit().await?;
    state.jobs.wake();
    Ok(file)
}

/// Download a file's bytes, as an attachment; the download is audited.
#[utoipa::path(
    get, path = "/files/{id}/content", tag = "files", operation_id = "download_file",
    params(("id" = String, Path, format = "uuid", description = "The file's id (a UUID), as in `FileView.id`.")),
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The file as uploaded, with its content type (`FileView.content_type`: a \
                                       model's from its format, a photo's from its first bytes) and name.",
            content(
                (inline(FileBytes) = "model/stl"),
                (inline(FileBytes) = "model/obj"),
                (inline(FileBytes) = "model/3mf"),
                (inline(FileBytes) = "application/octet-stream"),
                (inline(FileBytes) = "image/jpeg"),
                (inline(FileBytes) = "image/png"),
                (inline(FileBytes) = "image/heic"),
            ),
            headers(("Content-Disposition" = String, description = "`attachment` with the file's name."))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn download(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require(&identity, Access::ReadCases)?;
    let id = path_id(&id)?;
    let file = case_files::get(&state.db, identity.clinic_id, id).await?.ok_or(ApiError::NotFound)?;
    let sha256 = file.sha256.parse::<BlobHash>().map_err(|e| ApiError::Internal(e.into()))?;
    let stream = state.blobs.get(&sha256).await.map_err(|e| ApiError::Internal(e.into()))?;
    let mut tx = state.db.begin_write().await?;
    let entry = Entry::file("file.download", file.id, file.case_id).with("file_name", file.file_name.clone());
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size_bytes));
    if let Ok(content_type) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    if let Ok(disposition) = HeaderValue::from_str(&attachment(&file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

/// `attachment; filename="…"` with an ASCII fallback name and the real one
/// percent-encoded (RFC 6266), so any name survives.
fn attachment(name: &str) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => char::from(byte).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The original that `prepared_from` names: a model version of stage
/// `arch` `index` of this case, in the caller's clinic (a prepared version
/// stands for the original it was made from). Not a UUID: 422; a UUID of
/// anything else: 404; both naming the field.
async fn original_of(
    state: &AppState,
    identity: &Identity,
    prepared_from: &str,
    case_id: Uuid,
    arch: Arch,
    index: i32,
) -> Result<Uuid, ApiError> {
    let what = format!(
        "is not a model version of {arch} stage {index} of this case; name the id of the stage's version the \
         model was prepared from (as in its FileView), or leave prepared_from out"
    );
    let Some(id) = reference_id(prepared_from) else {
        return Err(ApiError::validation("prepared_from", format!("`{prepared_from}` {what}")));
    };
    match case_files::model_with_stage(&state.db, identity.clinic_id, id).await? {
        Some((file, file_arch, file_index)) if file.case_id == case_id && (file_arch, file_index) == (arch, index) => {
            Ok(file.prepared_from.unwrap_or(file.id))
        }
        _ => Err(ApiError::UnknownReference { field: "prepared_from", message: format!("`{prepared_from}` {what}") }),
    }
}

async fn ensure_case(state: &AppState, identity: &Identity, case_id: Uuid) -> Result<(), ApiError> {
    match cases::get(&state.db, identity.clinic_id, case_id).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::NotFound),
    }
}

/// Streams the body into the blob store; a declared or actual size over
/// the limit is a 413 and stores nothing.
async fn store(state: &AppState, headers: &HeaderMap, body: Body) -> Result<BlobRef, ApiError> {
    let limit = state.blobs.max_upload_bytes();
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    let empty = || ApiError::validation("body", "the upload is empty; send the file's bytes as the request body");
    if declared == Some(0) {
        return Err(empty());
    }
    let stream = body.into_data_stream().map_err(axum::Error::into_inner);
    let blob = state.blobs.put_stream(stream, limit).await.map_err(|e| match e {
        BlobError::TooLarge { limit } => too_large(limit),
        BlobError::Interrupted { .. } => ApiError::BadRequest(e.to_string()),
        other => ApiError::Internal(other.into()),
    })?;
    if blob.size == 0 {
        forget(state, blob).await;
        return Err(empty());
    }
    Ok(blob)
}

fn too_large(limit: u64) -> ApiError {
    ApiError::TooLarge {
        message: format!(
            "the file is larger than this server's limit of {}; nothing was stored (the limit is [blobs] max_upload_bytes)",
            human_size(limit)
        ),
    }
}

/// `300 MB`, `100 kB` or `512 bytes`.
fn human_size(bytes: u64) -> String {
    match bytes {
        1_000_000.. => format!("{} MB", bytes / 1_000_000),
        1_000.. => format!("{} kB", bytes / 1_000),
        _ => format!("{bytes} bytes"),
    }
}

/// Reads the stored model with mesh-core and reports on it; a file that
/// is not a readable model is a 422 saying why.
async fn read_model(state: &AppState, blob: &BlobRef) -> Result<MeshReport, ApiError> {
    // Held until the model is read: its bytes and mesh are the memory counted.
    let head = blob_head(state, blob, 4).await?;
    let _memory = state.mesh_reads.admit(mesh_core::io::read_memory_bound(&head, blob.size)).await;
    let bytes = blob_bytes(state, blob).await?;
    let read = tokio::task::spawn_blocking(move || {
        mesh_core::read(&bytes).map(|outcome| mesh_command::report(&outcome, None))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    read.map_err(|e| {
        ApiError::validation("body", format!("the file is not a model Trayforge can read: {e}; export it again as STL"))
    })
}

async fn blob_bytes(state: &AppState, blob: &BlobRef) -> Result<Vec<u8>, ApiError> {
    blob_head(state, blob, usize::try_from(blob.size).unwrap_or(usize::MAX)).await
}

/// The blob's first `length` bytes (fewer when it is shorter).
async fn blob_head(state: &AppState, blob: &BlobRef, length: usize) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::with_capacity(length.min(usize::try_from(blob.size).unwrap_or(0)));
    let mut stream = std::pin::pin!(state.blobs.get(&blob.sha256).await.map_err(|e| ApiError::Internal(e.into()))?);
    while bytes.len() < length
        && let Some(chunk) = stream.try_next().await.map_err(|e| ApiError::Internal(e.into()))?
    {
        bytes.extend_from_slice(&chunk);
    }
    bytes.truncate(length);
    Ok(bytes)
}

/// The photo's type from its first bytes: JPEG, PNG or HEIC/HEIF.
async fn photo_type(state: &AppState, blob: &BlobRef) -> Result<&'static str, ApiError> {
    let bytes = blob_head(state, blob, 16).await?;
    sniff_photo(&bytes).ok_or_else(|| {
        ApiError::validation("body", "the file is not a JPEG, PNG or HEIC photo; export the photo in one of those")
    })
}

fn sniff_photo(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    let brand = bytes.get(8..12)?;
    let heif_brands: [&[u8]; 6] = [b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"];
    (bytes.get(4..8)? == b"ftyp" && heif_brands.contains(&brand)).then_some("image/heic")
}

fn model_content_type(format: &str) -> &'static str {
    if format.contains("stl") {
        "model/stl"
    } else if format.contains("3mf") {
        "model/3mf"
    } else if format.contains("obj") {
        "model/obj"
    } else {
        "application/octet-stream"
    }
}

/// The uploader's file name without folders or control characters; the
/// default when none is given.
/// `given` is measured as sent (the document's `maxLength`).
fn file_name(given: Option<&str>, default: &str) -> Result<String, ApiError> {
    let given = given.unwrap_or_default();
    if given.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(ApiError::validation("file_name", format!("keep file names to {MAX_FILE_NAME_CHARS} characters")));
    }
    let name = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    Ok(if name.is_empty() { default.to_owned() } else { name.to_owned() })
}

/// Removes a refused upload's blob unless a stored file or another upload
/// in flight shares it.
async fn forget(state: &AppState, blob: BlobRef) {
    let sha256 = blob.sha256.clone();
    let in_use = async { !matches!(case_files::blob_in_use(&state.db, &sha256).await, Ok(false)) };
    if let Err(error) = state.blobs.delete_unless_used(blob, in_use).await {
        tracing::warn!(%sha256, %error, "could not remove a refused upload");
    }
}

pub(crate) fn file_view(file: &CaseFile) -> FileView {
    FileView {
        id: file.id.to_string(),
        kind: file.kind.as_str().to_owned(),
        stage_id: file.stage_id.map(|id| id.to_string()),
        version: file.version,
        file_name: file.file_name.clone(),
        content_type: file.content_type.clone(),
        size_bytes: u64::try_from(file.size_bytes).unwrap_or(0),
        sha256: file.sha256.clone(),
        report: file.report.as_ref().map(|report| report.0.clone()),
        uploaded_by: file.uploaded_by.map(|id| id.to_string()),
        created_at: rfc3339(file.created_at),
        download_url: format!("/api/v1/files/{}/content", file.id),
        prepared_from: file.prepared_from.map(|id| id.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_told_by_their_first_bytes() {
        assert_eq!(sniff_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff_photo(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(sniff_photo(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("image/heic"));
        assert_eq!(sniff_photo(b"\0\0\0\x18ftypmp42\0\0\0\0"), None);
        assert_eq!(sniff_photo(b"solid cube"), None);
    }

    #[test]
    fn file_names_lose_folders_and_keep_their_own_characters() {
        assert_eq!(file_name(Some("C:\\exports\\Upper 07.stl"), "x").unwrap(), "Upper 07.stl");
        assert_eq!(file_name(Some("../../etc/passwd"), "x").unwrap(), "passwd");
        assert_eq!(file_name(None, "upper-07.stl").unwrap(), "upper-07.stl");
        assert_eq!(
            attachment("Ober kiefer ü.stl"),
            "attachment; filename=\"Ober kiefer _.stl\"; filename*=UTF-8''Ober%20kiefer%20%C3%BC.stl"
        );
    }
}
