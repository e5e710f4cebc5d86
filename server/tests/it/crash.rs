//! The real server killed with SIGKILL (a power cut, the OOM killer) in the
//! middle of work, then started again on the same data folder: nothing
//! half-done is visible, nothing answered as done is lost, and work in
//! progress is finished once.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trayforge_server::storage::Database;

use crate::process::{ServerProcess, Signed};
use crate::support::{corpus, wait_for};

const UPLOADS: usize = 100;
const PHOTO_BYTES: usize = 1 << 20;

/// A JPEG of `PHOTO_BYTES` unlike any other (`seed`), and its SHA-256.
fn photo(seed: u64) -> (Vec<u8>, String) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    while bytes.len() < PHOTO_BYTES {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    let hash = hex(&Sha256::digest(&bytes));
    (bytes, hash)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `bytes` sent in 64 kB chunks a few milliseconds apart, so that many
/// uploads are in flight at once.
fn slow_body(bytes: Vec<u8>) -> reqwest::Body {
    let chunks: Vec<Vec<u8>> = bytes.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
    let stream = futures_util::stream::unfold(chunks.into_iter(), |mut chunks| async move {
        let chunk = chunks.next()?;
        tokio::time::sleep(Duration::from_millis(5)).await;
        Some((Ok::<_, std::io::Error>(chunk), chunks))
    });
    reqwest::Body::wrap_stream(stream)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() { files_under(&path) } else { vec![path] }
        })
        .collect()
}

async fn database(server: &ServerProcess) -> Database {
    let url = format!("sqlite://{}", server.dir.path().join("data/trayforge.db").display());
    Database::connect(&url).await.unwrap()
}

async fn sqlite_rows(db: &Database, sql: &'static str) -> Vec<String> {
    let Database::Sqlite(pool) = db else { unreachable!("the process tests run on SQLite") };
    sqlx::query_scalar(sql).fetch_all(pool).await.unwrap()
}

#[tokio::test]
async fn killed_during_a_hundred_uploads_it_restarts_with_no_partial_blob_and_every_answered_upload_readable() {
    let mut server = ServerProcess::start(&[]);
    let owner = server.sign_in().await;
    let case: Value =
        owner.request(Method::POST, "/cases").json(&json!({})).send().await.unwrap().json().await.unwrap();
    let photos = format!("/cases/{}/photos", case["id"].as_str().unwrap());

    let answered = Arc::new(AtomicUsize::new(0));
    let uploads: Vec<_> = (0..UPLOADS as u64)
        .map(|seed| {
            let (owner, photos, answered) = (owner.clone(), photos.clone(), Arc::clone(&answered));
            tokio::spawn(async move {
                let (bytes, hash) = photo(seed);
                let sent = owner.request(Method::POST, &photos).body(slow_body(bytes)).send().await;
                let created = match sent {
                    Ok(response) if response.status() == 201 => {
                        let file: Value = response.json().await.unwrap_or_default();
                        file["id"].as_str().map(|id| (id.to_owned(), hash))
                    }
                    _ => None,
                };
                answered.fetch_add(1, Ordering::SeqCst);
                created
            })
        })
        .collect();
    wait_for("a third of the uploads to be answered", || async {
        (answered.load(Ordering::SeqCst) >= UPLOADS / 3).then_some(())
    })
    .await;
    server.kill();
    let mut created = Vec::new();
    for upload in uploads {
        created.extend(upload.await.unwrap());
    }
    assert!(
        !created.is_empty() && created.len() < UPLOADS,
        "{} of {UPLOADS} were created before the kill",
        created.len()
    );
    let blobs = server.dir.path().join("data/blobs");
    let left_behind = files_under(&blobs.join("tmp")).len();

    server.serve();
    // Temporaries of the cut uploads are gone at start.
    assert_eq!(
        files_under(&blobs.join("tmp")),
        Vec::<std::path::PathBuf>::new(),
        "{left_behind} were left by the kill"
    );
    // Every blob holds what its name says: none is partial.
    let stored = files_under(&blobs.join("sha256"));
    for blob in &stored {
        let name = blob.file_name().unwrap().to_str().unwrap();
        assert_eq!(hex(&Sha256::digest(std::fs::read(blob).unwrap())), name, "{}", blob.display());
    }
    // Every row names a stored blob, and the database is sound.
    let db = database(&server).await;
    let names: BTreeSet<String> =
        stored.iter().map(|blob| blob.file_name().unwrap().to_str().unwrap().to_owned()).collect();
    for sha256 in sqlite_rows(&db, "SELECT sha256 FROM case_files").await {
        assert!(names.contains(&sha256), "a row names the missing blob {sha256}");
    }
    assert_eq!(sqlite_rows(&db, "PRAGMA integrity_check").await, ["ok"]);
    db.close().await;
    // Every upload answered 201 is there, whole.
    let owner = server.sign_in().await;
    for (id, hash) in &created {
        let content = owner.request(Method::GET, &format!("/files/{id}/content")).send().await.unwrap();
        assert_eq!(content.status(), 200);
        assert_eq!(&hex(&Sha256::digest(content.bytes().await.unwrap())), hash);
    }
    eprintln!(
        "killed with {} of {UPLOADS} uploads created and {left_behind} temporaries left; after restart all {} \
         readable, {} blobs whole",
        created.len(),
        created.len(),
        stored.len()
    );
}

async fn run_of(owner: &Signed, case_id: &str, run_id: &str) -> Value {
    let run = owner.request(Method::GET, &format!("/cases/{case_id}/prepare/{run_id}")).send().await.unwrap();
    assert_eq!(run.status(), 200);
    run.json().await.unwrap()
}

#[tokio::test]
async fn killed_during_a_prepare_run_it_resumes_and_prepares_each_stage_once() {
    // Short leases, so that the dead worker's job is taken again soon after the restart.
    let settings = [("TRAYFORGE__JOBS__LEASE_SECS", "3"), ("TRAYFORGE__JOBS__POLL_INTERVAL_MS", "100")];
    let mut server = ServerProcess::start(&settings);
    let owner = server.sign_in().await;
    let case: Value =
        owner.request(Method::POST, "/cases").json(&json!({})).send().await.unwrap().json().await.unwrap();
    let case_id = case["id"].as_str().unwrap().to_owned();
    let stages = ["upper/0", "upper/1", "lower/0"];
    for stage in stages {
        let arch = stage.split('/').next().unwrap();
        let bytes = std::fs::read(corpus(&format!("public/dental/ref_{arch}_tag0.stl"))).unwrap();
        let path = format!("/cases/{case_id}/stages/{stage}/models");
        assert_eq!(owner.request(Method::POST, &path).body(bytes).send().await.unwrap().status(), 201);
    }
    let recipe =
        json!({ "recipe": { "repair": true, "base": { "cut_height_mm": 1.0, "base_height_mm": 3.0 }, "label": null } });
    let started = owner.request(Method::POST, &format!("/cases/{case_id}/prepare")).json(&recipe).send().await.unwrap();
    assert_eq!(started.status(), 202, "{}", started.text().await.unwrap());
    let run_id = started.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    wait_for("the first stage to be prepared", || async {
        let run = run_of(&owner, &case_id, &run_id).await;
        (run["done"].as_u64() >= Some(1)).then_some(())
    })
    .await;
    server.kill();

    server.serve();
    let owner = server.sign_in().await;
    let run = wait_for("the run to finish after the restart", || async {
        let run = run_of(&owner, &case_id, &run_id).await;
        (run["status"] != "running" && run["status"] != "queued").then_some(run)
    })
    .await;
    assert_eq!((run["status"].as_str(), run["done"].as_u64()), (Some("done"), Some(3)), "{run}");
    let case: Value =
        owner.request(Method::GET, &format!("/cases/{case_id}")).send().await.unwrap().json().await.unwrap();
    for stage in case["stages"].as_array().unwrap() {
        let prepared = stage["models"].as_array().unwrap().iter().filter(|m| !m["prepared_from"].is_null()).count();
        assert_eq!(prepared, 1, "one prepared version of {} {}", stage["arch"], stage["index"]);
    }
}
