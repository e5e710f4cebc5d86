//! `cargo xtask`: the project's commands, in Rust (std only) so they build
//! in seconds and run wherever cargo does.
//!
//! - `cargo xtask run [--port N]` installs what is missing, builds the
//!   client and the server, and serves the app on `http://127.0.0.1:N`.
//! - `cargo xtask test [STAGE…]` runs every check in order (or only the
//!   named stages) and ends with the line `N passed, N failed`.
//! - `cargo xtask bench mesh` prints the mesh benchmarks, native and in
//!   the browser, each with a ratio against its anchor; `cargo xtask bench
//!   prep` the model preparation's, against trimesh; `cargo xtask bench app` the
//!   client in the browser (first frame, long tasks, wasm size); `cargo xtask
//!   bench server` the server's requests a second and latencies under wrk, and
//!   `cargo xtask bench soak` ten minutes of mixed load with its memory.

// A build tool talks to its user on the terminal.
#![allow(clippy::print_stdout)]

mod api;
mod bench;
mod cmd;
mod load;
mod postgres;
mod run;
mod serve;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask run [--port N]\n       cargo xtask test [STAGE…]\n       cargo xtask bench mesh|prep|app|server|soak";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("", &[][..]),
    };
    let result = match command {
        "run" => run::run(rest).map(|()| true),
        "test" => test::test(rest),
        "bench" => bench::bench(rest).map(|()| true),
        "help" | "-h" | "--help" => {
            println!("{USAGE}\nstages: {}", test::stage_names().join(", "));
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("{USAGE}\nstages: {}", test::stage_names().join(", "))),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        // The test summary has already said what failed, on its last line.
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            println!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's folder.
fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or_else(|| manifest_dir.clone(), PathBuf::from)
}

/// `$TRAYFORGE_CORPUS`, else the shared STL corpus beside the checkout.
fn corpus(root: &std::path::Path) -> PathBuf {
    match std::env::var_os("TRAYFORGE_CORPUS") {
        Some(corpus) => PathBuf::from(corpus),
        None => root.parent().unwrap_or(root).join("shared/corpus"),
    }
}
