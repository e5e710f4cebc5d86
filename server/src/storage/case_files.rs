//! The files of a case: model versions per stage (each upload a new
//! version, the older kept) and clinical photos. The bytes live in the blob
//! store under their SHA-256; a row refers to a blob only once it is stored.
//! A prepared version names the original it was made from
//! (`prepared_from`); originals are never changed by preparing.
//!
//! Invariant: every function filters by the caller's clinic.

use sqlx::types::Json;
use time::OffsetDateTime;
use trayforge_wire::MeshReport;
use uuid::Uuid;

use super::backend::{DbId, DbTime, now, on_pool};
use super::transaction::on_tx;
use super::{BlobHash, Database, TxOrDb, WriteTx};
use crate::domain::Arch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Model,
    Photo,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Model => "model",
            FileKind::Photo => "photo",
        }
    }
}

impl TryFrom<String> for FileKind {
    type Error = String;

    fn try_from(kind: String) -> Result<FileKind, String> {
        match kind.as_str() {
            "model" => Ok(FileKind::Model),
            "photo" => Ok(FileKind::Photo),
            other => Err(format!("unknown file kind `{other}`")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseFile {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub case_id: Uuid,
    #[sqlx(try_from = "super::backend::OptionalId")]
    pub stage_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub kind: FileKind,
    pub version: i32,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub report: Option<Json<MeshReport>>,
    #[sqlx(try_from = "super::backend::OptionalId")]
    pub uploaded_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    /// For a prepared version: the original of the same stage it was made from.
    #[sqlx(try_from = "super::backend::OptionalId")]
    pub prepared_from: Option<Uuid>,
    /// For a version the prepare job made: the recipe's JSON text.
    pub recipe: Option<String>,
}

/// A file to add to a case; `stage_id` for a model.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub case_id: Uuid,
    pub stage_id: Option<Uuid>,
    pub kind: FileKind,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a BlobHash,
    pub size_bytes: u64,
    pub report: Option<&'a MeshReport>,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_by_token: Option<Uuid>,
    /// The original this version was prepared from (an original itself).
    pub prepared_from: Option<Uuid>,
    /// The recipe's JSON text, when the prepare job made the version.
    pub recipe: Option<&'a str>,
}

const FILE_COLUMNS: &str = "id, case_id, stage_id, kind, version, file_name, content_type, sha256, size_bytes, \
                            report, uploaded_by, created_at, prepared_from, recipe";

/// Adds the file; a model becomes the stage's next version.
pub async fn insert(tx: &mut WriteTx, clinic_id: Uuid, new: &NewFile<'_>) -> Result<CaseFile, sqlx::Error> {
    let version: i32 = match new.stage_id {
        Some(stage_id) => on_tx!(tx, conn => {
            sqlx::query_scalar("SELECT coalesce(max(version), 0) + 1 FROM case_files WHERE clinic_id = $1 AND stage_id = $2")
                .bind(DbId(clinic_id))
                .bind(DbId(stage_id))
                .fetch_one(&mut **conn)
                .await?
        }),
        None => 1,
    };
    let file = CaseFile {
        id: Uuid::new_v4(),
        case_id: new.case_id,
        stage_id: new.stage_id,
        kind: new.kind,
        version,
        file_name: new.file_name.to_owned(),
        content_type: new.content_type.to_owned(),
        sha256: new.sha256.as_str().to_owned(),
        size_bytes: i64::try_from(new.size_bytes).unwrap_or(i64::MAX),
        report: new.report.cloned().map(Json),
        uploaded_by: new.uploaded_by,
        created_at: now(),
        prepared_from: new.prepared_from,
        recipe: new.recipe.map(str::to_owned),
    };
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO case_files (id, clinic_id, case_id, stage_id, kind, version, file_name, content_type, \
             sha256, size_bytes, report, uploaded_by, uploaded_by_token, created_at, prepared_from, recipe) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(DbId(file.id))
        .bind(DbId(clinic_id))
        .bind(DbId(file.case_id))
        .bind(file.stage_id.map(DbId))
        .bind(file.kind.as_str())
        .bind(file.version)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(&file.sha256)
        .bind(file.size_bytes)
        .bind(&file.report)
        .bind(file.uploaded_by.map(DbId))
        .bind(new.uploaded_by_token.map(DbId))
        .bind(DbTime(file.created_at))
        .bind(file.prepared_from.map(DbId))
        .bind(file.recipe.as_deref())
        .execute(&mut **conn)
        .await?;
    });
    Ok(file)
}

/// The case's files, oldest first.
pub async fn list(db: &Database, clinic_id: Uuid, case_id: Uuid) -> Result<Vec<CaseFile>, sqlx::Error> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM case_files WHERE clinic_id = $1 AND case_id = $2 ORDER BY created_at, version"
    );
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(case_id)).fetch_all(pool).await
    })
}

pub async fn get(db: &Database, clinic_id: Uuid, id: Uuid) -> Result<Option<CaseFile>, sqlx::Error> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM case_files WHERE clinic_id = $1 AND id = $2");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(id)).fetch_optional(pool).await
    })
}

/// A model version of the clinic with its stage's arch and index; `None`
/// for a photo, another clinic's file or no file.
pub async fn model_with_stage(
    db: &Database,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<(CaseFile, Arch, i32)>, sqlx::Error> {
    let Some(file) = get(db, clinic_id, id).await? else { return Ok(None) };
    let Some(stage_id) = file.stage_id.filter(|_| file.kind == FileKind::Model) else { return Ok(None) };
    let stage: Option<(String, i32)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT arch, stage_index FROM stages WHERE clinic_id = $1 AND id = $2")
            .bind(DbId(clinic_id))
            .bind(DbId(stage_id))
            .fetch_optional(pool)
            .await?
    });
    Ok(stage.and_then(|(arch, index)| Some((file, arch.parse().ok()?, index))))
}

/// The stage's latest original (not prepared) version.
pub async fn latest_original(db: &Database, clinic_id: Uuid, stage_id: Uuid) -> Result<Option<CaseFile>, sqlx::Error> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM case_files WHERE clinic_id = $1 AND stage_id = $2 AND kind = 'model' \
         AND prepared_from IS NULL ORDER BY version DESC LIMIT 1"
    );
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(stage_id)).fetch_optional(pool).await
    })
}

/// The version prepared from `original` with exactly the recipe `recipe` (JSON text), if one was made.
pub async fn prepared_with(
    target: impl Into<TxOrDb<'_>>,
    clinic_id: Uuid,
    original: Uuid,
    recipe: &str,
) -> Result<Option<CaseFile>, sqlx::Error> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM case_files WHERE clinic_id = $1 AND prepared_from = $2 AND recipe = $3 LIMIT 1"
    );
    match target.into() {
        TxOrDb::Tx(tx) => on_tx!(tx, conn => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(DbId(clinic_id))
                .bind(DbId(original))
                .bind(recipe)
                .fetch_optional(&mut **conn)
                .await
        }),
        TxOrDb::Db(db) => on_pool!(db, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(DbId(clinic_id))
                .bind(DbId(original))
                .bind(recipe)
                .fetch_optional(pool)
                .await
        }),
    }
}

/// What an export takes from each stage of the case that has a model: the
/// latest prepared version, else the latest version; upper arch first,
/// each in stage order.
pub async fn export_versions(
    db: &Database,
    clinic_id: Uuid,
    case_id: Uuid,
) -> Result<Vec<(Arch, i32, CaseFile)>, sqlx::Error> {
    let columns: String = FILE_COLUMNS.split(", ").map(|column| format!("f.{column}")).collect::<Vec<_>>().join(", ");
    // Per stage, prepared versions first, then the newest.
    let sql = format!(
        "SELECT {columns}, s.arch AS stage_arch, s.stage_index FROM case_files f JOIN stages s ON s.id = f.stage_id \
         WHERE f.clinic_id = $1 AND f.case_id = $2 AND f.kind = 'model' \
         ORDER BY CASE s.arch WHEN 'upper' THEN 0 ELSE 1 END, s.stage_index, \
         CASE WHEN f.prepared_from IS NULL THEN 1 ELSE 0 END, f.version DESC"
    );
    let rows: Vec<ExportRow> = on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(case_id)).fetch_all(pool).await?
    });
    let mut chosen: Vec<(Arch, i32, CaseFile)> = Vec::new();
    for row in rows {
        let Ok(arch) = row.stage_arch.parse::<Arch>() else { continue };
        if chosen.last().is_some_and(|(a, index, _)| *a == arch && *index == row.stage_index) {
            continue;
        }
        chosen.push((arch, row.stage_index, row.file));
    }
    Ok(chosen)
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    #[sqlx(flatten)]
    file: CaseFile,
    stage_arch: String,
    stage_index: i32,
}

/// Whether any row of any clinic refers to the blob (a blob is shared by
/// identical uploads, so it may be removed only when none does).
pub async fn blob_in_use(db: &Database, sha256: &BlobHash) -> Result<bool, sqlx::Error> {
    let found: Option<i32> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT 1 FROM case_files WHERE sha256 = $1 LIMIT 1")
            .bind(sha256.as_str())
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}
