//! A write transaction on either backend, so that several repositories can
//! write in one transaction: a change, its audit record and the events it
//! publishes commit together or not at all; and `TxOrDb`, for a write that
//! joins the caller's transaction when there is one and opens its own when
//! there is not.

use sqlx::{Postgres, Sqlite, Transaction};
use uuid::Uuid;

use super::Database;
use super::backend::{BeginWrite, DbId};

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
    /// Holds clinic `clinic_id` until this transaction ends, for a write
    /// that checks a rule spanning several of the clinic's rows (such as
    /// "at least one enabled owner"): two such writes at once would each
    /// see the other's rows as they were and could together break the
    /// rule. On PostgreSQL that is the clinic row locked `FOR UPDATE`;
    /// SQLite needs nothing, since `BEGIN IMMEDIATE` already holds the
    /// database's single write lock.
    pub async fn lock_clinic(&mut self, clinic_id: Uuid) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(_) => Ok(()),
            WriteTx::Postgres(tx) => sqlx::query("SELECT id FROM clinics WHERE id = $1 FOR UPDATE")
                .bind(DbId(clinic_id))
                .execute(&mut **tx)
                .await
                .map(drop),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Where a write goes: into the caller's open transaction (`&mut tx`), so
/// that it commits or rolls back with the caller's own change, or into a
/// `&Database`, in a write transaction of its own.
#[derive(Debug)]
pub enum TxOrDb<'a> {
    Tx(&'a mut WriteTx),
    Db(&'a Database),
}

impl<'a> From<&'a mut WriteTx> for TxOrDb<'a> {
    fn from(tx: &'a mut WriteTx) -> TxOrDb<'a> {
        TxOrDb::Tx(tx)
    }
}

impl<'a> From<&'a Database> for TxOrDb<'a> {
    fn from(db: &'a Database) -> TxOrDb<'a> {
        TxOrDb::Db(db)
    }
}
