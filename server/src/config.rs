//! Layered configuration: built-in defaults, then an optional TOML file,
//! then environment variables `TRAYFORGE__SECTION__KEY`.
//!
//! Invariant: an unknown key anywhere is an error naming the key, so a typo
//! never silently falls back to a default.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::storage::blobs::{BlobLocation, S3Location};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub data: DataSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub blobs: BlobSettings,
    pub jobs: JobSettings,
    pub webhooks: WebhookSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    pub host: IpAddr,
    /// 0 picks a free port (tests use it).
    pub port: u16,
    /// The built client (Trunk's `dist/`), served at `/`.
    pub dist_dir: PathBuf,
    /// Mark session cookies `Secure` (and name them `__Host-…`) even when a
    /// request does not say it came over TLS; turn on behind a TLS proxy
    /// that does not send `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// Sign-in attempts per minute allowed per client address, and failed
    /// ones per account before the addresses that failed must wait.
    pub login_attempts_per_minute: u32,
    /// Reverse proxies (addresses or networks such as `10.0.0.0/8`) whose
    /// `X-Forwarded-For` names the client; from anyone else the header is
    /// ignored and the connecting address is the client's.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A connection that has not sent a whole request head this many seconds
    /// after it opened, or after its previous request, is closed.
    pub header_timeout_secs: u64,
    /// A request body that sends nothing for this many seconds is cut off.
    pub body_timeout_secs: u64,
    /// Connections served at once; further ones wait in the listen queue.
    pub max_connections: usize,
    /// Memory, in MB, that model files being read (parsed and checked) by
    /// requests may take together; a read is counted at four times its
    /// file's size, and waits until that much is free. 0: a quarter of the
    /// machine's memory, at most 1024.
    pub mesh_read_memory_mb: u64,
}

/// Where webhook deliveries may go.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// Host names or addresses on this machine or network that may receive
    /// webhooks (an on-premise practice system). Every other loopback,
    /// private, link-local or metadata address is refused, whatever name
    /// leads to it.
    pub allow_internal_hosts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSettings {
    /// Holds the SQLite database (unless `database.url` says otherwise) and
    /// the `files/` folder. Relative paths are relative to the working
    /// directory.
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; empty means `trayforge.db` in the data folder.
    pub url: String,
}

/// Where uploaded files are kept: a local folder (the default) or an S3-compatible bucket.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlobSettings {
    pub kind: BlobStoreKind,
    /// The local folder; empty means `blobs/` in the data folder.
    pub dir: PathBuf,
    pub bucket: String,
    /// Empty for AWS itself; else the S3-compatible service's URL.
    pub endpoint: String,
    pub region: String,
    /// Empty: credentials from the environment (instance or container role).
    pub access_key_id: String,
    pub secret_access_key: Secret,
    /// Allow a plain `http://` endpoint (a service on this machine or network).
    pub allow_http: bool,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
}

/// The job queue's workers: how many `serve` runs, how often they look
/// for work, how long a lease lasts, and how failed jobs are retried.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobSettings {
    /// Worker tasks `serve` runs in its own process; 0 runs none (then run
    /// `trayforge worker` somewhere, or jobs wait).
    pub workers: u16,
    /// How often an idle worker looks for due jobs; a job enqueued by this
    /// process wakes it at once.
    pub poll_interval_ms: u64,
    /// How long a claimed job stays its worker's without renewal (renewed
    /// every third of it while it runs). A worker that dies holds its job
    /// this long before another takes it again.
    pub lease_secs: u64,
    /// The wait before the first retry; each further retry waits twice as
    /// long, less up to a fifth (jitter).
    pub backoff_base_ms: u64,
    /// No retry waits longer than this.
    pub backoff_max_secs: u64,
    /// Attempts at a webhook delivery before it is given up.
    pub webhook_max_attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlobStoreKind {
    Local,
    S3,
}

/// A value that must never reach a log: `Debug` shows `***`.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "***" })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `trayforge_server=debug,info`.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            dist_dir: PathBuf::from("dist"),
            secure_cookies: false,
            login_attempts_per_minute: 10,
            trusted_proxies: Vec::new(),
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            max_connections: 4096,
            mesh_read_memory_mb: 0,
        }
    }
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings { dir: PathBuf::from("data") }
    }
}

impl Default for BlobSettings {
    fn default() -> Self {
        BlobSettings {
            kind: BlobStoreKind::Local,
            dir: PathBuf::new(),
            bucket: String::new(),
            endpoint: String::new(),
            region: "us-east-1".to_owned(),
            access_key_id: String::new(),
            secret_access_key: Secret::default(),
            allow_http: false,
            max_upload_bytes: 300 * 1000 * 1000,
        }
    }
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            workers: 1,
            poll_interval_ms: 1000,
            lease_secs: 60,
            backoff_base_ms: 10_000,
            backoff_max_secs: 60 * 60,
            webhook_max_attempts: 8,
        }
    }
}

impl JobSettings {
    /// Refuses values that would make workers spin, never retry, or wait
    /// past what a timestamp holds; says which key to change.
    pub fn check(&self) -> Result<(), ConfigError> {
        const DAY_SECS: u64 = 24 * 60 * 60;
        let problem = if !(1..=3_600_000).contains(&self.poll_interval_ms) {
            Some("poll_interval_ms must be 1 to 3600000 (an hour)")
        } else if !(3..=DAY_SECS).contains(&self.lease_secs) {
            Some("lease_secs must be 3 to 86400 (a day)")
        } else if self.backoff_base_ms > 1000 * DAY_SECS {
            Some("backoff_base_ms must be at most 86400000 (a day)")
        } else if !(1..=30 * DAY_SECS).contains(&self.backoff_max_secs) {
            Some("backoff_max_secs must be 1 to 2592000 (30 days)")
        } else if !(1..=100).contains(&self.webhook_max_attempts) {
            Some("webhook_max_attempts must be 1 to 100")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(ConfigError::OutOfRange(format!("[jobs] {problem}"))),
            None => Ok(()),
        }
    }
}

impl ServerSettings {
    /// Refuses timeouts and limits that would serve nobody; says which key to change.
    pub fn check(&self) -> Result<(), ConfigError> {
        let problem = if !(1..=3600).contains(&self.header_timeout_secs) {
            Some("header_timeout_secs must be 1 to 3600")
        } else if !(1..=3600).contains(&self.body_timeout_secs) {
            Some("body_timeout_secs must be 1 to 3600")
        } else if self.max_connections == 0 {
            Some("max_connections must be at least 1")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(ConfigError::OutOfRange(format!("[server] {problem}"))),
            None => Ok(()),
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings { format: LogFormat::Text, level: "info".to_owned() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("invalid configuration: {0}; see README.md, section Configuration")]
    Invalid(#[from] config::ConfigError),
    #[error("invalid configuration: {0}; see README.md, section Configuration")]
    OutOfRange(String),
}

impl Settings {
    /// Loads the settings from `file` (if given) and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Self::load_from(file, None)
    }

    /// Like [`Settings::load`], with the environment given as a map (for tests).
    pub fn load_from(
        file: Option<&Path>,
        environment: Option<config::Map<String, String>>,
    ) -> Result<Settings, ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            // Read it ourselves: the config crate's message for a missing or
            // unreadable file does not say which of the two it was.
            let text = std::fs::read_to_string(path)
                .map_err(|source| ConfigError::Unreadable { path: path.to_owned(), source })?;
            builder = builder.add_source(config::File::from_str(&text, config::FileFormat::Toml));
        }
        let environment = config::Environment::with_prefix("TRAYFORGE")
            .prefix_separator("__")
            .separator("__")
            .try_parsing(true)
            .list_separator(",")
            .with_list_parse_key("server.trusted_proxies")
            .with_list_parse_key("webhooks.allow_internal_hosts")
            .source(environment);
        let settings: Settings = builder.add_source(environment).build()?.try_deserialize()?;
        settings.jobs.check()?;
        settings.server.check()?;
        Ok(settings)
    }

    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!("sqlite://{}", self.data.dir.join("trayforge.db").display())
        } else {
            self.database.url.clone()
        }
    }

    /// Where blobs live, from `[blobs]`.
    pub fn blob_location(&self) -> BlobLocation {
        let blobs = &self.blobs;
        match blobs.kind {
            BlobStoreKind::Local => BlobLocation::Local {
                dir: if blobs.dir.as_os_str().is_empty() { self.data.dir.join("blobs") } else { blobs.dir.clone() },
            },
            BlobStoreKind::S3 => BlobLocation::S3(S3Location {
                bucket: blobs.bucket.clone(),
                endpoint: blobs.endpoint.clone(),
                region: blobs.region.clone(),
                access_key_id: blobs.access_key_id.clone(),
                secret_access_key: blobs.secret_access_key.0.clone(),
                allow_http: blobs.allow_http,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Option<config::Map<String, String>> {
        Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn defaults_serve_locally_with_sqlite_in_data() {
        let settings = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.database_url(), "sqlite://data/trayforge.db");
    }

    #[test]
    fn environment_overrides_nested_keys() {
        let settings =
            Settings::load_from(None, env(&[("TRAYFORGE__SERVER__PORT", "9000"), ("TRAYFORGE__LOG__FORMAT", "json")]))
                .unwrap();
        assert_eq!(settings.server.port, 9000);
        assert_eq!(settings.log.format, LogFormat::Json);
    }

    #[test]
    fn blobs_default_to_a_folder_in_data() {
        let settings = Settings::load_from(None, env(&[])).unwrap();
        assert!(matches!(settings.blob_location(), BlobLocation::Local { dir } if dir == Path::new("data/blobs")));
        assert_eq!(settings.blobs.max_upload_bytes, 300_000_000);
    }

    #[test]
    fn blobs_go_to_s3_by_environment_and_the_secret_stays_hidden() {
        let settings = Settings::load_from(
            None,
            env(&[
                ("TRAYFORGE__BLOBS__KIND", "s3"),
                ("TRAYFORGE__BLOBS__BUCKET", "trayforge"),
                ("TRAYFORGE__BLOBS__ENDPOINT", "http://127.0.0.1:9000"),
                ("TRAYFORGE__BLOBS__ALLOW_HTTP", "true"),
                ("TRAYFORGE__BLOBS__SECRET_ACCESS_KEY", "s3cret"),
                ("TRAYFORGE__BLOBS__MAX_UPLOAD_BYTES", "1000"),
            ]),
        )
        .unwrap();
        let BlobLocation::S3(s3) = settings.blob_location() else { panic!("not s3: {settings:?}") };
        assert_eq!((s3.bucket.as_str(), s3.allow_http, s3.secret_access_key.as_str()), ("trayforge", true, "s3cret"));
        assert_eq!(settings.blobs.max_upload_bytes, 1000);
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    fn jobs_are_configured_by_environment_and_bounded() {
        let defaults = Settings::load_from(None, env(&[])).unwrap().jobs;
        assert_eq!((defaults.workers, defaults.poll_interval_ms, defaults.webhook_max_attempts), (1, 1000, 8));
        let settings = Settings::load_from(
            None,
            env(&[("TRAYFORGE__JOBS__BACKOFF_BASE_MS", "50"), ("TRAYFORGE__JOBS__WEBHOOK_MAX_ATTEMPTS", "3")]),
        )
        .unwrap();
        assert_eq!((settings.jobs.backoff_base_ms, settings.jobs.webhook_max_attempts), (50, 3));
        let error = Settings::load_from(None, env(&[("TRAYFORGE__JOBS__POLL_INTERVAL_MS", "0")])).unwrap_err();
        assert!(error.to_string().contains("[jobs] poll_interval_ms must be 1 to 3600000"), "{error}");
        let error = Settings::load_from(None, env(&[("TRAYFORGE__JOBS__RETRIES", "3")])).unwrap_err();
        assert!(error.to_string().contains("unknown field `retries`"), "{error}");
    }

    #[test]
    fn proxies_and_internal_receivers_are_lists_in_the_environment() {
        let settings = Settings::load_from(
            None,
            env(&[
                ("TRAYFORGE__SERVER__TRUSTED_PROXIES", "127.0.0.1/32,10.0.0.0/8"),
                ("TRAYFORGE__WEBHOOKS__ALLOW_INTERNAL_HOSTS", "pms.lab.local"),
            ]),
        )
        .unwrap();
        let proxies: Vec<String> = settings.server.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(proxies, ["127.0.0.1/32", "10.0.0.0/8"]);
        assert_eq!(settings.webhooks.allow_internal_hosts, ["pms.lab.local"]);
        let error = Settings::load_from(None, env(&[("TRAYFORGE__SERVER__HEADER_TIMEOUT_SECS", "0")])).unwrap_err();
        assert!(error.to_string().contains("[server] header_timeout_secs must be 1 to 3600"), "{error}");
    }

    #[test]
    fn unknown_environment_key_is_named() {
        let error = Settings::load_from(None, env(&[("TRAYFORGE__SERVER__PROT", "9000")])).unwrap_err();
        assert!(error.to_string().contains("unknown field `prot`"), "{error}");
    }
}
