//! The Trayforge client: a Leptos app, compiled to WebAssembly by Trunk.
//!
//! Heavy geometry (reading, validating, preparing meshes) runs here, in the
//! browser, through `mesh-core`: a clinic's scans need not leave its machine
//! to be looked at.

// `#[component]` expands to public props structs inside private modules.
#![allow(unreachable_pub)]

mod activity;
mod api;
mod app;
mod bench;
mod case_status;
mod components;
mod display;
mod import;
mod listing;
mod pages;
mod panic_report;
mod prepare;
mod query;
mod roles;
mod save;
mod state;
mod temporary_password;
mod treatment;
mod viewer;
mod worker;

fn main() {
    // The console keeps the details; the page tells the person what to do.
    panic_report::install();
    leptos::mount::mount_to_body(app::App);
}
