//! `cargo xtask test [STAGE…]`: every check in order, each under a header
//! and closed by its duration and PASS or FAIL, then a summary table and,
//! alone on the last line, `N passed, N failed` (`, N skipped` when some
//! were). A failed stage does not stop the ones after it, except those
//! that need its output: those are skipped. Naming stages runs only them,
//! still in this order.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cmd::{self, Result, cargo};
use crate::postgres::Cluster;
use crate::{corpus, root, tools};

#[derive(Debug)]
struct Stage {
    name: &'static str,
    /// What it does, for the header.
    what: &'static str,
    /// Stages whose output this one uses: when one of them ran and did not pass, this one is skipped.
    needs: &'static [&'static str],
    /// Installs what the stage needs, before its header and outside its time.
    prepare: fn(&Path) -> Result,
    run: fn(&Path) -> Result,
}

const STAGES: &[Stage] = &[
    Stage { name: "fmt", what: "cargo fmt --all --check", needs: &[], prepare: nothing, run: fmt },
    Stage {
        name: "clippy",
        what: "cargo clippy --workspace --all-targets -- -D warnings",
        needs: &[],
        prepare: nothing,
        run: clippy,
    },
    Stage {
        name: "clippy-wasm",
        what: "cargo clippy -p mesh-core -p trayforge-app --target wasm32-unknown-unknown -- -D warnings",
        needs: &[],
        prepare: |_| tools::ensure_wasm_target(),
        run: clippy_wasm,
    },
    Stage {
        name: "deny",
        what: "cargo deny check licenses bans sources (not advisories: their database is on GitHub, out of reach here)",
        needs: &[],
        prepare: tools::ensure_cargo_deny,
        run: deny,
    },
    Stage {
        name: "test",
        what: "cargo test --workspace --exclude trayforge-server (the server's tests are the next stage)",
        needs: &[],
        prepare: nothing,
        run: unit_tests,
    },
    Stage {
        name: "storage",
        what: "cargo test -p trayforge-server: storage on SQLite and a throwaway PostgreSQL, blobs on a folder and moto's S3",
        needs: &[],
        prepare: prepare_moto,
        run: storage,
    },
    Stage {
        name: "trunk",
        what: "trunk build --release (the client, into dist/)",
        needs: &[],
        prepare: tools::ensure_client_tools,
        run: trunk,
    },
    Stage {
        name: "server",
        what: "cargo build -p trayforge-server (the binary the browser tests run)",
        needs: &[],
        prepare: nothing,
        run: server,
    },
    Stage {
        name: "api",
        what: "schemathesis (all checks, all phases) against the real server's OpenAPI document, on SQLite and PostgreSQL",
        needs: &["server"],
        prepare: crate::api::prepare,
        run: crate::api::run,
    },
    Stage {
        name: "e2e",
        what: "npm test in end2end/ (Chromium against the real server)",
        needs: &["trunk", "server"],
        prepare: prepare_e2e,
        run: e2e,
    },
];

pub(crate) fn stage_names() -> Vec<&'static str> {
    STAGES.iter().map(|stage| stage.name).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail,
    Skip,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIPPED",
        }
    }
}

/// Runs the stages; `Ok(true)` when every one passed. `Err` only for a bad command line.
pub(crate) fn test(args: &[String]) -> Result<bool> {
    if let Some(unknown) = args.iter().find(|a| !STAGES.iter().any(|s| s.name == a.as_str())) {
        return Err(format!("unknown stage `{unknown}`; stages: {}", stage_names().join(", ")));
    }
    let root = root();
    let chosen: Vec<&Stage> =
        STAGES.iter().filter(|stage| args.is_empty() || args.iter().any(|a| a == stage.name)).collect();
    let count = chosen.len();
    let mut results: Vec<(&str, Outcome, Duration)> = Vec::new();

    for (index, stage) in chosen.into_iter().enumerate() {
        let title = format!("[{}/{count}] {}", index + 1, stage.name);
        let failed_need = stage
            .needs
            .iter()
            .find(|need| results.iter().any(|(name, outcome, _)| name == *need && *outcome != Outcome::Pass));
        if let Some(need) = failed_need {
            println!("\n=== {title}: SKIPPED (needs `{need}`, which did not pass)");
            results.push((stage.name, Outcome::Skip, Duration::ZERO));
            continue;
        }
        let prepared = (stage.prepare)(&root);
        println!("\n=== {title}: {}", stage.what);
        let started = Instant::now();
        // A panic inside a stage fails that stage, not the whole run (guards such as the cluster still drop).
        let ran = prepared.and_then(|()| {
            std::panic::catch_unwind(|| (stage.run)(&root)).unwrap_or_else(|_| Err("panicked".to_owned()))
        });
        let outcome = match ran {
            Ok(()) => Outcome::Pass,
            Err(message) => {
                println!("!!! {}: {message}", stage.name);
                Outcome::Fail
            }
        };
        let took = started.elapsed();
        println!("=== {title}: {} in {}", outcome.label(), cmd::duration(took));
        results.push((stage.name, outcome, took));
    }

    println!("\n=== summary");
    println!("{:<13} {:>10}  result", "stage", "duration");
    for (name, outcome, took) in &results {
        let took = if *outcome == Outcome::Skip { "-".to_owned() } else { cmd::duration(*took) };
        println!("{name:<13} {took:>10}  {}", outcome.label());
    }
    let total = |wanted| results.iter().filter(|(_, outcome, _)| *outcome == wanted).count();
    let (passed, failed, skipped) = (total(Outcome::Pass), total(Outcome::Fail), total(Outcome::Skip));
    if skipped > 0 {
        println!("{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    Ok(failed == 0 && skipped == 0)
}

fn nothing(_: &Path) -> Result {
    Ok(())
}

fn fmt(root: &Path) -> Result {
    cmd::run(cargo(root).args(["fmt", "--all", "--check"]))
}

fn clippy(root: &Path) -> Result {
    cmd::run(cargo(root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
}

fn clippy_wasm(root: &Path) -> Result {
    cmd::run(cargo(root).args([
        "clippy",
        "-p",
        "mesh-core",
        "-p",
        "trayforge-app",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))
}

/// `deny.toml` says what is allowed. Offline, because the advisory
/// database lives on GitHub; without the inclusion graphs, which print the
/// whole tree under every duplicate warning (`cargo tree --target all -i
/// CRATE` shows who brings a crate in).
fn deny(root: &Path) -> Result {
    cmd::run(cargo(root).args(["deny", "--offline", "check", "--hide-inclusion-graph", "licenses", "bans", "sources"]))
}

/// The blob tests in the server crate start `moto_server` (a local S3): install it once.
fn prepare_moto(_: &Path) -> Result {
    tools::ensure_moto().map(|_| ())
}

/// `TRAYFORGE_MOTO_SERVER` for the blob tests (already installed by [`prepare_moto`]).
fn moto_server() -> Result<std::path::PathBuf> {
    let moto_server = tools::ensure_moto()?;
    println!("  TRAYFORGE_MOTO_SERVER={}", moto_server.display());
    Ok(moto_server)
}

fn unit_tests(root: &Path) -> Result {
    cmd::run(cargo(root).args(["test", "--workspace", "--exclude", "trayforge-server"]))
}

fn storage(root: &Path) -> Result {
    let moto_server = moto_server()?;
    // Stopped and removed when dropped: after the tests, on failure, or on panic.
    let cluster = Cluster::start()?;
    println!("  TEST_DATABASE_URL={}", cluster.url);
    cmd::run(
        cargo(root)
            .args(["test", "-p", "trayforge-server"])
            .env("TEST_DATABASE_URL", &cluster.url)
            .env("TRAYFORGE_MOTO_SERVER", moto_server),
    )
}

pub(crate) fn trunk(root: &Path) -> Result {
    cmd::run(Command::new("trunk").args(["build", "--release"]).current_dir(root).env("PATH", tools::tool_path(root)))
}

fn server(root: &Path) -> Result {
    cmd::run(cargo(root).args(["build", "-p", "trayforge-server"]))
}

pub(crate) fn prepare_e2e(root: &Path) -> Result {
    tools::ensure_apt_package(Path::new("/usr/bin/chromium"), "chromium", "about 3 minutes, once")?;
    tools::ensure_npm_packages(root)
}

fn e2e(root: &Path) -> Result {
    let bin = root.join("target/debug/trayforge");
    let dist = root.join("dist");
    if !bin.is_file() || !dist.join("index.html").is_file() {
        return Err(format!(
            "{} or {} is missing: run the `trunk` and `server` stages first",
            bin.display(),
            dist.join("index.html").display()
        ));
    }
    cmd::run(
        Command::new("npm")
            .args(["test", "--silent"])
            .current_dir(root.join("end2end"))
            .env("TRAYFORGE_BIN", bin)
            .env("TRAYFORGE_DIST", dist)
            .env("TRAYFORGE_CORPUS", corpus(root)),
    )
}
