//! Memory of the real server binary while a 200 MB upload streams through
//! it: the upload goes to the blob store in parts, never whole into memory.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";
const MB: usize = 1000 * 1000;

/// `trayforge serve` on a free port in its own data folder, killed when dropped.
struct Server {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn trayforge(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trayforge"));
    command.current_dir(dir).env_remove("TRAYFORGE_CONFIG");
    command
}

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut admin = trayforge(dir.path())
        .args(["create-admin", "--clinic", "Smile Lab", "--email", "owner@smile.example", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(admin.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(admin.wait().unwrap().success());

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = trayforge(dir.path())
        .arg("serve")
        .env("TRAYFORGE__SERVER__PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
            }
        });
    }
    ready.recv_timeout(std::time::Duration::from_secs(60)).expect("the server says it listens within 60 s");
    Server { child, address: format!("http://127.0.0.1:{port}/api/v1"), _dir: dir }
}

/// A `kB` line of the process's `/proc/PID/status` (`VmRSS` now, `VmHWM` the peak).
fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|line| line.starts_with(&format!("{field}:"))).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A JPEG's first bytes, then `size` bytes that do not compress, sent in 64 kB chunks.
fn photo_body(size: usize) -> reqwest::Body {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut sent = 0;
    let chunks = std::iter::from_fn(move || {
        if sent >= size {
            return None;
        }
        let mut chunk = Vec::with_capacity(64 * 1024);
        if sent == 0 {
            chunk.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
        }
        while chunk.len() < 64 * 1024 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.extend_from_slice(&state.to_le_bytes());
        }
        chunk.truncate((size - sent).min(64 * 1024));
        sent += chunk.len();
        Some(Ok::<_, std::io::Error>(chunk))
    });
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn a_200_mb_upload_grows_the_server_by_less_than_30_mb() {
    let server = start();
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{}/auth/login", server.address))
        .json(&json!({ "email": "owner@smile.example", "password": PASSWORD }))
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
    let post = |path: String| {
        client.post(format!("{}{path}", server.address)).header("cookie", &cookie).header("x-csrf-token", &csrf)
    };

    let case: Value = post("/cases".into()).json(&json!({})).send().await.unwrap().json().await.unwrap();
    let photos = format!("/cases/{}/photos", case["id"].as_str().unwrap());
    // A small upload first, so that runtime, pools and buffers are warm.
    assert_eq!(post(photos.clone()).body(photo_body(6 * MB)).send().await.unwrap().status(), 201);
    let pid = server.child.id();
    let before = status_kb(pid, "VmRSS");
    let uploaded = post(photos).body(photo_body(200 * MB)).send().await.unwrap();
    assert_eq!(uploaded.status(), 201);
    assert_eq!(uploaded.json::<Value>().await.unwrap()["size_bytes"], 200 * MB);
    let growth = status_kb(pid, "VmHWM").saturating_sub(before);
    eprintln!("a 200 MB upload over HTTP grew the server's peak RSS by {growth} kB");
    assert!(growth < 30 * 1000, "the server's peak RSS grew by {growth} kB during a 200 MB upload");
}
