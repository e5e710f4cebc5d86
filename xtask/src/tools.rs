//! Installing the tools the build needs, each only when missing or at the
//! wrong version, saying what is installed and about how long it takes.
//!
//! Versions are pinned here and nowhere else: Trunk 0.22 needs a newer
//! rustc than this project's 1.95, wasm-bindgen-cli must equal the
//! `wasm-bindgen` crate the client links, and `wasm-opt` comes from npm's
//! binaryen 132 in `end2end/node_modules` (Debian's binaryen 108
//! mis-binds wasm-bindgen's externrefs: never use it). cargo-deny is pinned
//! so that a new release cannot raise its `rust-version` past ours.
//! moto (`moto_server`, the S3 the blob tests talk to) is pinned so that
//! the tests meet the same S3 every time; trimesh (the anchor of the
//! preparation benchmark) so that the ratio compares with the same code;
//! Schemathesis (the `api` stage) so that a new release's checks cannot
//! fail a build that changed nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cmd::{self, Result, cargo};

pub(crate) const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in `app/Cargo.toml` and `Trunk.toml`.
pub(crate) const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The newest release when pinned; it needs rustc 1.88.
pub(crate) const CARGO_DENY_VERSION: &str = "0.20.2";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// PyPI `moto[server]`: a local S3 for the blob store's tests.
pub(crate) const MOTO_VERSION: &str = "5.2.5";
/// PyPI schemathesis: property-based tests of the API against its OpenAPI document.
pub(crate) const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// PyPI trimesh and what its capped plane slice imports, as measured
/// against; and Manifold's own Python binding (C++), the anchor of the union.
const TRIMESH_PACKAGES: &[(&str, &str)] = &[
    ("manifold3d", "3.5.4"),
    ("trimesh", "5.2.0"),
    ("numpy", "2.4.6"),
    ("shapely", "2.2.0"),
    ("mapbox_earcut", "2.1.0"),
    ("networkx", "3.6.1"),
    ("scipy", "1.17.1"),
    ("rtree", "1.4.1"),
];

/// Everything `trunk build` needs.
pub(crate) fn ensure_client_tools(root: &Path) -> Result {
    ensure_wasm_target()?;
    ensure_trunk(root)?;
    ensure_wasm_bindgen(root)?;
    ensure_npm_packages(root)
}

pub(crate) fn ensure_wasm_target() -> Result {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    install(&format!("the Rust target {WASM_TARGET} with rustup"), "about 1 minute, once", || {
        cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
    })
}

fn ensure_trunk(root: &Path) -> Result {
    if has_version(root, "trunk", TRUNK_VERSION) {
        return Ok(());
    }
    install(&format!("Trunk {TRUNK_VERSION} with cargo install"), "about 14 minutes, once", || {
        cmd::run(cargo(root).args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
    })
}

fn ensure_wasm_bindgen(root: &Path) -> Result {
    if has_version(root, "wasm-bindgen", WASM_BINDGEN_VERSION) {
        return Ok(());
    }
    install(&format!("wasm-bindgen-cli {WASM_BINDGEN_VERSION} with cargo install"), "about 5 minutes, once", || {
        // Not --locked: its lock file pins crates that do not build on rustc 1.95.
        cmd::run(cargo(root).args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]))
    })
}

/// cargo-deny, for the licence, ban and source checks of `deny.toml`.
pub(crate) fn ensure_cargo_deny(root: &Path) -> Result {
    if has_version(root, "cargo-deny", CARGO_DENY_VERSION) {
        return Ok(());
    }
    install(&format!("cargo-deny {CARGO_DENY_VERSION} with cargo install"), "about 10 minutes, once", || {
        cmd::run(cargo(root).args(["install", "cargo-deny", "--version", CARGO_DENY_VERSION, "--locked"]))
    })
}

/// `end2end/node_modules`: playwright-core for the browser tests and
/// binaryen's `wasm-opt` for the client build. Installed with `npm ci` when
/// missing or older than `end2end/package-lock.json`.
pub(crate) fn ensure_npm_packages(root: &Path) -> Result {
    let end2end = root.join("end2end");
    // npm ci writes node_modules/.package-lock.json last: its time is when the install finished.
    let installed = modified(&end2end.join("node_modules/.package-lock.json"));
    let lock = modified(&end2end.join("package-lock.json"));
    let fresh = matches!((installed, lock), (Some(installed), Some(lock)) if installed >= lock);
    if fresh && npm_bin(root).join("wasm-opt").is_file() {
        return Ok(());
    }
    install("the npm packages of end2end/ (playwright-core, binaryen) with npm ci", "about 1 minute", || {
        cmd::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&end2end))
    })
}

/// `moto_server` from PyPI `moto[server]`, in a virtualenv cached at
/// `~/.cache/trayforge/moto-venv`; returns the path of `moto_server`, which
/// the blob tests read from `TRAYFORGE_MOTO_SERVER`.
pub(crate) fn ensure_moto() -> Result<PathBuf> {
    let venv = ensure_python_packages("moto-venv", &[("moto[server]", MOTO_VERSION)], "about 1 minute, once")?;
    let moto_server = venv.join("bin/moto_server");
    if moto_server.is_file() {
        Ok(moto_server)
    } else {
        Err(format!("moto was installed but {} is missing", moto_server.display()))
    }
}

/// `schemathesis` from PyPI, in a virtualenv cached at
/// `~/.cache/trayforge/schemathesis-venv`; returns the path of the program.
pub(crate) fn ensure_schemathesis() -> Result<PathBuf> {
    let venv =
        ensure_python_packages("schemathesis-venv", &[("schemathesis", SCHEMATHESIS_VERSION)], "about 1 minute, once")?;
    let program = venv.join("bin/schemathesis");
    if program.is_file() {
        Ok(program)
    } else {
        Err(format!("schemathesis was installed but {} is missing", program.display()))
    }
}

/// The Python of a virtualenv holding trimesh and what its capped
/// `slice_plane` needs (shapely and mapbox_earcut for the cap polygons,
/// networkx, scipy and rtree for its graph and nearest-point steps): the
/// anchor of `cargo xtask bench prep`.
pub(crate) fn ensure_trimesh() -> Result<PathBuf> {
    let venv = ensure_python_packages("trimesh-venv", TRIMESH_PACKAGES, "about 2 minutes, once")?;
    Ok(venv.join("bin/python"))
}

/// A virtualenv at `~/.cache/trayforge/<name>` (made with `python3 -m
/// venv`) holding exactly these PyPI `(requirement, version)` pairs,
/// installed with its pip when one is missing or at another version.
fn ensure_python_packages(name: &str, packages: &[(&str, &str)], takes: &str) -> Result<PathBuf> {
    let home = std::env::var_os("HOME").ok_or("HOME is not set: cannot place the Python virtualenvs")?;
    let venv = PathBuf::from(home).join(".cache/trayforge").join(name);
    let pip = venv.join("bin/pip");
    let installed = cmd::output(Command::new(&pip).args(["list", "--format=freeze"])).unwrap_or_default();
    let has = |requirement: &str, version: &str| {
        // `moto[server]` is listed as `moto`; pip lists names in any case, `_` as `-`.
        let name = requirement.split('[').next().unwrap_or(requirement).to_lowercase().replace('_', "-");
        installed.lines().any(|line| line.to_lowercase().replace('_', "-") == format!("{name}=={version}"))
    };
    if packages.iter().all(|(requirement, version)| has(requirement, version)) {
        return Ok(venv);
    }
    let pins: Vec<String> = packages.iter().map(|(requirement, version)| format!("{requirement}=={version}")).collect();
    install(&format!("{} with pip into {}", pins.join(" "), venv.display()), takes, || {
        cmd::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        cmd::run(Command::new(&pip).args(["install", "--disable-pip-version-check", "--quiet"]).args(&pins))
    })?;
    Ok(venv)
}

/// A Debian package, installed with apt-get when `probe` does not exist.
pub(crate) fn ensure_apt_package(probe: &Path, package: &str, takes: &str) -> Result {
    if probe.exists() {
        return Ok(());
    }
    install_apt_package(package, takes)
}

pub(crate) fn install_apt_package(package: &str, takes: &str) -> Result {
    install(&format!("Debian's {package} with apt-get"), takes, || {
        cmd::run(Command::new("apt-get").arg("update"))?;
        cmd::run(Command::new("apt-get").args(["install", "-y", package]).env("DEBIAN_FRONTEND", "noninteractive"))
    })
}

/// The folder holding binaryen's `wasm-opt` (npm).
pub(crate) fn npm_bin(root: &Path) -> PathBuf {
    root.join("end2end/node_modules/.bin")
}

/// `PATH` for the client tools: npm's `wasm-opt` first, then what
/// `cargo install` installed, then the rest.
pub(crate) fn tool_path(root: &Path) -> std::ffi::OsString {
    let mut first = vec![npm_bin(root)];
    first.extend(cmd::cargo_bin());
    cmd::path_with(&first)
}

/// Whether `program --version` names exactly `version` ("trunk 0.21.14").
fn has_version(root: &Path, program: &str, version: &str) -> bool {
    cmd::output(Command::new(program).arg("--version").env("PATH", tool_path(root)))
        .is_some_and(|text| names_version(&text, version))
}

fn names_version(text: &str, version: &str) -> bool {
    text.split_whitespace().any(|word| word.trim_start_matches('v') == version)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn install(what: &str, takes: &str, install: impl FnOnce() -> Result) -> Result {
    println!("==> installing {what} ({takes})");
    let started = Instant::now();
    install().map_err(|e| format!("installing {what} failed: {e}"))?;
    println!("==> installed {what} in {}", cmd::duration(started.elapsed()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::names_version;

    #[test]
    fn versions_match_exactly() {
        assert!(names_version("trunk 0.21.14\n", "0.21.14"));
        assert!(names_version("wasm-bindgen 0.2.130\n", "0.2.130"));
        assert!(!names_version("wasm-bindgen 0.2.1301\n", "0.2.130"));
        assert!(!names_version("trunk 0.22.0\n", "0.21.14"));
    }
}
