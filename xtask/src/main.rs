//! `cargo xtask`: the project's commands, in Rust so they run wherever cargo does.
//!
//! - `cargo xtask run [--port N]` installs what is missing, builds the
//!   client and the server, and serves the app.
//! - `cargo xtask test [STAGE…]` runs every check in order and ends with
//!   `N passed, N failed`.

// A build tool talks to its user on the terminal.
#![allow(clippy::print_stdout)]

mod cmd;
mod postgres;
mod run;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(&args[1..]),
        Some("test") => test::test(&args[1..]),
        _ => {
            println!("usage: cargo xtask run [--port N] | cargo xtask test [STAGE…]");
            println!("stages: {}", test::STAGE_NAMES.join(", "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            println!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate.
fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or(manifest_dir.clone(), PathBuf::from)
}
