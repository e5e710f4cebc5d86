//! `cargo xtask bench mesh|prep|app`: the benchmarks, each printing its
//! figures (the mesh ones a `ratio=` against an anchor run side by side on
//! the same input).
//!
//! `mesh`: natively, our readers against stl_io 0.11
//! (`mesh-core/benches/mesh.rs`); in headless Chromium, our wasm reader
//! against three.js (`end2end/bench/mesh.mjs`). The 400k-triangle torus
//! inputs are made once by the corpus's `make_synthetic.py --large` into
//! `target/bench-inputs/`.
//!
//! `prep`: the plane cut with cap against trimesh's `slice_plane(…,
//! cap=True)` (`mesh-core/benches/prep.rs`, which runs
//! `mesh-core/benches/prep_trimesh.py` in trimesh's virtualenv and takes
//! turns with it), the flat base on an arch, and a label on that base;
//! then in headless Chromium (`end2end/bench/prepare.mjs`) the same cut of
//! the same 1M-triangle torus and the whole default recipe on the same
//! 256k-triangle arch, in wasm; and the default recipe on the realistic
//! corpus's open scan (149k) and plan of gum and teeth (205k). Natively,
//! also the union of that plan against Manifold's C++ (`union_manifold.py`).
//!
//! `server` and `soak`: the server under load (`load.rs`).
//!
//! `app`: the client in headless Chromium (`end2end/bench/app.mjs`): a
//! 22 MB file dropped on Inspect to its first frame, the main thread's long
//! tasks during a 30-file plan import, and the wasm sizes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, Result, cargo};
use crate::{corpus, load, root, test, tools};

pub(crate) const USAGE: &str = "cargo xtask bench mesh|prep|app|server|soak";

pub(crate) fn bench(args: &[String]) -> Result {
    match args {
        [] => mesh(&root()),
        [what] if what == "mesh" => mesh(&root()),
        [what] if what == "prep" => prep(&root()),
        [what] if what == "app" => app(&root()),
        [what] if what == "server" => load::server(&root()),
        [what] if what == "soak" => load::soak(&root()),
        _ => Err(format!("usage: {USAGE}")),
    }
}

fn prep(root: &Path) -> Result {
    let python = tools::ensure_trimesh()?;
    let anchor = root.join("mesh-core/benches/prep_trimesh.py");
    let union_anchor = root.join("mesh-core/benches/union_manifold.py");
    let arch = corpus(root).join("public/dental/ref_upper_tag0.stl");
    let realistic = corpus(root).join("realistic");
    let inputs = root.join("target/bench-inputs");
    std::fs::create_dir_all(&inputs).map_err(|e| format!("cannot create {}: {e}", inputs.display()))?;
    println!(
        "==> native: plane cut with cap against trimesh, flat base, label (cargo bench -p mesh-core --bench prep)"
    );
    cmd::run(cargo(root).args(["bench", "-p", "mesh-core", "--bench", "prep", "--"]).args([
        &python,
        &anchor,
        &union_anchor,
        &arch,
        &realistic,
        &inputs,
    ]))?;
    println!("==> browser: plane cut with cap and the whole recipe in wasm (npm run bench:prepare in end2end/)");
    let mut bench = browser_bench(root, "bench:prepare")?;
    cmd::run(bench.args([
        inputs.join("torus_1m_binary.stl"),
        inputs.join("arch_256k_binary.stl"),
        realistic.join("lower_scan_open.stl"),
        realistic.join("upper_plan_shells.stl"),
    ]))
}

fn mesh(root: &Path) -> Result {
    let (torus_binary, torus_ascii) = torus(root)?;
    let arch = corpus(root).join("public/dental/ref_upper_tag0.stl");

    println!("==> native: mesh-core against stl_io 0.11 (cargo bench -p mesh-core --bench mesh)");
    cmd::run(cargo(root).args(["bench", "-p", "mesh-core", "--bench", "mesh", "--"]).args([
        &torus_binary,
        &torus_ascii,
        &arch,
    ]))?;

    println!("==> browser: mesh-core in wasm against three.js (npm run bench:mesh in end2end/)");
    let mut bench = browser_bench(root, "bench:mesh")?;
    cmd::run(bench.args([&torus_binary, &arch]))
}

fn app(root: &Path) -> Result {
    println!("==> browser: the client (npm run bench:app in end2end/)");
    let mut bench = browser_bench(root, "bench:app")?;
    cmd::run(bench.env("TRAYFORGE_BENCH_INPUTS", root.join("target/bench-inputs")))
}

/// The built client and release server, and `npm run SCRIPT --` in
/// `end2end/` with their paths in its environment.
fn browser_bench(root: &Path, script: &str) -> Result<Command> {
    tools::ensure_client_tools(root)?;
    test::prepare_e2e(root)?;
    test::trunk(root)?;
    cmd::run(cargo(root).args(["build", "--release", "-p", "trayforge-server"]))?;
    let mut command = Command::new("npm");
    command
        .args(["run", "--silent", script, "--"])
        .current_dir(root.join("end2end"))
        .env("TRAYFORGE_BIN", root.join("target/release/trayforge"))
        .env("TRAYFORGE_DIST", root.join("dist"))
        .env("TRAYFORGE_CORPUS", corpus(root));
    Ok(command)
}

/// The 400k-triangle torus as binary and ASCII STL, made if missing.
fn torus(root: &Path) -> Result<(PathBuf, PathBuf)> {
    let dir = root.join("target/bench-inputs");
    let binary = dir.join("torus_400k_binary.stl");
    let ascii = dir.join("torus_400k_ascii.stl");
    if !binary.is_file() || !ascii.is_file() {
        println!("==> making the 400k-triangle torus (make_synthetic.py --large, about 20 s, once)");
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        cmd::run(Command::new("python3").arg(corpus(root).join("make_synthetic.py")).arg("--large").arg(&dir))?;
    }
    Ok((binary, ascii))
}
