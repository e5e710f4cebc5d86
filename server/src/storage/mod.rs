//! Persistence: the database (SQLite or PostgreSQL behind one type) and,
//! in later areas, one repository file per area and the blob store.

pub mod db;

pub use db::{Database, DatabaseError};
