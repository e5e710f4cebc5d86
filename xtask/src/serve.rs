//! A throwaway `trayforge serve` for the checks and benchmarks that talk
//! to the real server from outside: a fresh data folder with a known owner,
//! signed in and given an API token through the API as a client would, and
//! plain HTTP/1.1 requests (std only, like the rest of xtask).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::Result;

const OWNER_EMAIL: &str = "owner@api-check.example";
/// Only this throwaway server, on 127.0.0.1, ever sees it.
const OWNER_PASSWORD: &str = "api-check-owner-password";

/// `trayforge serve` on a free port of 127.0.0.1 with a fresh data folder
/// and a known owner; stopped (and its folder removed) when dropped.
pub(crate) struct Server {
    child: Child,
    dir: PathBuf,
    /// `127.0.0.1:PORT`
    pub(crate) address: String,
}

impl Server {
    pub(crate) fn start(bin: &Path, database_url: Option<&str>) -> Result<Server> {
        let dir = std::env::temp_dir().join(format!("trayforge-api-{}-{}", std::process::id(), now_nanos()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let environment = |command: &mut Command| {
            command
                .current_dir(&dir)
                .env("TRAYFORGE__SERVER__PORT", "0")
                .env("TRAYFORGE__DATA__DIR", dir.join("data"))
                // No client is needed: `/` answers 503, the API is whole.
                .env("TRAYFORGE__SERVER__DIST_DIR", dir.join("no-client"))
                // Jobs wait: no webhook is delivered to an address the
                // generator made up, and no mesh work competes with the requests.
                .env("TRAYFORGE__JOBS__WORKERS", "0");
            if let Some(url) = database_url {
                command.env("TRAYFORGE__DATABASE__URL", url);
            }
        };
        let mut admin = Command::new(bin);
        admin.args(["create-admin", "--clinic", "API check", "--email", OWNER_EMAIL, "--password-stdin"]);
        environment(&mut admin);
        let mut admin = admin
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start create-admin: {e}"))?;
        if let Some(mut stdin) = admin.stdin.take() {
            writeln!(stdin, "{OWNER_PASSWORD}").map_err(|e| format!("create-admin: {e}"))?;
        }
        let made = admin.wait().map_err(|e| format!("create-admin: {e}"))?;
        if !made.success() {
            return Err(format!("create-admin failed ({made})"));
        }

        let log_path = dir.join("server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let err_log = log.try_clone().map_err(|e| e.to_string())?;
        let mut serve = Command::new(bin);
        serve.arg("serve").stdout(log).stderr(err_log);
        environment(&mut serve);
        let child = serve.spawn().map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut server = Server { child, dir, address: String::new() };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            if let Some(address) =
                text.split("listening on http://").nth(1).and_then(|rest| rest.split_whitespace().next())
            {
                server.address = address.to_owned();
                println!("  trayforge serve on http://{address} ({})", database_url.map_or("SQLite", |_| "PostgreSQL"));
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("the server exited ({status}) before listening:\n{text}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("the server did not listen within 30 s:\n{}", server.stop()))
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server and answers what it logged.
    pub(crate) fn stop(mut self) -> String {
        self.halt();
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn halt(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        // SIGTERM first (a graceful stop), then kill after 10 s.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let started = Instant::now();
        while matches!(self.child.try_wait(), Ok(None)) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.halt();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// The owner, signed in: the session cookie and the CSRF token.
pub(crate) struct SignedIn {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

/// Signs the owner in through the API (`POST /auth/login`).
pub(crate) fn sign_in(address: &str) -> Result<SignedIn> {
    let login = format!(r#"{{"email":"{OWNER_EMAIL}","password":"{OWNER_PASSWORD}"}}"#);
    let (status, headers, body) = post(address, "/api/v1/auth/login", &[], &login)?;
    if status != 200 {
        return Err(format!("sign-in answered {status}: {body}"));
    }
    let cookie = headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, value)| value.split(';').next())
        .find(|pair| pair.contains("_session="))
        .ok_or("sign-in set no session cookie")?
        .to_owned();
    let csrf = string_field(&body, "csrf_token").ok_or("sign-in answered no csrf_token")?;
    Ok(SignedIn { cookie, csrf })
}

impl SignedIn {
    /// A POST with the session cookie and the CSRF token.
    pub(crate) fn post(&self, address: &str, path: &str, body: &str) -> Result<Answer> {
        post(address, path, &[("Cookie", self.cookie.as_str()), ("X-CSRF-Token", self.csrf.as_str())], body)
    }
}

/// Signs the owner in and creates an API token with every scope, through
/// the API (`POST /auth/login`, then `POST /tokens` with the session
/// cookie and the CSRF token); answers the token's secret.
pub(crate) fn api_token(address: &str) -> Result<String> {
    let owner = sign_in(address)?;
    let token = r#"{"name":"API check","scopes":["read","write","production"]}"#;
    let (status, _, body) = owner.post(address, "/api/v1/tokens", token)?;
    if status != 201 {
        return Err(format!("creating the API token answered {status}: {body}"));
    }
    string_field(&body, "secret").ok_or_else(|| format!("the new token has no secret: {body}"))
}

/// An HTTP answer: status, headers (name, value) and body.
pub(crate) type Answer = (u16, Vec<(String, String)>, String);

/// A JSON POST over HTTP/1.1 (std only, like the rest of xtask): status,
/// headers and body of the answer.
pub(crate) fn post(address: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Result<Answer> {
    let failed = |e: std::io::Error| format!("POST {path}: {e}");
    let mut stream = TcpStream::connect(address).map_err(failed)?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(failed)?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).map_err(failed)?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(failed)?;
    let (head, body) = answer.split_once("\r\n\r\n").ok_or_else(|| format!("POST {path}: no HTTP answer"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("POST {path}: no status line"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Ok((status, headers, body.to_owned()))
}

/// The value of `"name": "…"` in a JSON text whose strings need no
/// unescaping (the secrets and tokens are base64url).
pub(crate) fn string_field(json: &str, name: &str) -> Option<String> {
    let rest = json.split(&format!("\"{name}\":\"")).nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::string_field;

    #[test]
    fn string_fields_are_found_by_name() {
        let body = r#"{"token":{"id":"t-1","name":"API check"},"secret":"abc_-9"}"#;
        assert_eq!(string_field(body, "secret").as_deref(), Some("abc_-9"));
        assert_eq!(string_field(body, "id").as_deref(), Some("t-1"));
        assert_eq!(string_field(body, "missing"), None);
    }
}
