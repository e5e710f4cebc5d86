//! Runs of the prepare job: which stages of a case, with which recipe,
//! and how far the job has got. A run's id is its job's (`jobs.id`), so
//! a run whose job was given up reads as failed even when its handler
//! never got to say so (the worker running its last attempt died).
//!
//! Invariant: every function filters by the caller's clinic.

use sqlx::types::Json;
use time::OffsetDateTime;
use trayforge_wire::{StageFailure, StageRef};
use uuid::Uuid;

use super::backend::{DbId, DbTime, OptionalId, now, on_pool};
use super::transaction::on_tx;
use super::{Database, TxOrDb, WriteTx};

/// The kind of the job that runs a prepare run (its payload: `{"run_id"}`).
pub const PREPARE_JOB: &str = "prepare.case";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PrepareRun {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub clinic_id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub case_id: Uuid,
    /// The recipe's JSON text, as written on the versions the run makes.
    pub recipe: String,
    pub stages: Json<Vec<StageRef>>,
    /// `queued`, `running`, `done` or `failed`, as the handler last wrote it.
    pub status: String,
    pub total: i32,
    pub done: i32,
    pub failed: Json<Vec<StageFailure>>,
    pub error: Option<String>,
    #[sqlx(try_from = "OptionalId")]
    pub requested_by: Option<Uuid>,
    #[sqlx(try_from = "OptionalId")]
    pub requested_by_token: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    /// The job's own status and last error.
    pub job_status: Option<String>,
    pub job_error: Option<String>,
    pub job_finished_at: Option<OffsetDateTime>,
}

impl PrepareRun {
    /// The status clients see: the handler's, or `failed` when the queue
    /// gave the job up before the handler finished the run.
    pub fn status(&self) -> &str {
        if self.status != "done" && self.job_status.as_deref() == Some("failed") { "failed" } else { &self.status }
    }

    /// Why the run failed, when it did.
    pub fn error(&self) -> Option<&str> {
        match self.status() {
            "failed" => self.error.as_deref().or(self.job_error.as_deref()),
            _ => None,
        }
    }

    pub fn finished_at(&self) -> Option<OffsetDateTime> {
        self.finished_at.or(if self.status() == "failed" { self.job_finished_at } else { None })
    }
}

/// A run to record, in the transaction that enqueues its job (same id).
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub id: Uuid,
    pub case_id: Uuid,
    pub recipe: &'a str,
    pub stages: &'a [StageRef],
    pub requested_by: Option<Uuid>,
    pub requested_by_token: Option<Uuid>,
}

pub async fn create(tx: &mut WriteTx, clinic_id: Uuid, new: &NewRun<'_>) -> Result<(), sqlx::Error> {
    let total = i32::try_from(new.stages.len()).unwrap_or(i32::MAX);
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO prepare_runs (id, clinic_id, case_id, recipe, stages, status, total, done, failed, \
             requested_by, requested_by_token, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, 0, $7, $8, $9, $10)",
        )
        .bind(DbId(new.id))
        .bind(DbId(clinic_id))
        .bind(DbId(new.case_id))
        .bind(new.recipe)
        .bind(Json(new.stages))
        .bind(total)
        .bind(Json(Vec::<StageFailure>::new()))
        .bind(new.requested_by.map(DbId))
        .bind(new.requested_by_token.map(DbId))
        .bind(DbTime(now()))
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// The clinic's run `id`; `None` for another clinic's or none.
pub async fn get(db: &Database, clinic_id: Uuid, id: Uuid) -> Result<Option<PrepareRun>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, r.clinic_id, r.case_id, r.recipe, r.stages, r.status, r.total, r.done, r.failed, r.error, \
             r.requested_by, r.requested_by_token, r.created_at, r.finished_at, j.status AS job_status, \
             j.last_error AS job_error, j.finished_at AS job_finished_at \
             FROM prepare_runs r LEFT JOIN jobs j ON j.id = r.id WHERE r.clinic_id = $1 AND r.id = $2",
        )
        .bind(DbId(clinic_id))
        .bind(DbId(id))
        .fetch_optional(pool)
        .await
    })
}

/// Marks the run started afresh: running, nothing done yet (an attempt
/// after a crash counts every stage again; those already made are found).
pub async fn start(db: &Database, clinic_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "UPDATE prepare_runs SET status = 'running', done = 0, failed = $3, error = NULL, finished_at = NULL \
             WHERE clinic_id = $1 AND id = $2",
        )
        .bind(DbId(clinic_id))
        .bind(DbId(id))
        .bind(Json(Vec::<StageFailure>::new()))
        .execute(pool)
        .await
        .map(drop)
    })
}

/// Records how far the run has got.
pub async fn progress(
    target: impl Into<TxOrDb<'_>>,
    clinic_id: Uuid,
    id: Uuid,
    done: u32,
    failed: &[StageFailure],
) -> Result<(), sqlx::Error> {
    let done = i32::try_from(done).unwrap_or(i32::MAX);
    let sql = "UPDATE prepare_runs SET done = $3, failed = $4 WHERE clinic_id = $1 AND id = $2";
    match target.into() {
        TxOrDb::Tx(tx) => on_tx!(tx, conn => {
            sqlx::query(sql)
                .bind(DbId(clinic_id))
                .bind(DbId(id))
                .bind(done)
                .bind(Json(failed))
                .execute(&mut **conn)
                .await
                .map(drop)
        }),
        TxOrDb::Db(db) => on_pool!(db, pool => {
            sqlx::query(sql).bind(DbId(clinic_id)).bind(DbId(id)).bind(done).bind(Json(failed)).execute(pool).await.map(drop)
        }),
    }
}

/// Ends the run: `done`, or `failed` with why the whole run could not run.
pub async fn finish(db: &Database, clinic_id: Uuid, id: Uuid, error: Option<&str>) -> Result<(), sqlx::Error> {
    let status = if error.is_some() { "failed" } else { "done" };
    on_pool!(db, pool => {
        sqlx::query(
            "UPDATE prepare_runs SET status = $3, error = $4, finished_at = $5 WHERE clinic_id = $1 AND id = $2",
        )
        .bind(DbId(clinic_id))
        .bind(DbId(id))
        .bind(status)
        .bind(error)
        .bind(DbTime(now()))
        .execute(pool)
        .await
        .map(drop)
    })
}
