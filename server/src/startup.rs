//! Building the application from settings: data folders, database,
//! migrations, blob store, job workers, router, listener. The binary and
//! the tests both start here.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::domain::ReceiverPolicy;
use crate::http::serve::{self, ConnectionLimits};
use crate::http::{self, AppState, AuthState, MeshReads};
use crate::jobs::webhook_delivery::Deliveries;
use crate::jobs::{JobSignal, Worker, WorkerSettings};
use crate::storage::{BlobStore, Database};

#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    db: Database,
    /// Started by `run_until`, stopped with the server.
    workers: Vec<Worker>,
    signal: JobSignal,
    limits: ConnectionLimits,
}

impl Application {
    /// Prepares everything the server needs and binds its port; fails with a
    /// message that names the problem and what to change.
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        settings.jobs.check()?;
        let data_dir = &settings.data.dir;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data folder {}; set [data] dir", data_dir.display()))?;
        let db = Database::connect(&settings.database_url()).await?;
        db.migrate().await?;
        let blobs = BlobStore::open(&settings.blob_location(), settings.blobs.max_upload_bytes).await?;
        tracing::info!("blobs are kept in the {}", blobs.name());
        // What uploads cut short by a crash left behind: never visible, only space.
        match blobs.sweep_at_start().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "removed temporaries of uploads cut short"),
            Err(error) => tracing::warn!(%error, "could not sweep the temporaries of uploads cut short"),
        }

        if !settings.server.dist_dir.join("index.html").is_file() {
            tracing::warn!(
                dist_dir = %settings.server.dist_dir.display(),
                "the client is not built; `/` will answer 503 until it is (run `cargo xtask run`)"
            );
        }
        let signal = JobSignal::default();
        let receivers = ReceiverPolicy::new(&settings.webhooks.allow_internal_hosts);
        let workers = workers(usize::from(settings.jobs.workers), &db, &blobs, settings, &signal)?;
        let server = &settings.server;
        let mesh_reads = MeshReads::new(server.mesh_read_memory_mb);
        tracing::info!(budget_mb = mesh_reads.budget_mb(), "model files read at once may take this much memory");
        let router = http::router(
            AppState {
                db: db.clone(),
                auth: AuthState::new(server.secure_cookies, server.login_attempts_per_minute),
                blobs,
                jobs: signal.clone(),
                trusted_proxies: server.trusted_proxies.clone().into(),
                receivers,
                mesh_reads,
            },
            &server.dist_dir,
            Duration::from_secs(server.body_timeout_secs),
        );
        let limits = ConnectionLimits {
            max_connections: server.max_connections,
            header_timeout: Duration::from_secs(server.header_timeout_secs),
        };

        let address = SocketAddr::new(settings.server.host, settings.server.port);
        let listener = TcpListener::bind(address).await.map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                "another program uses this port; stop it or set [server] port (TRAYFORGE__SERVER__PORT)"
            } else {
                "check [server] host and port"
            };
            anyhow::anyhow!("cannot listen on {address}: {e}; {hint}")
        })?;
        Ok(Application { listener, router, db, workers, signal, limits })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Wakes this application's job workers (handlers reach it as `AppState::jobs`).
    pub fn job_signal(&self) -> JobSignal {
        self.signal.clone()
    }

    pub fn address(&self) -> SocketAddr {
        // A bound listener always has a local address; fall back to nothing useful only in theory.
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    /// Serves, and runs the job workers, until `shutdown` completes; then
    /// finishes in-flight requests and the jobs being run.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(
            backend = self.db.backend_name(),
            workers = self.workers.len(),
            "listening on http://{}",
            self.address()
        );
        let (stop, running) = start(self.workers);
        let served = serve::serve(self.listener, self.router, self.limits, async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await;
        // Also when serving failed: the sender is gone then, which stops them too.
        for worker in running {
            let _ = worker.await;
        }
        self.db.close().await;
        served
    }
}

/// `count` workers on `db` and `blobs`, sharing one HTTP client for deliveries.
fn workers(
    count: usize,
    db: &Database,
    blobs: &BlobStore,
    settings: &Settings,
    signal: &JobSignal,
) -> anyhow::Result<Vec<Worker>> {
    let deliveries = Deliveries::new(ReceiverPolicy::new(&settings.webhooks.allow_internal_hosts))
        .context("cannot set up the HTTP client of webhook deliveries")?;
    let worker_settings = WorkerSettings::from(&settings.jobs);
    Ok((1..=count)
        .map(|n| Worker::new(n, db.clone(), blobs.clone(), worker_settings, deliveries.clone(), signal.clone()))
        .collect())
}

/// Spawns the workers; they stop when the sender says `true` or is dropped.
fn start(workers: Vec<Worker>) -> (watch::Sender<bool>, Vec<JoinHandle<()>>) {
    let (stop, stopped) = watch::channel(false);
    let running = workers.into_iter().map(|worker| tokio::spawn(worker.run(stopped.clone()))).collect();
    (stop, running)
}

/// `trayforge worker`: job workers without the HTTP server (at least one,
/// whatever `[jobs] workers` says), until `shutdown` completes and the jobs
/// being run are finished.
pub async fn run_workers(settings: &Settings, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    settings.jobs.check()?;
    let db = Database::connect(&settings.database_url()).await?;
    db.migrate().await?;
    let blobs = BlobStore::open(&settings.blob_location(), settings.blobs.max_upload_bytes).await?;
    let count = usize::from(settings.jobs.workers).max(1);
    let (stop, running) = start(workers(count, &db, &blobs, settings, &JobSignal::default())?);
    tracing::info!(backend = db.backend_name(), workers = count, "running jobs");
    shutdown.await;
    let _ = stop.send(true);
    for worker in running {
        let _ = worker.await;
    }
    db.close().await;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
