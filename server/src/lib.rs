//! The Trayforge server as a library, so that the binary (`main.rs`) and the
//! black-box tests start exactly the same application.

pub mod admin_command;
pub mod config;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod mesh_command;
pub mod startup;
pub mod storage;
pub mod telemetry;
