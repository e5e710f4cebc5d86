//! Persistence: the database (SQLite or PostgreSQL behind one type) and,
//! in later areas, one repository file per area and the blob store.

mod backend;
pub mod blobs;
pub mod clinics;
pub mod db;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use blobs::{BlobError, BlobHash, BlobLocation, BlobRef, BlobStore};
pub use db::{Database, DatabaseError};
