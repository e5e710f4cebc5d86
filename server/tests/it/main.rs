//! Black-box tests of the server: the real application on port 0 spoken to
//! over HTTP, the real binary run as a process, and storage on every
//! database backend available (SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set).

// In tests a panic is the failure report: helpers unwrap freely.
#![allow(clippy::unwrap_used)]

mod account_requests;
mod accounts;
mod auth;
mod authorization;
mod blobs;
mod cases;
mod cli;
mod client;
mod connections;
mod crash;
mod health;
mod jobs;
mod mesh_cli;
mod openapi;
mod people;
mod preparation;
mod process;
mod security;
mod storage;
mod support;
mod upload_memory;
mod webhooks;
