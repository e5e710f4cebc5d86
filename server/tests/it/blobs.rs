//! The blob store, on a local folder and on S3 (a real `moto_server` on
//! 127.0.0.1): streamed round trips, deduplication, limits, interrupted
//! uploads, concurrent uploads, and memory while streaming.
//!
//! The S3 tests need `moto_server`: `TRAYFORGE_MOTO_SERVER` names it
//! (`cargo xtask test` installs moto and sets it), else the one in
//! `~/.cache/trayforge/moto-venv` is used when present; without either the
//! tests fail saying so, rather than pass without S3.

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use trayforge_server::storage::blobs::S3Location;
use trayforge_server::storage::{BlobError, BlobLocation, BlobStore};

const MB: usize = 1000 * 1000;
const CHUNK: usize = 64 * 1024;

/// A store under test and what keeps it alive (a temp folder, a moto process).
struct TestStore {
    store: BlobStore,
    /// The local folder, walked directly: the store's own listing hides staged files.
    dir: Option<PathBuf>,
    guard: StoreGuard,
}

#[allow(dead_code)] // Held for their Drop.
enum StoreGuard {
    Dir(TempDir),
    Moto(Moto),
}

impl TestStore {
    /// Every object in the store, and for a folder every file under it.
    async fn everything(&self) -> Vec<String> {
        let mut found = self.store.keys().await.unwrap();
        if let Some(dir) = &self.dir {
            found.extend(files_under(dir).into_iter().map(|f| format!("file {}", f.display())));
        }
        found
    }

    /// What the S3 server printed lately; empty for a folder.
    fn server_log(&self) -> String {
        match &self.guard {
            StoreGuard::Moto(moto) => format!("\nmoto_server printed:\n{}", moto.log_tail()),
            StoreGuard::Dir(_) => String::new(),
        }
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(files_under(&path)) } else { files.push(path) }
    }
    files
}

async fn local_store(limit: u64) -> TestStore {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("blobs");
    let store = BlobStore::open(&BlobLocation::Local { dir: dir.clone() }, limit).await.unwrap();
    TestStore { store, dir: Some(dir), guard: StoreGuard::Dir(temp) }
}

async fn s3_store(limit: u64) -> TestStore {
    let moto = Moto::start();
    let bucket = "trayforge-test";
    moto.create_bucket(bucket).await;
    let store = BlobStore::open(&BlobLocation::S3(moto.location(bucket)), limit).await.unwrap();
    TestStore { store, dir: None, guard: StoreGuard::Moto(moto) }
}

/// The same story runs on each backend.
async fn stores(limit: u64) -> Vec<TestStore> {
    vec![local_store(limit).await, s3_store(limit).await]
}

/// Deterministic bytes that do not compress or repeat (xorshift), distinct per `seed`.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` as a body arriving in 64 KiB chunks.
fn body(bytes: &[u8]) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    let chunks: Vec<Result<Bytes, io::Error>> = bytes.chunks(CHUNK).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    futures_util::stream::iter(chunks)
}

/// A body of `len` bytes made as it is read, so the test itself holds none of it.
fn generated_body(len: usize) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    let pattern = content(CHUNK, 7);
    futures_util::stream::iter((0..len.div_ceil(CHUNK)).map(move |index| {
        let mut chunk = pattern.clone();
        chunk[..8].copy_from_slice(&(index as u64).to_le_bytes());
        chunk.truncate((len - index * CHUNK).min(CHUNK));
        Ok(Bytes::from(chunk))
    }))
}

async fn read_all(store: &BlobStore, sha256: &trayforge_server::storage::BlobHash) -> Vec<u8> {
    let stream = store.get(sha256).await.unwrap();
    stream
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_20_mb_stream_comes_back_identical_under_its_sha256() {
    let bytes = content(20 * MB, 1);
    for test in stores(300 * MB as u64).await {
        let blob = test.store.put_stream(body(&bytes), 300 * MB as u64).await.unwrap();
        assert_eq!(blob.sha256.as_str(), sha256_hex(&bytes), "{}", test.store.name());
        assert_eq!(blob.size, bytes.len() as u64);
        assert!(test.store.exists(&blob.sha256).await.unwrap());
        let back = read_all(&test.store, &blob.sha256).await;
        assert_eq!(sha256_hex(&back), blob.sha256.as_str(), "{}", test.store.name());
        let keys = test.store.keys().await.unwrap();
        assert_eq!(keys, [format!("sha256/{}/{}", &blob.sha256.as_str()[..2], blob.sha256)], "{}", test.store.name());
    }
}

#[tokio::test]
async fn identical_content_is_stored_once() {
    for test in stores(100 * MB as u64).await {
        let first = test.store.put_stream(body(&content(6 * MB, 2)), 100 * MB as u64).await.unwrap();
        let again = test.store.put_stream(body(&content(6 * MB, 2)), 100 * MB as u64).await.unwrap();
        let other = test.store.put_stream(body(&content(6 * MB, 3)), 100 * MB as u64).await.unwrap();
        assert_eq!(first, again, "{}", test.store.name());
        assert_ne!(first.sha256, other.sha256);
        assert_eq!(test.store.keys().await.unwrap().len(), 2, "{}", test.store.name());
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_leaves_nothing() {
    let limit = 10 * MB as u64;
    for test in stores(limit).await {
        let error = test.store.put_stream(body(&content(20 * MB, 4)), limit).await.unwrap_err();
        assert!(matches!(error, BlobError::TooLarge { limit: l } if l == limit), "{}: {error}", test.store.name());
        assert!(error.to_string().contains("max_upload_bytes"), "{error}");
        assert_eq!(test.everything().await, Vec::<String>::new(), "{}", test.store.name());

        let exactly = test.store.put_stream(body(&content(10 * MB, 4)), limit).await.unwrap();
        assert_eq!(exactly.size, limit, "{}", test.store.name());
    }
}

#[tokio::test]
async fn an_upload_that_fails_midway_leaves_nothing() {
    for test in stores(100 * MB as u64).await {
        // 12 MB arrive (two full parts already sent on S3), then the connection drops.
        let arrived = body(&content(12 * MB, 5));
        let broken = arrived.chain(futures_util::stream::once(async {
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "the client went away"))
        }));
        let error = test.store.put_stream(broken, 100 * MB as u64).await.unwrap_err();
        assert!(matches!(error, BlobError::Interrupted { .. }), "{}: {error}", test.store.name());
        assert!(error.to_string().contains("the client went away"), "{error}");
        assert_eq!(test.everything().await, Vec::<String>::new(), "{}", test.store.name());
    }
}

#[tokio::test]
async fn concurrent_uploads_of_the_same_content_give_one_blob() {
    let bytes = content(6 * MB, 6);
    for test in stores(100 * MB as u64).await {
        let uploads = (0..6).map(|_| test.store.put_stream(body(&bytes), 100 * MB as u64));
        let blobs: Vec<_> = futures_util::future::join_all(uploads).await.into_iter().map(Result::unwrap).collect();
        assert!(blobs.iter().all(|blob| *blob == blobs[0]), "{}: {blobs:?}", test.store.name());
        assert_eq!(test.everything().await.len(), if test.dir.is_some() { 2 } else { 1 }, "{}", test.store.name());
        assert_eq!(sha256_hex(&read_all(&test.store, &blobs[0].sha256).await), blobs[0].sha256.as_str());
    }
}

#[tokio::test]
async fn a_deleted_blob_is_gone_and_an_unknown_one_is_not_found() {
    for test in stores(100 * MB as u64).await {
        let blob = test.store.put_stream(body(b"a small photo"), 100).await.unwrap();
        test.store.delete(&blob.sha256).await.unwrap();
        assert!(!test.store.exists(&blob.sha256).await.unwrap());
        test.store.delete(&blob.sha256).await.unwrap();
        let error = test.store.get(&blob.sha256).await.err().unwrap();
        assert!(matches!(error, BlobError::NotFound { .. }), "{}: {error}", test.store.name());
        assert_eq!(test.everything().await, Vec::<String>::new(), "{}", test.store.name());
    }
}

#[tokio::test]
async fn a_missing_bucket_is_named_at_open() {
    let moto = Moto::start();
    let error = BlobStore::open(&BlobLocation::S3(moto.location("no-such-bucket")), 100).await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("does not exist") && message.contains("[blobs] bucket"), "{message}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_named_at_open() {
    let port = free_port();
    let location = S3Location { endpoint: format!("http://127.0.0.1:{port}"), ..Moto::credentials("tf", port) };
    let error = BlobStore::open(&BlobLocation::S3(location), 100).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!("cannot reach the blob store s3 bucket tf at http://127.0.0.1:{port}")),
        "{message}"
    );
    assert!(message.contains("[blobs] endpoint"), "{message}");
}

/// Peak memory of a 200 MB upload, measured in a process of its own (this
/// test binary run again for [`rss_probe_of_a_200_mb_upload`]) so that the
/// other tests' memory does not count.
#[test]
fn streaming_200_mb_grows_memory_by_less_than_30_mb() {
    for backend in ["local", "s3"] {
        let output = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "blobs::rss_probe_of_a_200_mb_upload", "--nocapture", "--test-threads=1"])
            .env(PROBE_VARIABLE, backend)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        // The figure follows the harness's `test … ` on the same line.
        let growth: u64 = stdout
            .split("rss_growth_kb=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("the probe printed no figure: {stdout}"))
            .parse()
            .unwrap();
        eprintln!("{backend}: streaming 200 MB through put_stream grew the peak RSS by {growth} kB");
        assert!(growth < 30 * 1000, "{backend}: peak RSS grew by {growth} kB while streaming 200 MB");
    }
}

const PROBE_VARIABLE: &str = "TRAYFORGE_BLOB_RSS_PROBE";

/// Does its work only when run by [`streaming_200_mb_grows_memory_by_less_than_30_mb`].
#[test]
fn rss_probe_of_a_200_mb_upload() {
    let Ok(backend) = std::env::var(PROBE_VARIABLE) else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let limit = 300 * MB as u64;
        let test = if backend == "s3" { s3_store(limit).await } else { local_store(limit).await };
        // Warm up allocator, TLS-free client and runtime with a small upload first.
        let stored = async |size| {
            let result = test.store.put_stream(generated_body(size), limit).await;
            result.unwrap_or_else(|e| panic!("storing {size} bytes: {e}{}", test.server_log()))
        };
        stored(6 * MB).await;
        let before = status_kb("VmRSS");
        let blob = stored(200 * MB).await;
        let peak = status_kb("VmHWM");
        assert_eq!(blob.size, 200 * MB as u64);
        println!("rss_growth_kb={}", peak.saturating_sub(before));
    });
}

/// A `kB` line of `/proc/self/status` (`VmRSS`: now, `VmHWM`: the peak).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|line| line.starts_with(&format!("{field}:"))).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `moto_server` on 127.0.0.1 and a free port, killed when dropped.
struct Moto {
    child: Child,
    port: u16,
    /// What moto printed after its banner, for messages when a request fails.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    fn executable() -> PathBuf {
        if let Some(path) = std::env::var_os("TRAYFORGE_MOTO_SERVER") {
            return PathBuf::from(path);
        }
        let cached = std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".cache/trayforge/moto-venv/bin/moto_server"))
            .filter(|path| path.is_file());
        cached.unwrap_or_else(|| {
            panic!(
                "the S3 tests need moto_server: run `cargo xtask test` (it installs moto into \
                 ~/.cache/trayforge/moto-venv), or set TRAYFORGE_MOTO_SERVER to a moto_server executable"
            )
        })
    }

    fn start() -> Moto {
        let executable = Moto::executable();
        let port = free_port();
        let mut child = Command::new(&executable)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Objects stay in moto's memory instead of spilling to temporary
            // files, so the S3 tests do not depend on free disk space.
            .env("MOTO_S3_DEFAULT_KEY_BUFFER_SIZE", (1u64 << 30).to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
        // moto says ` * Running on http://…` on stderr once it listens. The
        // reader keeps draining stderr afterwards (one line per request), so
        // the pipe never fills and stalls the server.
        let stderr = child.stderr.take().expect("stderr is piped");
        let (listening, ready) = std::sync::mpsc::channel();
        let log = std::sync::Arc::<std::sync::Mutex<Vec<String>>>::default();
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("Running on") {
                    let _ = listening.send(());
                }
                let mut kept = kept.lock().unwrap();
                if kept.len() == 200 {
                    kept.remove(0);
                }
                kept.push(line);
            }
        });
        let moto = Moto { child, port, log };
        ready
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("moto_server did not say it listens on {port} within 60 s"));
        moto
    }

    /// The last lines moto printed (its tracebacks name why a request got a 500).
    fn log_tail(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    fn credentials(bucket: &str, port: u16) -> S3Location {
        S3Location {
            bucket: bucket.to_owned(),
            endpoint: format!("http://127.0.0.1:{port}"),
            region: "us-east-1".to_owned(),
            access_key_id: "testing".to_owned(),
            secret_access_key: "testing".to_owned(),
            allow_http: true,
        }
    }

    fn location(&self, bucket: &str) -> S3Location {
        Moto::credentials(bucket, self.port)
    }

    async fn create_bucket(&self, bucket: &str) {
        let response =
            reqwest::Client::new().put(format!("http://127.0.0.1:{}/{bucket}", self.port)).send().await.unwrap();
        assert!(response.status().is_success(), "creating the bucket: {}", response.status());
    }
}

#[tokio::test]
async fn temporaries_older_than_a_day_are_swept_and_younger_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&BlobLocation::Local { dir: dir.path().to_owned() }, 1 << 20).await.unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    for stale in ["0123abcd", "4567ef01#1"] {
        let file = std::fs::File::create(tmp.join(stale)).unwrap();
        file.set_modified(two_days_ago).unwrap();
    }
    std::fs::write(tmp.join("89abcdef"), b"an upload in flight").unwrap();

    assert_eq!(store.sweep_temporaries(Duration::from_secs(24 * 3600)).await.unwrap(), 2);
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["89abcdef"]);
}
