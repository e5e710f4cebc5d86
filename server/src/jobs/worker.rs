//! A worker: a task that claims the job due longest, runs it by its kind
//! while renewing its lease, and records the outcome: done, queued again
//! after a backoff, or failed for good. Idle, it waits for a wake from this
//! process (`JobSignal`) or its poll interval, whichever comes first.
//!
//! Invariant: nothing a job holds makes the worker panic or stop: an
//! unknown kind, an unreadable payload or even a panicking handler fails
//! that job with a message, and the worker goes on with the next.
//!
//! On shutdown a worker claims nothing more; the job it is running, if
//! any, runs to its end (handlers bound their own time, a webhook delivery
//! to 10 s), so no attempt is cut off half done.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};
use uuid::Uuid;

use super::prepare_case::{self, PrepareContext};
use super::retry::{Backoff, random_jitter};
use super::webhook_delivery::{self, Deliveries};
use super::{Attempt, JobError, JobSignal};
use crate::config::JobSettings;
use crate::storage::jobs::{self, Claim, Job, Lease};
use crate::storage::prepare_runs::PREPARE_JOB;
use crate::storage::webhooks::DELIVERY_JOB;
use crate::storage::{BlobStore, Database};

/// The attempts a job gets when neither it nor the configuration names a limit for its kind.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Every kind a worker runs, for the message about one it does not.
const KNOWN_KINDS: [&str; 2] = [DELIVERY_JOB, PREPARE_JOB];

/// What a worker needs to know from `[jobs]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerSettings {
    pub poll_interval: Duration,
    pub lease: Duration,
    pub backoff: Backoff,
    pub webhook_max_attempts: u32,
}

impl From<&JobSettings> for WorkerSettings {
    fn from(settings: &JobSettings) -> WorkerSettings {
        WorkerSettings {
            poll_interval: Duration::from_millis(settings.poll_interval_ms),
            lease: Duration::from_secs(settings.lease_secs),
            backoff: Backoff {
                base: Duration::from_millis(settings.backoff_base_ms),
                max: Duration::from_secs(settings.backoff_max_secs),
            },
            webhook_max_attempts: settings.webhook_max_attempts,
        }
    }
}

#[derive(Debug)]
pub struct Worker {
    /// The lease owner: unique per worker and per process start, since
    /// process ids repeat (every container's first process is 1).
    id: String,
    db: Database,
    /// Models for the prepare job.
    blobs: BlobStore,
    settings: WorkerSettings,
    /// For webhook deliveries; shared by the workers of a process.
    deliveries: Deliveries,
    signal: JobSignal,
}

impl Worker {
    pub fn new(
        number: usize,
        db: Database,
        blobs: BlobStore,
        settings: WorkerSettings,
        deliveries: Deliveries,
        signal: JobSignal,
    ) -> Worker {
        let start = Uuid::new_v4().simple().to_string();
        let id = format!("worker-{number}-pid{}-{}", std::process::id(), &start[..8]);
        Worker { id, db, blobs, settings, deliveries, signal }
    }

    /// Claims and runs jobs until `stop` says `true` (or its sender is gone).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::debug!(worker = %self.id, "job worker started");
        while !*stop.borrow() {
            match jobs::claim(&self.db, &self.id, self.settings.lease).await {
                Ok(Some(claim)) => {
                    self.run_claimed(claim).await;
                    continue;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(worker = %self.id, %error, "cannot claim jobs; trying again"),
            }
            let stopping = tokio::select! {
                () = self.signal.woken() => false,
                () = tokio::time::sleep(self.settings.poll_interval) => false,
                changed = stop.changed() => changed.is_err(),
            };
            if stopping {
                break;
            }
        }
        tracing::debug!(worker = %self.id, "job worker stopped");
    }

    /// The attempts `job` gets: its own limit, else its kind's.
    fn max_attempts(&self, job: &Job) -> u32 {
        match job.max_attempts {
            Some(max) => u32::try_from(max).unwrap_or(1).max(1),
            None if job.kind == DELIVERY_JOB => self.settings.webhook_max_attempts,
            None => DEFAULT_MAX_ATTEMPTS,
        }
    }

    async fn run_claimed(&self, Claim { job, lease }: Claim) {
        let max_attempts = self.max_attempts(&job);
        let number = u32::try_from(job.attempts).unwrap_or(u32::MAX);
        if number > max_attempts {
            // Claimed again because the worker of its last attempt died
            // (the lease expired): it has had all its attempts.
            let error = format!(
                "gave up after {}: the worker running the last one stopped before it finished (its lease expired)",
                attempts(max_attempts)
            );
            self.record(&job, &lease, Err(JobError::Permanent(error)), number).await;
            return;
        }
        let attempt = Attempt { number, is_last: number >= max_attempts };
        match self.run_leased(&job, &lease, attempt).await {
            Some(outcome) => {
                let outcome = match outcome {
                    Err(JobError::Retry(error)) if attempt.is_last => Err(JobError::Permanent(format!(
                        "gave up after {}; the last failed: {error}",
                        attempts(max_attempts)
                    ))),
                    other => other,
                };
                self.record(&job, &lease, outcome, number).await;
            }
            None => tracing::warn!(
                worker = %self.id, job = %job.id, kind = %job.kind,
                "lost the job's lease while running it (renewal failed); another worker runs it again"
            ),
        }
    }

    /// Runs the job, renewing its lease every third of its length; `None`
    /// when the lease was lost meanwhile (the attempt is then abandoned).
    async fn run_leased(&self, job: &Job, lease: &Lease, attempt: Attempt) -> Option<Result<(), JobError>> {
        let run = AssertUnwindSafe(self.execute(job, attempt)).catch_unwind();
        tokio::pin!(run);
        let every = (self.settings.lease / 3).max(Duration::from_millis(100));
        let mut renewal = tokio::time::interval_at(Instant::now() + every, every);
        renewal.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                finished = &mut run => {
                    return Some(finished.unwrap_or_else(|panic| {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| (*s).to_owned())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "no message".to_owned());
                        Err(JobError::Retry(format!("the handler of `{}` panicked: {what}", job.kind)))
                    }));
                }
                _ = renewal.tick() => match jobs::renew(&self.db, lease, self.settings.lease).await {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(error) => tracing::warn!(worker = %self.id, job = %job.id, %error, "cannot renew the lease"),
                },
            }
        }
    }

    async fn execute(&self, job: &Job, attempt: Attempt) -> Result<(), JobError> {
        match job.kind.as_str() {
            DELIVERY_JOB => webhook_delivery::deliver(&self.db, &self.deliveries, job, attempt).await,
            PREPARE_JOB => {
                let context = PrepareContext { db: &self.db, blobs: &self.blobs, signal: &self.signal };
                prepare_case::run(context, job, attempt).await
            }
            unknown => Err(JobError::Permanent(format!(
                "no handler for the job kind `{unknown}`: this server runs {}; a newer version may have queued it, \
                 so run that version's workers",
                KNOWN_KINDS.join(", ")
            ))),
        }
    }

    /// Writes the outcome of attempt `number`: done, queued again after a
    /// backoff (`Retry`), or failed for good (`Permanent`).
    async fn record(&self, job: &Job, lease: &Lease, outcome: Result<(), JobError>, number: u32) {
        let (worker, id, kind) = (&self.id, job.id, &job.kind);
        let written = match &outcome {
            Ok(()) => jobs::complete(&self.db, lease).await,
            Err(JobError::Retry(error)) => {
                let wait = self.settings.backoff.delay(number, random_jitter());
                let retry_at = jobs::due_in(wait);
                tracing::warn!(%worker, job = %id, %kind, attempt = number, %error, ?wait, "job failed; will retry");
                jobs::fail(&self.db, lease, error, Some(retry_at)).await
            }
            Err(JobError::Permanent(error)) => {
                tracing::error!(%worker, job = %id, %kind, attempt = number, %error, "job failed for good");
                jobs::fail(&self.db, lease, error, None).await
            }
        };
        match written {
            Ok(true) => tracing::debug!(%worker, job = %id, %kind, ok = outcome.is_ok(), "job attempt recorded"),
            Ok(false) => tracing::warn!(
                %worker, job = %id, %kind,
                "the job's lease expired before its outcome was recorded; another worker runs it again"
            ),
            Err(error) => tracing::warn!(
                %worker, job = %id, %kind, %error,
                "cannot record the job's outcome; it runs again when its lease expires"
            ),
        }
    }
}

/// "1 attempt", "8 attempts".
fn attempts(count: u32) -> String {
    if count == 1 { "1 attempt".to_owned() } else { format!("{count} attempts") }
}
