//! Persistence: the database (SQLite or PostgreSQL behind one type) and,
//! in later areas, one repository file per area and the blob store.

pub mod blobs;
pub mod db;

pub use blobs::{BlobError, BlobHash, BlobLocation, BlobRef, BlobStore};
pub use db::{Database, DatabaseError};
