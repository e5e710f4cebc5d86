//! The Trayforge client: a Leptos app, compiled to WebAssembly by Trunk.
//!
//! Heavy geometry (reading, validating, preparing meshes) runs here, in the
//! browser, through `mesh-core`: a clinic's scans need not leave its machine
//! to be looked at.

// `#[component]` expands to public props structs inside private modules.
#![allow(unreachable_pub)]

mod api;
mod app;
mod bench;
mod case_status;
mod components;
mod display;
mod import;
mod pages;
mod query;
mod save;
mod state;
mod viewer;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
