//! `cargo xtask test api`: Schemathesis against the real server, so the
//! OpenAPI document and the server are held to each other — every request
//! the document allows is taken, every one it forbids refused, every answer
//! is one it lists (status, content type, headers, body schema), and the
//! links between operations lead a stateful run from a new case to its
//! uploads, prepare runs, exports and downloads.
//!
//! The stage starts `target/debug/trayforge serve` on a free port with a
//! temporary data folder (SQLite), makes the owner with `create-admin`,
//! signs in and creates an API token with every scope through the API, as
//! a client would, and runs Schemathesis with that token; then the same on
//! a throwaway PostgreSQL. It fails on any failure Schemathesis reports.
//!
//! The token reaches every operation a token may call; the operations only
//! a signed-in person may call (people, tokens, webhooks, the audit log)
//! answer it 403, as documented, and are not driven further here (the
//! authorization matrix in `server/tests/it` drives them). The settings
//! Schemathesis reads from a file are in `xtask/schemathesis/`, its hooks
//! (what JSON Schema cannot say: model files, HEIC headers, "not after
//! today") in `hooks.py` there.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::cmd::Result;
use crate::postgres::Cluster;
use crate::serve::{Server, api_token};
use crate::tools;

/// Cases per operation and phase. About 80 s a database on two cores.
const MAX_EXAMPLES: &str = "100";
/// Fixed, so a failure reproduces with the same command; change it to explore.
const SEED: &str = "20261208";

pub(crate) fn prepare(_: &Path) -> Result {
    tools::ensure_schemathesis().map(|_| ())
}

pub(crate) fn run(root: &Path) -> Result {
    let bin = root.join("target/debug/trayforge");
    if !bin.is_file() {
        return Err(format!("{} is missing: run the `server` stage first", bin.display()));
    }
    let schemathesis = tools::ensure_schemathesis()?;
    let mut cases = Vec::new();
    println!("  --- SQLite");
    cases.push(("SQLite", against(root, &bin, &schemathesis, None)?));
    println!("  --- PostgreSQL");
    // Stopped and removed when dropped, whatever happens.
    let cluster = Cluster::start()?;
    cases.push(("PostgreSQL", against(root, &bin, &schemathesis, Some(&cluster.url))?));
    for (database, summary) in &cases {
        println!("  api on {database}: {summary}");
    }
    Ok(())
}

/// One server (SQLite in its data folder, or `database_url`) and one
/// Schemathesis run against it; its summary line (`N generated, N passed`).
fn against(root: &Path, bin: &Path, schemathesis: &Path, database_url: Option<&str>) -> Result<String> {
    let server = Server::start(bin, database_url)?;
    let token = api_token(&server.address)?;
    let document = format!("http://{}/api/v1/openapi.json", server.address);
    let folder = root.join("xtask/schemathesis");
    let mut command = Command::new(schemathesis);
    command
        .current_dir(&folder)
        // `hooks = "hooks"` in the settings file imports hooks.py from here.
        .env("PYTHONPATH", &folder)
        .args(["--config-file", "schemathesis.toml", "--no-color", "run", &document])
        // Every check: server errors, statuses, content types, headers and
        // bodies against the document, schema-valid requests taken and
        // schema-invalid ones refused, auth, methods, links.
        .args(["--checks", "all"])
        // Every phase: the document's examples, the boundaries of each
        // constraint, random requests, and sequences that follow the links.
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        // A client's credentials, as a client gets them (see `api_token`).
        .args(["--header", &format!("Authorization: Bearer {token}")])
        // Bounds the run (the stage's time), and makes it repeatable.
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
        // Nothing written under the repository between runs.
        .args(["--generation-database", "none"]);
    let summary = run_reporting(&mut command);
    let log = server.stop();
    match summary {
        Ok(summary) => Ok(summary),
        Err(message) => {
            println!("  the server's log:\n{log}");
            Err(message)
        }
    }
}

/// Runs Schemathesis with its output shown as it comes; `Ok` with its
/// `N generated, …` line when it exits 0.
fn run_reporting(command: &mut Command) -> Result<String> {
    println!("  $ {command:?}");
    let mut child = command.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot start schemathesis: {e}"))?;
    let mut summary = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(std::io::Result::ok) {
            println!("{line}");
            if line.contains(" generated, ") {
                summary = line.trim().to_owned();
            }
        }
    }
    let status = child.wait().map_err(|e| format!("schemathesis did not finish: {e}"))?;
    if status.success() { Ok(summary) } else { Err(format!("schemathesis found failures ({status}): {summary}")) }
}
