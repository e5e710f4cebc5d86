//! The durable job queue: a table of jobs, each with a kind, a JSON payload
//! and a clinic, that workers claim under a lease, run, and complete or
//! fail (to be retried at a later time, or for good).
//!
//! Invariant: a running job is held by one lease at a time. Claiming takes
//! the lease under a write lock (PostgreSQL: the row is locked `FOR UPDATE
//! SKIP LOCKED` in the claiming transaction, so concurrent claimers pass
//! over it; SQLite: `BEGIN IMMEDIATE`, one writer at a time), and
//! completing, failing or renewing changes the job only while that lease
//! is still the caller's (same owner, same attempt).
//!
//! Invariant: `attempts` counts every claim. A job whose lease expired (its
//! worker died or hung) is due again and its next claim is a new attempt.
//!
//! Every time is written as a `DbTime`, so that SQLite compares and sorts
//! these columns as text in time order, as PostgreSQL does.
//!
//! The policy (how long to wait before a retry, when to give up) is the
//! worker's (`jobs/`); this file only does what it is told.

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::backend::{BeginWrite, DbId, DbTime, now, on_pool};
use super::transaction::on_tx;
use super::{Database, TxOrDb, WriteTx};

/// Errors longer than this are cut: a receiver's whole error page is no use in a list.
const MAX_ERROR_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for `run_after`, or for a worker.
    Queued,
    /// Claimed by the worker named in `lease_owner` until `lease_expires_at`.
    Running,
    Done,
    /// Given up: the last attempt failed, or the job cannot be run at all.
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a job status")]
pub struct UnknownJobStatus(String);

impl TryFrom<String> for JobStatus {
    type Error = UnknownJobStatus;

    fn try_from(text: String) -> Result<JobStatus, UnknownJobStatus> {
        [JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or(UnknownJobStatus(text))
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Job {
    #[sqlx(try_from = "DbId")]
    pub id: Uuid,
    #[sqlx(try_from = "DbId")]
    pub clinic_id: Uuid,
    pub kind: String,
    #[sqlx(json)]
    pub payload: Value,
    #[sqlx(try_from = "String")]
    pub status: JobStatus,
    /// Attempts started so far, the running one included.
    pub attempts: i32,
    /// `None`: the worker's limit for the kind applies.
    pub max_attempts: Option<i32>,
    pub run_after: OffsetDateTime,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

const JOB_COLUMNS: &str = "id, clinic_id, kind, payload, status, attempts, max_attempts, run_after, lease_owner, \
    lease_expires_at, last_error, created_at, updated_at, finished_at";

/// A job to enqueue. The id is chosen here, before the insert, so that a
/// payload can carry it (a webhook delivery's id is its job's).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub id: Uuid,
    pub clinic_id: Uuid,
    pub kind: String,
    pub payload: Value,
    /// `None`: the worker's limit for the kind.
    pub max_attempts: Option<u32>,
    pub run_after: OffsetDateTime,
}

impl NewJob {
    /// A job due now, with a new id and the worker's attempt limit.
    pub fn new(clinic_id: Uuid, kind: &str, payload: Value) -> NewJob {
        NewJob { id: Uuid::new_v4(), clinic_id, kind: kind.to_owned(), payload, max_attempts: None, run_after: now() }
    }
}

/// What a worker holds while it runs a job; every later change names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub job_id: Uuid,
    pub owner: String,
    /// The attempt this lease is for: a lease that expired and was taken
    /// again by the same owner is still not this one.
    pub attempt: i32,
}

/// A claimed job and its lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub job: Job,
    pub lease: Lease,
}

/// Adds `job`, in the caller's transaction (`&mut tx`) or, given the
/// `&Database`, in one of its own. Wake the in-process workers
/// (`JobSignal::wake`) after the commit, or the job waits for their next poll.
pub async fn enqueue<'a>(target: impl Into<TxOrDb<'a>>, job: &NewJob) -> Result<Uuid, sqlx::Error> {
    match target.into() {
        TxOrDb::Tx(tx) => enqueue_in(tx, job).await,
        TxOrDb::Db(db) => {
            let mut tx = db.begin_write().await?;
            enqueue_in(&mut tx, job).await?;
            tx.commit().await?;
            Ok(job.id)
        }
    }
}

async fn enqueue_in(tx: &mut WriteTx, job: &NewJob) -> Result<Uuid, sqlx::Error> {
    let created_at = now();
    let max_attempts = job.max_attempts.map(|max| i32::try_from(max).unwrap_or(i32::MAX));
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO jobs (id, clinic_id, kind, payload, status, attempts, max_attempts, run_after, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $7, $7)",
        )
        .bind(DbId(job.id))
        .bind(DbId(job.clinic_id))
        .bind(&job.kind)
        .bind(Json(&job.payload))
        .bind(max_attempts)
        .bind(DbTime(job.run_after))
        .bind(DbTime(created_at))
        .execute(&mut **conn)
        .await?;
    });
    Ok(job.id)
}

/// Claims the job that has been due longest for `owner`, leased for
/// `lease_for`: a queued job whose `run_after` has come, or a running one
/// whose lease has expired. `None` when nothing is due.
pub async fn claim(db: &Database, owner: &str, lease_for: Duration) -> Result<Option<Claim>, sqlx::Error> {
    claim_at(db, owner, lease_for, now()).await
}

/// [`claim`] as of `now`: tests move time forward instead of waiting.
pub async fn claim_at(
    db: &Database,
    owner: &str,
    lease_for: Duration,
    now: OffsetDateTime,
) -> Result<Option<Claim>, sqlx::Error> {
    // Only PostgreSQL has (and needs) row locks: SQLite's BEGIN IMMEDIATE
    // already keeps every other writer out until the commit.
    let lock = if matches!(db, Database::Postgres(_)) { "FOR UPDATE SKIP LOCKED" } else { "" };
    let due = format!(
        "SELECT id FROM jobs \
         WHERE (status = 'queued' AND run_after <= $1) OR (status = 'running' AND lease_expires_at <= $1) \
         ORDER BY run_after, id LIMIT 1 {lock}"
    );
    let take = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2, \
         updated_at = $3 WHERE id = $4 RETURNING {JOB_COLUMNS}"
    );
    let expires_at = later(now, lease_for);
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Option<DbId> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(due)).bind(DbTime(now)).fetch_optional(&mut *tx).await?;
        let Some(id) = id else {
            tx.rollback().await?;
            return Ok(None);
        };
        let job: Job = sqlx::query_as(sqlx::AssertSqlSafe(take))
            .bind(owner)
            .bind(DbTime(expires_at))
            .bind(DbTime(now))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let lease = Lease { job_id: job.id, owner: owner.to_owned(), attempt: job.attempts };
        Ok(Some(Claim { job, lease }))
    })
}

/// Marks the leased job done; `false` when the lease is no longer the
/// caller's (it expired and another worker took the job).
pub async fn complete(db: &Database, lease: &Lease) -> Result<bool, sqlx::Error> {
    let at = now();
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let done = sqlx::query(
            "UPDATE jobs SET status = 'done', lease_owner = NULL, lease_expires_at = NULL, updated_at = $1, \
             finished_at = $1 WHERE id = $2 AND status = 'running' AND lease_owner = $3 AND attempts = $4",
        )
        .bind(DbTime(at))
        .bind(DbId(lease.job_id))
        .bind(&lease.owner)
        .bind(lease.attempt)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    })
}

/// Records that the leased attempt failed with `error`: the job is queued
/// again for `retry_at`, or, with `None`, failed for good. `false` when the
/// lease is no longer the caller's.
pub async fn fail(
    db: &Database,
    lease: &Lease,
    error: &str,
    retry_at: Option<OffsetDateTime>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let error = clip(error);
    let held = "id = $4 AND status = 'running' AND lease_owner = $5 AND attempts = $6";
    let sql = match retry_at {
        Some(_) => format!(
            "UPDATE jobs SET status = 'queued', run_after = $1, last_error = $2, updated_at = $3, \
             lease_owner = NULL, lease_expires_at = NULL WHERE {held}"
        ),
        None => format!(
            "UPDATE jobs SET status = 'failed', finished_at = $1, last_error = $2, updated_at = $3, \
             lease_owner = NULL, lease_expires_at = NULL WHERE {held}"
        ),
    };
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let failed = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(DbTime(retry_at.unwrap_or(at)))
            .bind(error)
            .bind(DbTime(at))
            .bind(DbId(lease.job_id))
            .bind(&lease.owner)
            .bind(lease.attempt)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(failed.rows_affected() == 1)
    })
}

/// Extends the lease to `lease_for` from now, for a job that runs long;
/// `false` when it is no longer the caller's.
pub async fn renew(db: &Database, lease: &Lease, lease_for: Duration) -> Result<bool, sqlx::Error> {
    let at = now();
    on_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let renewed = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'running' AND lease_owner = $4 AND attempts = $5",
        )
        .bind(DbTime(later(at, lease_for)))
        .bind(DbTime(at))
        .bind(DbId(lease.job_id))
        .bind(&lease.owner)
        .bind(lease.attempt)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(renewed.rows_affected() == 1)
    })
}

/// The clinic's jobs, newest first, at most `limit`.
pub async fn list(db: &Database, clinic_id: Uuid, limit: u32) -> Result<Vec<Job>, sqlx::Error> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE clinic_id = $1 ORDER BY created_at DESC, id LIMIT $2");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(i64::from(limit)).fetch_all(pool).await
    })
}

/// One job of the clinic; `None` for another clinic's.
pub async fn get(db: &Database, clinic_id: Uuid, id: Uuid) -> Result<Option<Job>, sqlx::Error> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE clinic_id = $1 AND id = $2");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(DbId(clinic_id)).bind(DbId(id)).fetch_optional(pool).await
    })
}

/// The `run_after` of a job to run `wait` from now.
pub fn due_in(wait: Duration) -> OffsetDateTime {
    later(now(), wait)
}

/// `at + by`; a day later when that does not fit (settings are bounded far below).
fn later(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    time::Duration::try_from(by).ok().and_then(|by| at.checked_add(by)).unwrap_or(at + time::Duration::DAY)
}

fn clip(text: &str) -> &str {
    match text.char_indices().nth(MAX_ERROR_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_errors_are_cut_on_a_character_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(MAX_ERROR_CHARS + 5);
        assert_eq!(clip(&long).chars().count(), MAX_ERROR_CHARS);
    }

    #[test]
    fn statuses_round_trip() {
        for status in [JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed] {
            assert_eq!(JobStatus::try_from(status.as_str().to_owned()), Ok(status));
        }
        assert!(JobStatus::try_from("paused".to_owned()).is_err());
    }
}
