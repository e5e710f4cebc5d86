//! The real `trayforge serve` as a process, in a data folder of its own
//! with an owner made by `create-admin`: started, signed in to, killed with
//! SIGKILL and started again on the same folder and port.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub(crate) const PASSWORD: &str = "correct horse battery";
pub(crate) const OWNER: &str = "owner@smile.example";

pub(crate) struct ServerProcess {
    child: Option<Child>,
    port: u16,
    env: Vec<(String, String)>,
    /// `http://127.0.0.1:PORT/api/v1`.
    pub(crate) api: String,
    pub(crate) dir: tempfile::TempDir,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn trayforge(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trayforge"));
    command.current_dir(dir).env_remove("TRAYFORGE_CONFIG");
    command
}

impl ServerProcess {
    /// A new data folder with the owner, and the server on a free port with
    /// the settings `env` (`TRAYFORGE__…` pairs).
    pub(crate) fn start(env: &[(&str, &str)]) -> ServerProcess {
        let dir = tempfile::tempdir().unwrap();
        let mut admin = trayforge(dir.path())
            .args(["create-admin", "--clinic", "Smile Lab", "--email", OWNER, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        writeln!(admin.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        assert!(admin.wait().unwrap().success());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let env = env.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect();
        let mut server = ServerProcess { child: None, port, env, api: format!("http://127.0.0.1:{port}/api/v1"), dir };
        server.serve();
        server
    }

    /// Starts `serve` on the folder and port; returns once it listens.
    pub(crate) fn serve(&mut self) {
        let mut command = trayforge(self.dir.path());
        command.arg("serve").env("TRAYFORGE__SERVER__PORT", self.port.to_string());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // The log says `listening on …` once the port is open; keep draining both pipes.
        let (listening, ready) = std::sync::mpsc::channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let listening = listening.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if line.contains("listening on") {
                        let _ = listening.send(());
                    }
                    // The server's errors go with the test's output, to explain a failure.
                    if line.contains("ERROR") {
                        eprintln!("server: {line}");
                    }
                }
            });
        }
        ready.recv_timeout(Duration::from_secs(60)).expect("the server says it listens within 60 s");
        self.child = Some(child);
    }

    /// SIGKILL: no shutdown, no cleanup, as a power cut or the OOM killer.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().expect("the server runs").id()
    }

    /// A client signed in as the owner: requests carry the cookie and CSRF token.
    pub(crate) async fn sign_in(&self) -> Signed {
        let client = reqwest::Client::new();
        let login = client
            .post(format!("{}/auth/login", self.api))
            .json(&json!({ "email": OWNER, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        let cookie = login
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|value| value.to_str().unwrap().split(';').next().unwrap().to_owned())
            .find(|cookie| cookie.starts_with("trayforge_session="))
            .unwrap();
        let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
        Signed { client, api: self.api.clone(), cookie, csrf }
    }
}

/// A signed-in owner's requests.
#[derive(Clone)]
pub(crate) struct Signed {
    pub(crate) client: reqwest::Client,
    api: String,
    cookie: String,
    csrf: String,
}

impl Signed {
    pub(crate) fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.api))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }
}

/// A `kB` line of the process's `/proc/PID/status` (`VmRSS` now, `VmHWM` the peak).
pub(crate) fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|line| line.starts_with(&format!("{field}:"))).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}
