//! Patients, their cases and the stages of a case.
//!
//! Invariant: every function takes the clinic from the caller's identity
//! and filters by it; another clinic's patient, case or stage is never
//! found, listed or changed.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::backend::{DbId, DbTime, now, on_pool};
use super::transaction::on_tx;
use super::{Database, Page, WriteTx};
use crate::domain::{Arch, CaseCode, CaseStatus};

/// A case with its patient, as read from the database.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseRecord {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    pub start_date: Option<Date>,
    pub days_per_aligner: i32,
    pub aligners_per_appointment: i32,
    pub notes: String,
    /// Stages with at least one model version.
    pub stages_with_models: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    #[sqlx(flatten)]
    pub patient: Patient,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Patient {
    #[sqlx(try_from = "DbId", rename = "patient_id")]
    pub id: Uuid,
    pub code: String,
    pub full_name: Option<String>,
    pub date_of_birth: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Stage {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub arch: Arch,
    pub stage_index: i32,
}

/// How often aligners change and how many are handed out at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub start_date: Option<Date>,
    pub days_per_aligner: i32,
    pub aligners_per_appointment: i32,
}

/// The patient of a new case: one the clinic has, or a new one.
#[derive(Debug, Clone)]
pub enum PatientChoice {
    Existing(Uuid),
    New { full_name: Option<String>, date_of_birth: Option<Date> },
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub patient: PatientChoice,
    pub title: String,
    pub schedule: Schedule,
    pub notes: String,
    pub created_by: Option<Uuid>,
}

/// What a change to a case sets; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct CaseChanges {
    pub title: Option<String>,
    pub status: Option<CaseStatus>,
    pub start_date: Option<Date>,
    pub days_per_aligner: Option<i32>,
    pub aligners_per_appointment: Option<i32>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Part of a case code (dash and case ignored), of a title, or — when
    /// `match_names` — of a patient's name.
    pub text: Option<String>,
    pub match_names: bool,
    pub status: Option<CaseStatus>,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("the clinic has no patient with this id")]
    UnknownPatient,
    #[error("no free case code after several tries")]
    NoFreeCode,
    #[error(transparent)]
    Code(#[from] crate::domain::CaseCodeError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A `CaseRecord`'s columns, from `CASE_FROM`.
const CASE_COLUMNS: &str = "c.id, c.title, c.status, c.start_date, c.days_per_aligner, \
    c.aligners_per_appointment, c.notes, c.created_at, c.updated_at, \
    (SELECT COUNT(DISTINCT f.stage_id) FROM case_files f WHERE f.case_id = c.id AND f.kind = 'model') \
    AS stages_with_models, \
    p.id AS patient_id, p.code, p.full_name, p.date_of_birth";
const CASE_FROM: &str = "cases c JOIN patients p ON p.id = c.patient_id";

/// A case just made: its id and its patient's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCase {
    pub id: Uuid,
    pub patient_code: String,
}

/// Creates the case, and its patient with a fresh code when new.
pub async fn create(tx: &mut WriteTx, clinic_id: Uuid, new: &NewCase) -> Result<CreatedCase, CaseError> {
    let (patient_id, patient_code) = match &new.patient {
        PatientChoice::Existing(id) => {
            let code: Option<String> = on_tx!(tx, conn => {
                sqlx::query_scalar("SELECT code FROM patients WHERE clinic_id = $1 AND id = $2")
                    .bind(DbId(clinic_id))
                    .bind(DbId(*id))
                    .fetch_optional(&mut **conn)
                    .await?
            });
            (*id, code.ok_or(CaseError::UnknownPatient)?)
        }
        PatientChoice::New { full_name, date_of_birth } => {
            let code = free_code(tx, clinic_id).await?;
            let id = Uuid::new_v4();
            on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO patients (id, clinic_id, code, full_name, date_of_birth, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(DbId(id))
                .bind(DbId(clinic_id))
                .bind(code.as_str())
                .bind(full_name.as_deref())
                .bind(*date_of_birth)
                .bind(DbTime(now()))
                .execute(&mut **conn)
                .await?;
            });
            (id, code.as_str().to_owned())
        }
    };
    let id = Uuid::new_v4();
    let at = now();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO cases (id, clinic_id, patient_id, title, status, start_date, days_per_aligner, \
             aligners_per_appointment, notes, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(DbId(id))
        .bind(DbId(clinic_id))
        .bind(DbId(patient_id))
        .bind(&new.title)
        .bind(CaseStatus::New.as_str())
        .bind(new.schedule.start_date)
        .bind(new.schedule.days_per_aligner)
        .bind(new.schedule.aligners_per_appointment)
        .bind(&new.notes)
        .bind(new.created_by.map(DbId))
        .bind(DbTime(at))
        .execute(&mut **conn)
        .await?;
    });
    Ok(CreatedCase { id, patient_code })
}

/// A code no patient of the clinic has. Checked before inserting, inside
/// the write transaction, so a collision never aborts the transaction.
async fn free_code(tx: &mut WriteTx, clinic_id: Uuid) -> Result<CaseCode, CaseError> {
    for _ in 0..8 {
        let code = CaseCode::generate()?;
        let taken: Option<i32> = on_tx!(tx, conn => {
            sqlx::query_scalar("SELECT 1 FROM patients WHERE clinic_id = $1 AND code = $2")
                .bind(DbId(clinic_id))
                .bind(code.as_str())
                .fetch_optional(&mut **conn)
                .await?
        });
        if taken.is_none() {
            return Ok(code);
        }
    }
    Err(CaseError::NoFreeCode)
}

pub async fn get(db: &Database, clinic_id: Uuid, id: Uuid) -> Result<Option<CaseRecord>, sqlx::Error> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.clinic_id = $1 AND c.id = $2");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(id)).fetch_optional(pool).await
    })
}

/// Whether the clinic has the case; inside a write transaction.
pub async fn exists(tx: &mut WriteTx, clinic_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM cases WHERE clinic_id = $1 AND id = $2")
            .bind(DbId(clinic_id))
            .bind(DbId(id))
            .fetch_optional(&mut **conn)
            .await?
    });
    Ok(found.is_some())
}

/// The clinic's cases matching `filter`, most recently changed first, one
/// page, with the number of all matches.
pub async fn list(
    db: &Database,
    clinic_id: Uuid,
    filter: &CaseFilter,
    page: Page,
) -> Result<(Vec<CaseRecord>, u64), sqlx::Error> {
    // $3 matches codes without their dash, $4 titles and names in lower case.
    let names = if filter.match_names { " OR lower(coalesce(p.full_name, '')) LIKE $4 ESCAPE '\\'" } else { "" };
    let condition = format!(
        "c.clinic_id = $1 AND ($2 IS NULL OR c.status = $2) AND ($3 IS NULL OR \
         replace(p.code, '-', '') LIKE $3 ESCAPE '\\' OR lower(c.title) LIKE $4 ESCAPE '\\'{names})"
    );
    let text = filter.text.as_deref().map(str::trim).filter(|text| !text.is_empty());
    let code_pattern = text.map(|text| like_pattern(&text.replace(['-', ' '], "").to_uppercase()));
    let text_pattern = text.map(|text| like_pattern(&text.to_lowercase()));
    let status = filter.status.map(CaseStatus::as_str);
    // One query: the page's ids and the count of all matches (a window over
    // the matches, taken before LIMIT), then the page's rows joined to them,
    // so that per-case figures are computed for the page only.
    let rows_sql = format!(
        "WITH page AS (SELECT c.id AS page_id, COUNT(*) OVER () AS total FROM {CASE_FROM} WHERE {condition} \
         ORDER BY c.updated_at DESC, c.id LIMIT $5 OFFSET $6) \
         SELECT {CASE_COLUMNS}, page.total FROM {CASE_FROM} JOIN page ON page.page_id = c.id \
         ORDER BY c.updated_at DESC, c.id"
    );
    let count_sql = format!("SELECT COUNT(*) FROM {CASE_FROM} WHERE {condition}");
    on_pool!(db, pool => {
        let rows: Vec<Listed> = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(DbId(clinic_id))
            .bind(status)
            .bind(code_pattern.as_deref())
            .bind(text_pattern.as_deref())
            .bind(page.limit_i64())
            .bind(page.offset_i64())
            .fetch_all(pool)
            .await?;
        let total = match rows.first() {
            Some(first) => first.total,
            // A page past the end has no row to carry the count.
            None => sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                .bind(DbId(clinic_id))
                .bind(status)
                .bind(code_pattern.as_deref())
                .bind(text_pattern.as_deref())
                .fetch_one(pool)
                .await?,
        };
        Ok((rows.into_iter().map(|row| row.record).collect(), u64::try_from(total).unwrap_or(0)))
    })
}

/// A row of a page of cases, with the count of all matches.
#[derive(sqlx::FromRow)]
struct Listed {
    #[sqlx(flatten)]
    record: CaseRecord,
    total: i64,
}

/// `%text%` with LIKE's own characters escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Applies `changes`; `false` when the clinic has no such case.
pub async fn update(tx: &mut WriteTx, clinic_id: Uuid, id: Uuid, changes: &CaseChanges) -> Result<bool, sqlx::Error> {
    let result = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE cases SET title = coalesce($3, title), status = coalesce($4, status), \
             start_date = coalesce($5, start_date), days_per_aligner = coalesce($6, days_per_aligner), \
             aligners_per_appointment = coalesce($7, aligners_per_appointment), notes = coalesce($8, notes), \
             updated_at = $9 WHERE clinic_id = $1 AND id = $2",
        )
        .bind(DbId(clinic_id))
        .bind(DbId(id))
        .bind(changes.title.as_deref())
        .bind(changes.status.map(CaseStatus::as_str))
        .bind(changes.start_date)
        .bind(changes.days_per_aligner)
        .bind(changes.aligners_per_appointment)
        .bind(changes.notes.as_deref())
        .bind(DbTime(now()))
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    Ok(result == 1)
}

/// Marks the case changed now, after a file was added; while the case is
/// before production (new, models ready, prepared), its status follows its
/// models: `models_ready` once it has one, `prepared` once every stage with
/// a model has a prepared version.
pub async fn touch(tx: &mut WriteTx, clinic_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    update(tx, clinic_id, id, &CaseChanges::default()).await?;
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE cases SET status = CASE WHEN \
               (SELECT count(DISTINCT stage_id) FROM case_files \
                WHERE clinic_id = $1 AND case_id = $2 AND kind = 'model' AND prepared_from IS NOT NULL) = \
               (SELECT count(DISTINCT stage_id) FROM case_files WHERE clinic_id = $1 AND case_id = $2 AND kind = 'model') \
             THEN 'prepared' ELSE 'models_ready' END \
             WHERE clinic_id = $1 AND id = $2 AND status IN ('new', 'models_ready', 'prepared') \
             AND EXISTS (SELECT 1 FROM case_files WHERE clinic_id = $1 AND case_id = $2 AND kind = 'model')",
        )
        .bind(DbId(clinic_id))
        .bind(DbId(id))
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// Deletes the case with its stages and file rows; `false` when the clinic
/// has no such case. The patient stays (other cases, the audit log).
pub async fn delete(tx: &mut WriteTx, clinic_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let deleted = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM cases WHERE clinic_id = $1 AND id = $2")
            .bind(DbId(clinic_id))
            .bind(DbId(id))
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    Ok(deleted == 1)
}

/// The stage of the case for `arch` and `index`, made when missing.
pub async fn stage(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    case_id: Uuid,
    arch: Arch,
    index: i32,
) -> Result<Stage, sqlx::Error> {
    let select = "SELECT id, arch, stage_index FROM stages \
                  WHERE clinic_id = $1 AND case_id = $2 AND arch = $3 AND stage_index = $4";
    let found: Option<Stage> = on_tx!(tx, conn => {
        sqlx::query_as(select)
            .bind(DbId(clinic_id))
            .bind(DbId(case_id))
            .bind(arch.as_str())
            .bind(index)
            .fetch_optional(&mut **conn)
            .await?
    });
    if let Some(stage) = found {
        return Ok(stage);
    }
    let stage = Stage { id: Uuid::new_v4(), arch, stage_index: index };
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO stages (id, clinic_id, case_id, arch, stage_index, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(DbId(stage.id))
        .bind(DbId(clinic_id))
        .bind(DbId(case_id))
        .bind(arch.as_str())
        .bind(index)
        .bind(DbTime(now()))
        .execute(&mut **conn)
        .await?;
    });
    Ok(stage)
}

/// The case's stages, upper arch first, each in order.
pub async fn stages(db: &Database, clinic_id: Uuid, case_id: Uuid) -> Result<Vec<Stage>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, arch, stage_index FROM stages WHERE clinic_id = $1 AND case_id = $2 \
             ORDER BY CASE arch WHEN 'upper' THEN 0 ELSE 1 END, stage_index",
        )
        .bind(DbId(clinic_id))
        .bind(DbId(case_id))
        .fetch_all(pool)
        .await
    })
}
