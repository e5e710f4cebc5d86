//! Starting the application and making databases for tests.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use trayforge_server::config::Settings;
use trayforge_server::startup::Application;
use trayforge_server::storage::Database;

/// A running server on a free port, with its own data folder and client files.
pub(crate) struct TestApp {
    pub(crate) address: String,
    pub(crate) client: reqwest::Client,
    /// The data folder (database, blobs).
    pub(crate) data_dir: PathBuf,
    _data: TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl TestApp {
    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("the server answers")
    }
}

/// A built client as Trunk leaves it: `index.html` and content-hashed files.
pub(crate) fn write_dist(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Trayforge</title>").unwrap();
    std::fs::write(dir.join("trayforge-app-0123456789abcdef.js"), "export default 1;").unwrap();
    std::fs::write(dir.join("manifest.webmanifest"), "{}").unwrap();
}

pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(None, |_| {}).await
}

/// The application on `database` (SQLite in its data folder when `None`),
/// with settings changed by `configure`.
pub(crate) async fn spawn_app_with(database: Option<&TestDatabase>, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.server.port = 0;
    settings.data.dir = data.path().join("data");
    settings.server.dist_dir = data.path().join("dist");
    if let Some(database) = database {
        settings.database.url = database.url.clone();
    }
    configure(&mut settings);
    write_dist(&settings.server.dist_dir);

    let app = Application::build(&settings).await.expect("the application starts");
    let address = format!("http://{}", app.address());
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let data_dir = settings.data.dir.clone();
    TestApp { address, client: reqwest::Client::new(), data_dir, _data: data, shutdown: Some(shutdown) }
}

/// An empty database on each available backend, kept alive by its guard.
pub(crate) struct TestDatabase {
    pub(crate) url: String,
    _dir: Option<TempDir>,
}

pub(crate) async fn test_databases() -> Vec<TestDatabase> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = TestDatabase { url: format!("sqlite://{}", dir.path().join("test.db").display()), _dir: Some(dir) };
    let mut databases = vec![sqlite];
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        databases.push(fresh_postgres_database(&admin_url).await);
    }
    databases
}

/// A new database in the cluster of `admin_url`, so tests never share state.
async fn fresh_postgres_database(admin_url: &str) -> TestDatabase {
    use sqlx::Connection;
    let name = format!("trayforge_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("TEST_DATABASE_URL is reachable");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
    TestDatabase { url: format!("{base}/{name}"), _dir: None }
}

pub(crate) async fn connect(database: &TestDatabase) -> Database {
    Database::connect(&database.url).await.expect("the test database is reachable")
}

/// A file of the shared test corpus (`TRAYFORGE_CORPUS` or `../shared/corpus`).
pub(crate) fn corpus(file: &str) -> PathBuf {
    let dir = std::env::var_os("TRAYFORGE_CORPUS")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"), PathBuf::from);
    dir.join(file)
}

/// How long a test waits for something the server does in the background.
const DEADLINE: Duration = Duration::from_secs(30);

/// Checks `condition` until it gives a value, failing the test, named by
/// `what`, when that takes longer than `DEADLINE`.
pub(crate) async fn wait_for<T, F: Future<Output = Option<T>>>(what: &str, mut condition: impl FnMut() -> F) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(value) = condition().await {
            return value;
        }
        assert!(Instant::now() < deadline, "waited {DEADLINE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
