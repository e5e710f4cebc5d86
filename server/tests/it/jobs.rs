//! The job queue on every backend: leases, retries, expired leases,
//! concurrent claims, per-clinic listing; and the workers the application
//! runs (an unknown kind, shutdown).

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;
use trayforge_server::domain::{Email, PasswordHash, Role};
use trayforge_server::startup::Application;
use trayforge_server::storage::clinics;
use trayforge_server::storage::jobs::{self, JobStatus, NewJob};
use trayforge_server::storage::users::NewUser;
use trayforge_server::storage::{Database, webhooks};
use uuid::Uuid;

use crate::support::{TestDatabase, connect, spawn_app_with, test_databases, wait_for};

const LEASE: Duration = Duration::from_secs(30);

pub(crate) async fn migrated(database: &TestDatabase) -> Database {
    let db = connect(database).await;
    db.migrate().await.unwrap();
    db
}

/// A clinic (and its owner, who never signs in): what jobs belong to.
/// Returns the clinic's and the owner's ids.
pub(crate) async fn clinic(db: &Database, name: &str) -> (Uuid, Uuid) {
    let owner = NewUser {
        email: Email::parse(&format!("owner@{}.example", Uuid::new_v4().simple())).unwrap(),
        display_name: String::new(),
        role: Role::Owner,
        password_hash: PasswordHash("not used to sign in".into()),
    };
    let (clinic, owner) = clinics::create_with_owner(db, name, owner).await.unwrap();
    (clinic.id, owner.id)
}

fn seconds(n: i64) -> time::Duration {
    time::Duration::seconds(n)
}

#[tokio::test]
async fn a_claimed_job_is_leased_to_one_worker_and_done_once() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let id = jobs::enqueue(&db, &NewJob::new(clinic, "print.plate", json!({ "plate": 7 }))).await.unwrap();

        let claim = jobs::claim(&db, "worker-a", LEASE).await.unwrap().expect("the new job is due");
        let job = &claim.job;
        assert_eq!((job.id, job.status, job.attempts), (id, JobStatus::Running, 1), "{}", db.backend_name());
        assert_eq!((job.kind.as_str(), &job.payload), ("print.plate", &json!({ "plate": 7 })));
        assert_eq!(job.lease_owner.as_deref(), Some("worker-a"));
        let expires = job.lease_expires_at.unwrap() - OffsetDateTime::now_utc();
        assert!(expires > seconds(25) && expires <= seconds(30), "{expires}");
        assert!(jobs::claim(&db, "worker-b", LEASE).await.unwrap().is_none(), "leased, so not due for another");

        assert!(jobs::complete(&db, &claim.lease).await.unwrap());
        assert!(!jobs::complete(&db, &claim.lease).await.unwrap(), "done once");
        let done = jobs::get(&db, clinic, id).await.unwrap().unwrap();
        assert_eq!((done.status, done.lease_owner, done.lease_expires_at), (JobStatus::Done, None, None));
        assert!(done.finished_at.is_some());
        let much_later = OffsetDateTime::now_utc() + seconds(86_400);
        assert!(jobs::claim_at(&db, "worker-b", LEASE, much_later).await.unwrap().is_none(), "never again");
    }
}

#[tokio::test]
async fn a_job_whose_lease_expired_is_claimed_again_and_the_old_lease_is_void() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let id = jobs::enqueue(&db, &NewJob::new(clinic, "print.plate", json!({}))).await.unwrap();
        let dead = jobs::claim(&db, "worker-that-dies", LEASE).await.unwrap().unwrap();

        let before_expiry = OffsetDateTime::now_utc() + seconds(20);
        assert!(jobs::claim_at(&db, "worker-b", LEASE, before_expiry).await.unwrap().is_none());
        let after_expiry = OffsetDateTime::now_utc() + seconds(31);
        let taken = jobs::claim_at(&db, "worker-b", LEASE, after_expiry).await.unwrap().expect("due again");
        assert_eq!((taken.job.id, taken.job.attempts), (id, 2), "{}", db.backend_name());
        assert_eq!(taken.job.lease_owner.as_deref(), Some("worker-b"));

        // The first worker wakes up: its lease is void, whatever it tries.
        assert!(!jobs::renew(&db, &dead.lease, LEASE).await.unwrap());
        assert!(!jobs::complete(&db, &dead.lease).await.unwrap());
        assert!(!jobs::fail(&db, &dead.lease, "late", None).await.unwrap());
        assert!(jobs::complete(&db, &taken.lease).await.unwrap());
        assert_eq!(jobs::get(&db, clinic, id).await.unwrap().unwrap().status, JobStatus::Done);
    }
}

#[tokio::test]
async fn a_renewed_lease_keeps_the_job_past_its_first_expiry() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        jobs::enqueue(&db, &NewJob::new(clinic, "print.plate", json!({}))).await.unwrap();
        let claim = jobs::claim(&db, "worker-a", Duration::from_secs(10)).await.unwrap().unwrap();
        assert!(jobs::renew(&db, &claim.lease, Duration::from_secs(60)).await.unwrap());
        let past_first_expiry = OffsetDateTime::now_utc() + seconds(30);
        assert!(jobs::claim_at(&db, "worker-b", LEASE, past_first_expiry).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_failed_attempt_waits_for_its_retry_time_and_a_final_failure_is_for_good() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let id = jobs::enqueue(&db, &NewJob::new(clinic, "print.plate", json!({}))).await.unwrap();
        let first = jobs::claim(&db, "worker-a", LEASE).await.unwrap().unwrap();
        let retry_at = OffsetDateTime::now_utc() + seconds(10);
        assert!(jobs::fail(&db, &first.lease, "printer offline", Some(retry_at)).await.unwrap());

        let waiting = jobs::get(&db, clinic, id).await.unwrap().unwrap();
        assert_eq!((waiting.status, waiting.last_error.as_deref()), (JobStatus::Queued, Some("printer offline")));
        assert_eq!((waiting.lease_owner, waiting.attempts), (None, 1));
        assert!(jobs::claim(&db, "worker-a", LEASE).await.unwrap().is_none(), "not before its retry time");
        let later = OffsetDateTime::now_utc() + seconds(11);
        let second = jobs::claim_at(&db, "worker-a", LEASE, later).await.unwrap().expect("due at its retry time");
        assert_eq!(second.job.attempts, 2);

        assert!(jobs::fail(&db, &second.lease, "printer on fire", None).await.unwrap());
        let failed = jobs::get(&db, clinic, id).await.unwrap().unwrap();
        assert_eq!((failed.status, failed.last_error.as_deref()), (JobStatus::Failed, Some("printer on fire")));
        assert!(failed.finished_at.is_some());
        let much_later = OffsetDateTime::now_utc() + seconds(86_400);
        assert!(jobs::claim_at(&db, "worker-a", LEASE, much_later).await.unwrap().is_none(), "failed for good");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_claiming_at_once_never_take_the_same_job() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let mut all = HashSet::new();
        for n in 0..40 {
            all.insert(jobs::enqueue(&db, &NewJob::new(clinic, "print.plate", json!({ "n": n }))).await.unwrap());
        }
        // Two workers as two processes would be: each its own connections.
        let claimers = ["worker-a", "worker-b"].map(|owner| {
            let database_url = database.url.clone();
            tokio::spawn(async move {
                let db = Database::connect(&database_url).await.unwrap();
                let mut claimed = Vec::new();
                // Leases are held, never completed: a job claimed twice would be a double run.
                while let Some(claim) = jobs::claim(&db, owner, LEASE).await.unwrap() {
                    assert_eq!(claim.job.attempts, 1, "{} claimed a job someone held", owner);
                    claimed.push(claim.job.id);
                }
                db.close().await;
                claimed
            })
        });
        let [a, b] = claimers;
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let (a_set, b_set): (HashSet<Uuid>, HashSet<Uuid>) = (a.iter().copied().collect(), b.iter().copied().collect());
        assert_eq!(a.len() + b.len(), 40, "{}: {} + {}", db.backend_name(), a.len(), b.len());
        assert!(a_set.is_disjoint(&b_set), "{}", db.backend_name());
        assert_eq!(a_set.union(&b_set).copied().collect::<HashSet<_>>(), all);
    }
}

#[tokio::test]
async fn jobs_are_listed_per_clinic_newest_first() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let ((a, _), (b, _)) = (clinic(&db, "Clinic A").await, clinic(&db, "Clinic B").await);
        let mut a_jobs = Vec::new();
        for n in 0..3 {
            a_jobs.push(jobs::enqueue(&db, &NewJob::new(a, "print.plate", json!({ "n": n }))).await.unwrap());
        }
        let b_job = jobs::enqueue(&db, &NewJob::new(b, "print.plate", json!({}))).await.unwrap();

        let listed: Vec<Uuid> = jobs::list(&db, a, 10).await.unwrap().iter().map(|job| job.id).collect();
        a_jobs.reverse();
        assert_eq!(listed, a_jobs, "{}", db.backend_name());
        assert_eq!(jobs::list(&db, a, 2).await.unwrap().len(), 2);
        let listed: Vec<Uuid> = jobs::list(&db, b, 10).await.unwrap().iter().map(|job| job.id).collect();
        assert_eq!(listed, [b_job]);
        assert!(jobs::get(&db, b, a_jobs[0]).await.unwrap().is_none(), "another clinic's job does not exist");
    }
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_fails_for_good_naming_the_kinds_there_are() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let _app = spawn_app_with(Some(&database), |settings| settings.jobs.poll_interval_ms = 20).await;
        let id = jobs::enqueue(&db, &NewJob::new(clinic, "print.teleport", json!({}))).await.unwrap();

        let failed = wait_for("the worker to fail the job", || async {
            jobs::get(&db, clinic, id).await.unwrap().filter(|job| job.status == JobStatus::Failed)
        })
        .await;
        assert_eq!(failed.attempts, 1, "not retried: {failed:?}");
        let error = failed.last_error.unwrap();
        assert!(error.contains("no handler for the job kind `print.teleport`"), "{error}");
        assert!(error.contains(webhooks::DELIVERY_JOB), "{error}");
    }
}

#[tokio::test]
async fn a_job_whose_worker_died_during_its_last_attempt_is_failed_without_running_again() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let job = NewJob { max_attempts: Some(1), ..NewJob::new(clinic, "print.teleport", json!({})) };
        let id = jobs::enqueue(&db, &job).await.unwrap();
        // A worker claims it and dies at once: its lease has run out already.
        jobs::claim(&db, "worker-that-dies", Duration::ZERO).await.unwrap().unwrap();
        let _app = spawn_app_with(Some(&database), |settings| settings.jobs.poll_interval_ms = 20).await;

        let failed = wait_for("the application's worker to give the job up", || async {
            jobs::get(&db, clinic, id).await.unwrap().filter(|job| job.status == JobStatus::Failed)
        })
        .await;
        let error = failed.last_error.unwrap();
        assert!(error.starts_with("gave up after 1 attempt: the worker running the last one stopped"), "{error}");
        assert!(!error.contains("no handler"), "not run again: {error}");
    }
}

#[tokio::test]
async fn a_wake_starts_an_idle_worker_at_once_instead_of_at_its_next_poll() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let data = tempfile::tempdir().unwrap();
        let mut settings = trayforge_server::config::Settings::default();
        settings.server.port = 0;
        settings.data.dir = data.path().join("data");
        settings.database.url = database.url.clone();
        settings.jobs.poll_interval_ms = 3_600_000;
        let app = Application::build(&settings).await.unwrap();
        let signal = app.job_signal();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));

        // A first job, so that the worker is idle afterwards: once it is
        // recorded, the worker has looked again, found nothing, and waits.
        let first = jobs::enqueue(&db, &NewJob::new(clinic, "print.teleport", json!({}))).await.unwrap();
        signal.wake();
        let failed = |id| {
            let db = &db;
            async move { jobs::get(db, clinic, id).await.unwrap().filter(|job| job.status == JobStatus::Failed) }
        };
        wait_for("the worker's first look at the queue", || failed(first)).await;

        let second = jobs::enqueue(&db, &NewJob::new(clinic, "print.teleport", json!({}))).await.unwrap();
        signal.wake();
        wait_for("the woken worker to run the job, long before its hourly poll", || failed(second)).await;
        stop.send(()).unwrap();
    }
}

#[tokio::test]
async fn stopping_the_application_stops_its_workers() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = trayforge_server::config::Settings::default();
    settings.server.port = 0;
    settings.data.dir = data.path().join("data");
    settings.jobs.workers = 3;
    let app = Application::build(&settings).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    stop.send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(10), running).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "run_until returns once server and workers stopped: {finished:?}");
}

/// `trayforge worker` on `database`, polling every 20 ms.
fn worker_command(database: &TestDatabase, extra: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_trayforge"));
    command
        .arg("worker")
        .current_dir(std::env::temp_dir())
        .env_remove("TRAYFORGE_CONFIG")
        .env("TRAYFORGE__DATABASE__URL", &database.url)
        .env("TRAYFORGE__JOBS__POLL_INTERVAL_MS", "20")
        .env("TRAYFORGE__LOG__LEVEL", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (key, value) in extra {
        command.env(key, value);
    }
    command
}

#[tokio::test]
async fn the_worker_command_runs_jobs_until_it_is_told_to_stop() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, _) = clinic(&db, "Smile Lab").await;
        let mut worker = worker_command(&database, &[]).spawn().unwrap();
        let id = jobs::enqueue(&db, &NewJob::new(clinic, "print.teleport", json!({}))).await.unwrap();
        wait_for("the worker process to run the job", || async {
            jobs::get(&db, clinic, id).await.unwrap().filter(|job| job.status == JobStatus::Failed)
        })
        .await;

        let sent = std::process::Command::new("kill").args(["-TERM", &worker.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let status = wait_for("the worker process to exit", || std::future::ready(worker.try_wait().unwrap())).await;
        assert!(status.success(), "{status:?}, {}", db.backend_name());
    }
}

#[tokio::test]
async fn job_settings_out_of_range_stop_the_start_with_the_key_named() {
    let database = &test_databases().await[0];
    let output = worker_command(database, &[("TRAYFORGE__JOBS__LEASE_SECS", "1")]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("[jobs] lease_secs must be 3 to 86400"), "{stderr}");
}
