//! Layered configuration: built-in defaults, then an optional TOML file,
//! then environment variables `TRAYFORGE__SECTION__KEY`.
//!
//! Invariant: an unknown key anywhere is an error naming the key, so a typo
//! never silently falls back to a default.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub data: DataSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
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
    /// Sign-in attempts per minute allowed per client address and per account.
    pub login_attempts_per_minute: u32,
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
        }
    }
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings { dir: PathBuf::from("data") }
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
            .source(environment);
        Ok(builder.add_source(environment).build()?.try_deserialize()?)
    }

    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!("sqlite://{}", self.data.dir.join("trayforge.db").display())
        } else {
            self.database.url.clone()
        }
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data.dir.join("files")
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
        assert_eq!(settings.files_dir(), PathBuf::from("data/files"));
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
    fn unknown_environment_key_is_named() {
        let error = Settings::load_from(None, env(&[("TRAYFORGE__SERVER__PROT", "9000")])).unwrap_err();
        assert!(error.to_string().contains("unknown field `prot`"), "{error}");
    }
}
