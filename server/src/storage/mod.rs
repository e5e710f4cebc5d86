//! Persistence: the database (SQLite or PostgreSQL behind one type) and,
//! in later areas, one repository file per area and the blob store.

pub mod audit;
mod backend;
pub mod blobs;
pub mod case_files;
pub mod cases;
pub mod clinics;
pub mod db;
pub mod jobs;
mod page;
pub mod prepare_runs;
pub mod recipes;
pub mod sessions;
pub mod tokens;
mod transaction;
pub mod users;
pub mod webhooks;

pub use blobs::{BlobError, BlobHash, BlobLocation, BlobRef, BlobStore};
pub use db::{Database, DatabaseError};
pub use page::Page;
pub use transaction::{TxOrDb, WriteTx};
