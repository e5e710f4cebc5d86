//! `cargo xtask test`: every check in order, each timed, and a closing
//! line `N passed, N failed` (stages). A failed stage does not stop the
//! ones after it, except those that need its output.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cmd::{self, Result, cargo};
use crate::postgres::Cluster;
use crate::{root, tools};

pub(crate) const STAGE_NAMES: &[&str] = &["fmt", "clippy", "clippy-wasm", "test", "storage", "trunk", "server", "e2e"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    Skipped,
}

pub(crate) fn test(args: &[String]) -> Result {
    if let Some(unknown) = args.iter().find(|a| !STAGE_NAMES.contains(&a.as_str())) {
        return Err(format!("unknown stage `{unknown}`; stages: {}", STAGE_NAMES.join(", ")));
    }
    let root = root();
    let mut results: Vec<(&str, Outcome, Duration)> = Vec::new();
    for &name in STAGE_NAMES {
        if !args.is_empty() && !args.iter().any(|a| a == name) {
            continue;
        }
        let needs_failed =
            needs(name).iter().find(|dep| results.iter().any(|(n, o, _)| n == *dep && *o != Outcome::Passed));
        if let Some(dep) = needs_failed {
            println!("\n=== {name}: skipped (needs `{dep}`, which did not pass)");
            results.push((name, Outcome::Skipped, Duration::ZERO));
            continue;
        }
        println!("\n=== {name}");
        let started = Instant::now();
        let outcome = match stage(name, &root) {
            Ok(()) => Outcome::Passed,
            Err(message) => {
                println!("!!! {name}: {message}");
                Outcome::Failed
            }
        };
        let took = started.elapsed();
        println!("=== {name}: {} in {took:.1?}", if outcome == Outcome::Passed { "passed" } else { "FAILED" });
        results.push((name, outcome, took));
    }

    println!("\nstage         result    time");
    for (name, outcome, took) in &results {
        println!("{name:<13} {:<9} {:>6.1}s", format!("{outcome:?}").to_lowercase(), took.as_secs_f64());
    }
    let count = |o| results.iter().filter(|(_, outcome, _)| *outcome == o).count();
    let (passed, failed, skipped) = (count(Outcome::Passed), count(Outcome::Failed), count(Outcome::Skipped));
    if skipped > 0 {
        println!("{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    if failed + skipped > 0 { Err(format!("{} stage(s) did not pass", failed + skipped)) } else { Ok(()) }
}

/// The stages whose output a stage uses.
fn needs(stage: &str) -> &'static [&'static str] {
    match stage {
        "e2e" => &["trunk", "server"],
        _ => &[],
    }
}

fn stage(name: &str, root: &Path) -> Result {
    match name {
        "fmt" => cmd::run(cargo(root).args(["fmt", "--all", "--check"])),
        "clippy" => cmd::run(cargo(root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])),
        "clippy-wasm" => {
            tools::ensure_client_tools(root)?;
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
        "test" => cmd::run(cargo(root).args(["test", "--workspace"]).env_remove("TEST_DATABASE_URL")),
        "storage" => {
            let cluster = Cluster::start()?;
            println!("  PostgreSQL at {}", cluster.url);
            // SQLite always, PostgreSQL through TEST_DATABASE_URL; the cluster stops when dropped.
            // `--workspace` keeps the feature set of the `test` stage, so nothing is rebuilt.
            cmd::run(cargo(root).args(["test", "--workspace", "--", "storage"]).env("TEST_DATABASE_URL", &cluster.url))
        }
        "trunk" => {
            tools::ensure_client_tools(root)?;
            cmd::run(
                Command::new("trunk")
                    .args(["build", "--release"])
                    .current_dir(root)
                    .env("PATH", cmd::path_with(&tools::npm_bin(root))),
            )
        }
        // The binary `cargo test` builds (target/debug/trayforge), with the same
        // features, so this is a no-op after the `test` stage.
        "server" => cmd::run(cargo(root).args(["test", "--workspace", "--no-run"])),
        "e2e" => {
            tools::ensure_apt_package(Path::new("/usr/bin/chromium"), "chromium", "2 to 4 minutes, once")?;
            tools::ensure_npm_packages(root)?;
            let corpus = std::env::var_os("TRAYFORGE_CORPUS")
                .map_or_else(|| root.join("../shared/corpus"), std::path::PathBuf::from);
            cmd::run(
                Command::new("npm")
                    .args(["test", "--silent"])
                    .current_dir(root.join("end2end"))
                    .env("TRAYFORGE_BIN", root.join("target/debug/trayforge"))
                    .env("TRAYFORGE_DIST", root.join("dist"))
                    .env("TRAYFORGE_CORPUS", corpus),
            )
        }
        other => Err(format!("unknown stage `{other}`")),
    }
}
