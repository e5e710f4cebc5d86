//! One database type over SQLite (the embedded default) and PostgreSQL (for
//! scale-out), with the migrations of each.
//!
//! Invariant: both backends have the same schema, written twice in
//! `migrations/sqlite` and `migrations/postgres`, with the same versions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use trayforge_wire::DatabaseState;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long to wait for a connection before saying the database is unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("the database url `{url}` is not sqlite://… or postgres://…; fix [database] url")]
    UnsupportedUrl { url: String },
    #[error("the database url `{url}` is invalid: {source}")]
    InvalidUrl { url: String, source: sqlx::Error },
    #[error(
        "cannot reach the database at {url}: {source}; check [database] url and that the database server is running"
    )]
    Unreachable { url: String, source: sqlx::Error },
    #[error("cannot create the database folder {folder}: {source}; set [data] dir or [database] url")]
    Folder { folder: String, source: std::io::Error },
    #[error("cannot migrate the {backend} database: {source}")]
    Migration { backend: &'static str, source: sqlx::migrate::MigrateError },
}

impl Database {
    /// Connects to `url`, creating an SQLite file and its folder when missing.
    pub async fn connect(url: &str) -> Result<Database, DatabaseError> {
        let shown = redacted(url);
        let invalid = |source| DatabaseError::InvalidUrl { url: shown.clone(), source };
        let unreachable = |source| DatabaseError::Unreachable { url: shown.clone(), source };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(invalid)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true);
            if let Some(folder) = options.get_filename().parent().filter(|f| !f.as_os_str().is_empty()) {
                std::fs::create_dir_all(folder)
                    .map_err(|e| DatabaseError::Folder { folder: folder.display().to_string(), source: e })?;
            }
            // Each SQLite connection runs on a thread of its own: more of them
            // than cores only adds switching between threads (measured by
            // `cargo xtask bench server`).
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            let pool = SqlitePoolOptions::new()
                .max_connections(u32::try_from(cores * 2).unwrap_or(8))
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Ok(Database::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).map_err(invalid)?;
            // One direct connection first: a pool that cannot connect only
            // reports a timeout, and the user needs the reason (refused,
            // authentication failed, no such database).
            let first = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
                .await
                .map_err(|_| unreachable(sqlx::Error::PoolTimedOut))?
                .map_err(unreachable)?;
            first.close().await.map_err(unreachable)?;
            let pool = PgPoolOptions::new().acquire_timeout(CONNECT_TIMEOUT).connect_lazy_with(options);
            Ok(Database::Postgres(pool))
        } else {
            Err(DatabaseError::UnsupportedUrl { url: shown })
        }
    }

    /// Applies every migration not applied yet; a no-op when up to date.
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        let result = match self {
            Database::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Database::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        };
        result.map_err(|source| DatabaseError::Migration { backend: self.backend_name(), source })
    }

    /// Whether the database answers, and how far its schema is migrated.
    pub async fn state(&self) -> DatabaseState {
        let known = self.known_migrations();
        // `_sqlx_migrations` does not exist before the first migration: that
        // is "nothing applied", not "unreachable".
        let applied: Result<i64, sqlx::Error> = match self {
            Database::Sqlite(pool) => {
                let table: Result<Option<i64>, _> = sqlx::query_scalar(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_optional(pool)
                .await;
                match table {
                    Ok(None) => Ok(0),
                    Ok(Some(_)) => {
                        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").fetch_one(pool).await
                    }
                    Err(e) => Err(e),
                }
            }
            Database::Postgres(pool) => {
                let table: Result<Option<String>, _> =
                    sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text").fetch_one(pool).await;
                match table {
                    Ok(None) => Ok(0),
                    Ok(Some(_)) => {
                        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").fetch_one(pool).await
                    }
                    Err(e) => Err(e),
                }
            }
        };
        match applied {
            Ok(applied) if applied as u64 >= known => DatabaseState::Migrated { migrations: known },
            Ok(applied) => DatabaseState::Pending { applied: applied as u64, known },
            Err(error) => DatabaseState::Unreachable { message: error.to_string() },
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "SQLite",
            Database::Postgres(_) => "PostgreSQL",
        }
    }

    fn known_migrations(&self) -> u64 {
        let migrator = match self {
            Database::Sqlite(_) => &SQLITE_MIGRATIONS,
            Database::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().count() as u64
    }

    pub async fn close(&self) {
        match self {
            Database::Sqlite(pool) => pool.close().await,
            Database::Postgres(pool) => pool.close().await,
        }
    }
}

/// The url with any password replaced, fit for messages and logs.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => format!("{scheme}://{credentials}@{host}"),
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redacted("postgres://tf:s3cret@db:5432/tf"), "postgres://tf:***@db:5432/tf");
        assert_eq!(redacted("sqlite://data/trayforge.db"), "sqlite://data/trayforge.db");
    }
}
