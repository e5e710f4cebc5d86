//! Background work on the durable queue (`storage/jobs.rs`): workers that
//! claim due jobs under a lease and run each by its kind (`worker.rs`), the
//! wait before a retry (`retry.rs`), and one handler per kind:
//! `webhook_delivery.rs` (`webhook.deliver`) and `prepare_case.rs`
//! (`prepare.case`, the server's run of a preparation recipe).
//!
//! Invariant: a handler may run more than once for one job (a worker can
//! die after the work and before recording it), so every handler is
//! idempotent or, like a webhook delivery, tells its receiver how to
//! recognise a repeat (the delivery id).

pub mod prepare_case;
pub mod retry;
pub mod webhook_delivery;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

pub use retry::Backoff;
pub use worker::{Worker, WorkerSettings};

/// Why an attempt at a job failed, and whether another could succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt after a wait (a receiver down, a timeout).
    #[error("{0}")]
    Retry(String),
    /// Another attempt would fail the same way (an unknown kind, a payload
    /// that cannot be read): the job fails for good at once.
    #[error("{0}")]
    Permanent(String),
}

/// Which attempt a handler is running, so that it can say whether a
/// failure is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first.
    pub number: u32,
    /// No attempt follows this one, whatever its outcome.
    pub is_last: bool,
}

/// Wakes this process's idle workers at once, instead of at their next
/// poll. Call `wake` after committing a transaction that enqueued jobs.
#[derive(Debug, Clone, Default)]
pub struct JobSignal(Arc<Notify>);

impl JobSignal {
    pub fn wake(&self) {
        // A permit is stored when no worker waits now: the next one to wait
        // returns at once, so a wake between a claim and a wait is not lost.
        self.0.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.0.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::JobSignal;

    #[tokio::test]
    async fn a_wake_before_the_wait_is_kept_for_it() {
        let signal = JobSignal::default();
        signal.wake();
        let woken = tokio::time::timeout(Duration::from_secs(5), signal.woken()).await;
        assert!(woken.is_ok(), "the stored wake ends the next wait at once");
    }
}
