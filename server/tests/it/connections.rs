//! Slow and idle clients against the real application: a connection that
//! never finishes its request head, or a body that never comes, is let go
//! after the configured timeout; connections past the limit wait.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TestApp, spawn_app_with};

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap()
}

/// Reads until the server closes the connection (or 10 s pass); what it
/// sent, and how long it took.
async fn until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept the connection open for 10 s");
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

#[tokio::test]
async fn a_request_head_that_never_ends_is_closed_after_the_header_timeout() {
    let app = spawn_app_with(None, |settings| settings.server.header_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
    let (_, waited) = until_closed(&mut stream).await;
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
    // A connection that sends nothing at all goes the same way.
    let mut silent = connect(&app).await;
    let (_, waited) = until_closed(&mut silent).await;
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn a_body_that_never_comes_is_cut_off_after_the_body_timeout() {
    let app = spawn_app_with(None, |settings| settings.server.body_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                Content-Length: 100\r\nConnection: close\r\n\r\n{\"email\":";
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, waited) = until_closed(&mut stream).await;
    assert!(waited < Duration::from_secs(4), "answered after {waited:?}");
    assert!(answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn connections_past_the_limit_wait_for_a_free_one() {
    let app = spawn_app_with(None, |settings| {
        settings.server.max_connections = 1;
        settings.server.header_timeout_secs = 30;
    })
    .await;
    // One connection, open and idle, takes the only place.
    let idle = connect(&app).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiting = tokio::spawn({
        let url = format!("{}/healthz", app.address);
        async move { reqwest::get(url).await.map(|response| response.status()) }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "a second connection was served beside the first");
    drop(idle);
    let status = tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap().unwrap();
    assert_eq!(status, 200);
}
