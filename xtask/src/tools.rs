//! Installing the tools the build needs, each only when missing, saying
//! what is installed and about how long it takes.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::cmd::{self, Result, cargo};

pub(crate) const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in `app/Cargo.toml`.
pub(crate) const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// Everything `trunk build` needs.
pub(crate) fn ensure_client_tools(root: &Path) -> Result {
    ensure_wasm_target()?;
    ensure_trunk(root)?;
    ensure_wasm_bindgen(root)?;
    ensure_npm_packages(root)
}

fn ensure_wasm_target() -> Result {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    announce("the wasm32-unknown-unknown Rust target", "under a minute");
    cmd::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk(root: &Path) -> Result {
    if version_of("trunk").is_some_and(|v| v.contains(TRUNK_VERSION)) {
        return Ok(());
    }
    announce(&format!("Trunk {TRUNK_VERSION} with cargo install"), "10 to 15 minutes, once");
    timed(|| cmd::run(cargo(root).args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"])))
}

fn ensure_wasm_bindgen(root: &Path) -> Result {
    if version_of("wasm-bindgen").is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        return Ok(());
    }
    announce(&format!("wasm-bindgen-cli {WASM_BINDGEN_VERSION} with cargo install"), "3 to 5 minutes, once");
    // Not --locked: its lock file pins crates that no longer build on this toolchain.
    timed(|| cmd::run(cargo(root).args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION])))
}

/// `end2end/node_modules`: playwright-core for the browser tests and
/// binaryen's `wasm-opt` for the client build.
pub(crate) fn ensure_npm_packages(root: &Path) -> Result {
    let end2end = root.join("end2end");
    let installed = end2end.join("node_modules/.package-lock.json");
    let fresh = match (modified(&installed), modified(&end2end.join("package-lock.json"))) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    announce("the npm packages of end2end/ (playwright-core, binaryen) with npm ci", "under a minute");
    cmd::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&end2end))
}

/// Debian packages, installed with apt when `probe` is not found.
pub(crate) fn ensure_apt_package(probe: &Path, package: &str, takes: &str) -> Result {
    if probe.exists() {
        return Ok(());
    }
    announce(&format!("Debian's {package} with apt-get"), takes);
    cmd::run(Command::new("apt-get").arg("update").arg("-qq"))?;
    cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends", package])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// The directory holding binaryen's `wasm-opt` (npm), to put first on `PATH`.
pub(crate) fn npm_bin(root: &Path) -> std::path::PathBuf {
    root.join("end2end/node_modules/.bin")
}

fn version_of(program: &str) -> Option<String> {
    cmd::output(Command::new(program).arg("--version"))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn announce(what: &str, takes: &str) {
    println!("==> installing {what} (about {takes})");
}

fn timed(install: impl FnOnce() -> Result) -> Result {
    let started = Instant::now();
    install()?;
    println!("==> installed in {:.0?}", started.elapsed());
    Ok(())
}
