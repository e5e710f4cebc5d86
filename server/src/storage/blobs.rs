//! The blob store: files (model versions, photos, exports) kept by the
//! SHA-256 of their content, in a local folder or an S3-compatible bucket,
//! through `object_store`.
//!
//! Layout under the store's root:
//! - `sha256/<first two hex digits>/<64 hex digits>` — a complete blob;
//! - `tmp/<uuid>` — an upload in progress.
//!
//! **Invariant:** a blob is visible under its hash only when complete and
//! hashed. An upload streams into `tmp/<uuid>` (multipart, so the body is
//! never held whole in memory) while it is hashed; only after the last byte
//! is written is it moved to its final key, and when that key already
//! exists the temporary is dropped (identical content is stored once). An
//! upload that is too large, fails or is interrupted is aborted and leaves
//! no object behind; one cut short by a crash leaves at most a temporary.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{BackoffConfig, ObjectStore, ObjectStoreExt, RetryConfig, WriteMultipart};
use sha2::{Digest, Sha256};

/// Part size of a streamed upload: S3 needs at least 5 MiB for every part but the last.
const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts in flight at once; with the part being filled this bounds an upload's memory to about 3 parts.
const PARTS_IN_FLIGHT: usize = 2;

/// Where blobs are kept, as built from `[blobs]` (see `config.rs`).
#[derive(Debug, Clone)]
pub enum BlobLocation {
    /// A folder on this machine, created when missing.
    Local { dir: PathBuf },
    /// A bucket on S3 or an S3-compatible service.
    S3(S3Location),
}

#[derive(Clone)]
pub struct S3Location {
    pub bucket: String,
    /// Empty for AWS itself; else the service's URL (`http://127.0.0.1:9000`).
    pub endpoint: String,
    pub region: String,
    /// Empty: credentials come from the environment (instance or container role).
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Whether plain `http://` endpoints are allowed (a local service).
    pub allow_http: bool,
}

impl fmt::Debug for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Location")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// A SHA-256 digest: 64 lowercase hex digits, the name of a blob.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobHash(String);

impl BlobHash {
    fn from_digest(digest: &[u8]) -> BlobHash {
        BlobHash(digest.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn key(&self) -> StorePath {
        StorePath::from(format!("sha256/{}/{}", &self.0[..2], self.0))
    }
}

impl FromStr for BlobHash {
    type Err = BlobError;

    fn from_str(text: &str) -> Result<BlobHash, BlobError> {
        if text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(BlobHash(text.to_owned()))
        } else {
            Err(BlobError::InvalidHash { text: text.chars().take(80).collect() })
        }
    }
}

impl fmt::Display for BlobHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BlobHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobHash({})", self.0)
    }
}

/// A stored blob: its name and its size in bytes. While a `BlobRef` from
/// `put_stream` (or a clone) lives, this process holds the blob: a refused
/// upload of the same content cannot remove it (`delete_unless_used`)
/// before the holder has named it in a row.
#[derive(Debug, Clone)]
pub struct BlobRef {
    pub sha256: BlobHash,
    pub size: u64,
    _hold: Arc<Hold>,
}

impl PartialEq for BlobRef {
    fn eq(&self, other: &BlobRef) -> bool {
        (&self.sha256, self.size) == (&other.sha256, other.size)
    }
}

impl Eq for BlobRef {}

/// How many `BlobRef`s of this process hold each blob.
#[derive(Debug, Default)]
struct Holds {
    counts: std::sync::Mutex<HashMap<BlobHash, usize>>,
    /// Taken by "store or find" and by "delete when unused", so that a blob
    /// found already stored cannot vanish before it is held.
    gate: tokio::sync::Mutex<()>,
}

impl Holds {
    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<BlobHash, usize>> {
        // A poisoned lock only means a panic mid-update of a count; the counts are still usable.
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One hold of a blob, given back when dropped.
#[derive(Debug)]
struct Hold {
    holds: Arc<Holds>,
    sha256: BlobHash,
}

impl Hold {
    fn new(holds: &Arc<Holds>, sha256: &BlobHash) -> Hold {
        *holds.counts().entry(sha256.clone()).or_insert(0) += 1;
        Hold { holds: Arc::clone(holds), sha256: sha256.clone() }
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        let mut counts = self.holds.counts();
        if let Some(count) = counts.get_mut(&self.sha256) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.sha256);
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error(
        "the upload is larger than the limit of {limit} bytes; nothing was stored (raise [blobs] max_upload_bytes)"
    )]
    TooLarge { limit: u64 },
    #[error("the upload was interrupted: {source}; nothing was stored, send it again")]
    Interrupted { source: Box<dyn StdError + Send + Sync> },
    #[error("no blob {sha256} in the store")]
    NotFound { sha256: BlobHash },
    #[error("`{text}` is not a SHA-256 blob name (64 lowercase hex digits)")]
    InvalidHash { text: String },
    #[error(
        "cannot create the blob folder {dir}: {source}; set [blobs] dir (TRAYFORGE__BLOBS__DIR) to a writable folder"
    )]
    Folder { dir: String, source: std::io::Error },
    #[error("the blob store is misconfigured: {reason}; see README.md, section Configuration")]
    Misconfigured { reason: String },
    #[error(
        "cannot reach the blob store {store}: {source}; check [blobs] endpoint, region and allow_http, and that the service is running"
    )]
    Unreachable { store: String, source: object_store::Error },
    #[error("the bucket of the blob store {store} does not exist; create it or fix [blobs] bucket")]
    NoBucket { store: String },
    #[error(
        "the blob store {store} refused access while trying to {operation}: {source}; check [blobs] access_key_id and secret_access_key and the bucket's permissions"
    )]
    PermissionDenied { store: String, operation: &'static str, source: object_store::Error },
    #[error(
        "the blob store {store} is full while trying to {operation}; free space or move [blobs] dir to a larger disk"
    )]
    DiskFull { store: String, operation: &'static str },
    #[error("the blob store {store} failed to {operation}: {source}")]
    Store { store: String, operation: &'static str, source: object_store::Error },
}

/// Content-addressed blobs over any `object_store` backend.
#[derive(Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// `local folder data/blobs` or `s3 bucket tf at http://…`, for messages and logs.
    name: String,
    max_upload_bytes: u64,
    /// The folder of a local store, whose staged upload parts only a walk of the folder sees.
    local_dir: Option<PathBuf>,
    holds: Arc<Holds>,
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobStore").field("name", &self.name).field("max_upload_bytes", &self.max_upload_bytes).finish()
    }
}

impl BlobStore {
    /// Opens the store: creates a local folder when missing, or checks that
    /// an S3 bucket answers; the error says what to change.
    pub async fn open(location: &BlobLocation, max_upload_bytes: u64) -> Result<BlobStore, BlobError> {
        match location {
            BlobLocation::Local { dir } => {
                let folder = |source| BlobError::Folder { dir: dir.display().to_string(), source };
                std::fs::create_dir_all(dir).map_err(folder)?;
                let store = LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| folder(std::io::Error::other(e)))?
                    .with_fsync(true);
                let name = format!("local folder {}", dir.display());
                Ok(BlobStore {
                    store: Arc::new(store),
                    name,
                    max_upload_bytes,
                    local_dir: Some(dir.clone()),
                    holds: Arc::default(),
                })
            }
            BlobLocation::S3(s3) => {
                let name = if s3.endpoint.is_empty() {
                    format!("s3 bucket {} in {}", s3.bucket, s3.region)
                } else {
                    format!("s3 bucket {} at {}", s3.bucket, s3.endpoint)
                };
                // The check at start does not retry: a wrong endpoint should fail now, not in minutes.
                let probe = s3_store(s3, RetryConfig { max_retries: 0, ..RetryConfig::default() })?;
                let store = BlobStore {
                    store: Arc::new(probe),
                    name,
                    max_upload_bytes,
                    local_dir: None,
                    holds: Arc::default(),
                };
                store.check_reachable().await?;
                let retry = RetryConfig {
                    backoff: BackoffConfig::default(),
                    max_retries: 4,
                    retry_timeout: Duration::from_secs(60),
                };
                Ok(BlobStore { store: Arc::new(s3_store(s3, retry)?), ..store })
            }
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }

    /// Stores the bytes of `body`, hashing them on the way, and returns the
    /// blob's name and size. Stops with [`BlobError::TooLarge`] as soon as
    /// more than `limit` bytes have come, and with
    /// [`BlobError::Interrupted`] when `body` yields an error; either way
    /// nothing is left in the store.
    pub async fn put_stream<S, E>(&self, body: S, limit: u64) -> Result<BlobRef, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Into<Box<dyn StdError + Send + Sync>>,
    {
        let temporary = StorePath::from(format!("tmp/{}", uuid::Uuid::new_v4().simple()));
        let upload = self.store.put_multipart(&temporary).await.map_err(|e| self.failed("start an upload", e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut body = std::pin::pin!(body);

        let streamed: Result<(), BlobError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| BlobError::Interrupted { source: e.into() })?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(BlobError::TooLarge { limit });
                }
                hasher.update(&chunk);
                // Backpressure: wait for earlier parts before buffering more.
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(|e| self.failed("write a part", e))?;
                writer.put(chunk);
            }
            Ok(())
        }
        .await;
        if let Err(error) = streamed {
            // Best effort: a temporary that could not be removed is never visible under a hash.
            if let Err(abort) = writer.abort().await {
                tracing::warn!(store = %self.name, %temporary, error = %abort, "could not abort an upload");
            }
            return Err(error);
        }
        writer.finish().await.map_err(|e| self.failed("complete an upload", e))?;

        let sha256 = BlobHash::from_digest(&hasher.finalize());
        let key = sha256.key();
        let _gate = self.holds.gate.lock().await;
        let hold = Arc::new(Hold::new(&self.holds, &sha256));
        let moved = if self.exists_at(&key).await? {
            // Identical content is already stored: keep that one.
            Ok(())
        } else {
            // Overwriting is harmless: whoever wins wrote the same bytes.
            self.store.rename(&temporary, &key).await.map_err(|e| self.failed("store a blob", e))
        };
        if moved.is_err() || self.exists_at(&temporary).await.unwrap_or(false) {
            self.remove_temporary(&temporary).await;
        }
        moved?;
        Ok(BlobRef { sha256, size, _hold: hold })
    }

    /// Stores `bytes` made by the server (a prepared model), as an upload
    /// would be: hashed, then visible under its hash only when complete.
    pub async fn put_bytes(&self, bytes: Bytes) -> Result<BlobRef, BlobError> {
        let body = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(bytes) });
        self.put_stream(body, u64::MAX).await
    }

    /// The blob's bytes, all of them, in memory.
    pub async fn read_all(&self, sha256: &BlobHash) -> Result<Vec<u8>, BlobError> {
        let mut bytes = Vec::new();
        let mut stream = std::pin::pin!(self.get(sha256).await?);
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        Ok(bytes)
    }

    /// The blob's bytes, streamed.
    pub async fn get(
        &self,
        sha256: &BlobHash,
    ) -> Result<impl Stream<Item = Result<Bytes, BlobError>> + Send + 'static + use<>, BlobError> {
        let result = self.store.get(&sha256.key()).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => BlobError::NotFound { sha256: sha256.clone() },
            e => self.failed("read a blob", e),
        })?;
        let store = self.clone();
        Ok(result.into_stream().map_err(move |e| store.failed("read a blob", e)))
    }

    pub async fn exists(&self, sha256: &BlobHash) -> Result<bool, BlobError> {
        self.exists_at(&sha256.key()).await
    }

    /// Removes the blob of a refused upload — `blob`, which the caller
    /// holds — unless another request of this process holds it too or
    /// `in_use` (asked only then) says a row names it. `Ok(true)` when removed.
    pub async fn delete_unless_used(
        &self,
        blob: BlobRef,
        in_use: impl Future<Output = bool>,
    ) -> Result<bool, BlobError> {
        let _gate = self.holds.gate.lock().await;
        let held_elsewhere = self.holds.counts().get(&blob.sha256).copied().unwrap_or(0) > 1;
        if held_elsewhere || in_use.await {
            return Ok(false);
        }
        self.delete(&blob.sha256).await.map(|()| true)
    }

    /// Removes the blob; removing one that is not there is not an error.
    pub async fn delete(&self, sha256: &BlobHash) -> Result<(), BlobError> {
        match self.store.delete(&sha256.key()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed("delete a blob", e)),
        }
    }

    /// Every object key in the store, blobs and temporaries (for tests and checks).
    pub async fn keys(&self) -> Result<Vec<String>, BlobError> {
        let mut keys: Vec<String> = self
            .store
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(|e| self.failed("list objects", e))?;
        keys.sort();
        Ok(keys)
    }

    /// What uploads cut short by a crash left behind, removed when the
    /// server starts: in a folder all of it — a folder is one server's (a
    /// `trayforge worker` beside it whose write is caught fails that try,
    /// and its job is retried) — and in a bucket what is older than a day,
    /// since other servers may be uploading into it. Returns how many.
    pub async fn sweep_at_start(&self) -> Result<usize, BlobError> {
        const SHARED_BUCKET_STALE: Duration = Duration::from_secs(24 * 60 * 60);
        let age = if self.local_dir.is_some() { Duration::ZERO } else { SHARED_BUCKET_STALE };
        self.sweep_temporaries(age).await
    }

    /// Removes what uploads cut short by a crash left under `tmp/` (never
    /// visible under a hash), when older than `age`: a younger one may be an
    /// upload in flight on another server sharing the bucket. In a folder
    /// this includes the staged parts the store's listing hides; in a bucket,
    /// parts of unfinished multipart uploads need the bucket's own lifecycle
    /// rule. Returns how many were removed.
    pub async fn sweep_temporaries(&self, age: Duration) -> Result<usize, BlobError> {
        if let Some(dir) = &self.local_dir {
            return Ok(sweep_folder(&dir.join("tmp"), age));
        }
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let cutoff = i64::try_from(now.saturating_sub(age).as_secs()).unwrap_or(i64::MAX);
        let stale: Vec<StorePath> = self
            .store
            .list(Some(&StorePath::from("tmp")))
            .try_filter_map(
                |meta| async move { Ok((meta.last_modified.timestamp() <= cutoff).then_some(meta.location)) },
            )
            .try_collect()
            .await
            .map_err(|e| self.failed("list temporaries", e))?;
        for temporary in &stale {
            self.remove_temporary(temporary).await;
        }
        Ok(stale.len())
    }

    async fn exists_at(&self, key: &StorePath) -> Result<bool, BlobError> {
        match self.store.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.failed("look a blob up", e)),
        }
    }

    async fn remove_temporary(&self, temporary: &StorePath) {
        match self.store.delete(temporary).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => tracing::warn!(store = %self.name, %temporary, %error, "could not remove a temporary"),
        }
    }

    /// Lists one page under `tmp/`: fails when the bucket is missing, the
    /// credentials are refused or the service does not answer.
    async fn check_reachable(&self) -> Result<(), BlobError> {
        match self.store.list_with_delimiter(Some(&StorePath::from("tmp"))).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Err(BlobError::NoBucket { store: self.name.clone() }),
            Err(e) if mentions(&e, "NoSuchBucket") => Err(BlobError::NoBucket { store: self.name.clone() }),
            Err(e @ (object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. })) => {
                Err(BlobError::PermissionDenied { store: self.name.clone(), operation: "list the bucket", source: e })
            }
            Err(e) => Err(BlobError::Unreachable { store: self.name.clone(), source: e }),
        }
    }

    /// Names the failure by what the user can do about it.
    fn failed(&self, operation: &'static str, error: object_store::Error) -> BlobError {
        let store = self.name.clone();
        match error {
            object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. } => {
                BlobError::PermissionDenied { store, operation, source: error }
            }
            _ if io_kind(&error) == Some(std::io::ErrorKind::StorageFull) => BlobError::DiskFull { store, operation },
            _ if io_kind(&error) == Some(std::io::ErrorKind::PermissionDenied) => {
                BlobError::PermissionDenied { store, operation, source: error }
            }
            _ if io_kind(&error).is_some_and(|kind| {
                matches!(
                    kind,
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::HostUnreachable
                        | std::io::ErrorKind::NetworkUnreachable
                )
            }) =>
            {
                BlobError::Unreachable { store, source: error }
            }
            _ => BlobError::Store { store, operation, source: error },
        }
    }
}

fn s3_store(s3: &S3Location, retry: RetryConfig) -> Result<object_store::aws::AmazonS3, BlobError> {
    if s3.bucket.is_empty() {
        return Err(BlobError::Misconfigured { reason: "[blobs] kind is \"s3\" but bucket is empty".to_owned() });
    }
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_allow_http(s3.allow_http)
        .with_retry(retry);
    if !s3.endpoint.is_empty() {
        builder = builder.with_endpoint(&s3.endpoint);
    }
    if !s3.access_key_id.is_empty() {
        builder = builder.with_access_key_id(&s3.access_key_id).with_secret_access_key(&s3.secret_access_key);
    }
    builder.build().map_err(|e| BlobError::Misconfigured { reason: e.to_string() })
}

/// The kind of the first I/O error in `error`'s chain of causes.
fn io_kind(error: &(dyn StdError + 'static)) -> Option<std::io::ErrorKind> {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = current.source();
    }
    None
}

/// Whether `needle` appears in the message of `error` or of one of its causes.
fn mentions(error: &(dyn StdError + 'static), needle: &str) -> bool {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = cause {
        if current.to_string().contains(needle) {
            return true;
        }
        cause = current.source();
    }
    false
}

/// Removes the files in `dir` last written more than `age` ago; a folder
/// that is missing or unreadable has nothing to sweep.
fn sweep_folder(dir: &std::path::Path, age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let modified = entry.metadata().and_then(|m| m.modified());
            modified.is_ok_and(|t| t.elapsed().is_ok_and(|elapsed| elapsed >= age))
        })
        .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_names_are_64_lowercase_hex_digits() {
        let empty = BlobHash::from_digest(&Sha256::digest(b""));
        assert_eq!(empty.as_str(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(empty.as_str().parse::<BlobHash>().ok(), Some(empty.clone()));
        assert_eq!(empty.key().to_string(), format!("sha256/e3/{empty}"));
        assert!("E3B0".parse::<BlobHash>().is_err());
        assert!("../etc/passwd".parse::<BlobHash>().is_err());
        assert!(empty.as_str().to_uppercase().parse::<BlobHash>().is_err());
    }

    #[test]
    fn the_secret_key_never_reaches_debug_output() {
        let s3 = S3Location {
            bucket: "tf".into(),
            endpoint: String::new(),
            region: "us-east-1".into(),
            access_key_id: "AKIA".into(),
            secret_access_key: "s3cret".into(),
            allow_http: false,
        };
        let shown = format!("{:?}", BlobLocation::S3(s3));
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("AKIA"), "{shown}");
    }
}
