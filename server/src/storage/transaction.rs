//! A write transaction on either backend, so that several repositories can
//! write in one transaction: a change, its audit record and the events it
//! publishes commit together or not at all.

use sqlx::{Postgres, Sqlite, Transaction};

use super::Database;
use super::backend::BeginWrite;

#[derive(Debug)]
pub enum WriteTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection
/// (`&mut *$conn` is the executor); compiled once per backend like `on_pool!`.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::storage::WriteTx::Sqlite($conn) => $body,
            $crate::storage::WriteTx::Postgres($conn) => $body,
        }
    };
}
pub(crate) use on_tx;

impl Database {
    /// Starts a transaction that will write (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(match self {
            Database::Sqlite(pool) => WriteTx::Sqlite(pool.begin_write().await?),
            Database::Postgres(pool) => WriteTx::Postgres(pool.begin_write().await?),
        })
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }
}
