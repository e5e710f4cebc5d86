//! Memory of the real server binary while a 200 MB upload streams through
//! it: the upload goes to the blob store in parts, never whole into memory.

use reqwest::Method;
use serde_json::{Value, json};

use crate::process::{ServerProcess, status_kb};

const MB: usize = 1000 * 1000;

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
    let server = ServerProcess::start(&[]);
    let owner = server.sign_in().await;
    let case: Value =
        owner.request(Method::POST, "/cases").json(&json!({})).send().await.unwrap().json().await.unwrap();
    let photos = format!("/cases/{}/photos", case["id"].as_str().unwrap());
    // A small upload first, so that runtime, pools and buffers are warm.
    assert_eq!(owner.request(Method::POST, &photos).body(photo_body(6 * MB)).send().await.unwrap().status(), 201);
    let pid = server.pid();
    let before = status_kb(pid, "VmRSS");
    let uploaded = owner.request(Method::POST, &photos).body(photo_body(200 * MB)).send().await.unwrap();
    assert_eq!(uploaded.status(), 201);
    assert_eq!(uploaded.json::<Value>().await.unwrap()["size_bytes"], 200 * MB);
    let growth = status_kb(pid, "VmHWM").saturating_sub(before);
    eprintln!("a 200 MB upload over HTTP grew the server's peak RSS by {growth} kB");
    assert!(growth < 30 * 1000, "the server's peak RSS grew by {growth} kB during a 200 MB upload");
}

/// A 3MF of about 5 MB whose model part unpacks to 2 GiB: one deflated
/// megabyte of vertices, flushed so that its compressed bytes stand alone,
/// repeated 2,048 times in one ZIP entry (its CRC is never reached).
fn hostile_3mf() -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    const CHUNK: usize = 1 << 20;
    const REPEATS: usize = 2048;
    let vertices = b"<vertex x=\"1\" y=\"2\" z=\"3\"/>".repeat(CHUNK / 20);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut compress = Compress::new(Compression::best(), false);
    compress.compress_vec(&vertices[..CHUNK], &mut chunk, FlushCompress::Full).unwrap();
    let mut deflated = chunk.repeat(REPEATS);
    // The last block: empty, final.
    deflated.extend_from_slice(&[0x03, 0x00]);

    let name = b"3D/3dmodel.model";
    let unpacked = u32::try_from(CHUNK * REPEATS).unwrap();
    let packed = u32::try_from(deflated.len()).unwrap();
    let sizes = |out: &mut Vec<u8>| {
        out.extend_from_slice(&0_u32.to_le_bytes()); // CRC-32
        out.extend_from_slice(&packed.to_le_bytes());
        out.extend_from_slice(&unpacked.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0_u16.to_le_bytes()); // extra field
    };
    let mut zip = Vec::new();
    zip.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
    sizes(&mut zip);
    zip.extend_from_slice(name);
    zip.extend_from_slice(&deflated);
    let directory = zip.len();
    zip.extend_from_slice(&[0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
    sizes(&mut zip);
    zip.extend_from_slice(&[0; 14]); // comment length, disk, attributes, local header at offset 0
    zip.extend_from_slice(name);
    let directory_len = u32::try_from(zip.len() - directory).unwrap();
    zip.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
    zip.extend_from_slice(&directory_len.to_le_bytes());
    zip.extend_from_slice(&u32::try_from(directory).unwrap().to_le_bytes());
    zip.extend_from_slice(&0_u16.to_le_bytes());
    zip
}

#[tokio::test]
async fn a_zip_bomb_3mf_is_refused_unpacking_a_bounded_part_and_ten_at_once_stay_under_1_5_gb() {
    let bomb = hostile_3mf();
    assert!(bomb.len() < 8 * MB, "{} bytes", bomb.len());
    let server = ServerProcess::start(&[]);
    let owner = server.sign_in().await;
    let case: Value =
        owner.request(Method::POST, "/cases").json(&json!({})).send().await.unwrap().json().await.unwrap();
    let models = |stage: usize| format!("/cases/{}/stages/upper/{stage}/models", case["id"].as_str().unwrap());
    let pid = server.pid();
    let before = status_kb(pid, "VmRSS");

    let started = std::time::Instant::now();
    let alone = owner.request(Method::POST, &models(1)).body(bomb.clone()).send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(alone.status(), 422);
    let message = alone.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("unpacks to more than"), "{message}");
    // How long it took is printed, not asserted (this is a debug build); the release figure is measured by hand.
    eprintln!("the 2 GiB 3MF bomb ({} bytes) was refused in {took:?}", bomb.len());

    let uploads = (2..12).map(|stage| owner.request(Method::POST, &models(stage)).body(bomb.clone()).send());
    for answer in futures_util::future::join_all(uploads).await {
        let answer = answer.unwrap();
        let status = answer.status();
        assert_eq!(status, 422, "{}", answer.text().await.unwrap());
    }
    let peak = status_kb(pid, "VmHWM");
    eprintln!("eleven 3MF bombs took the server from {before} kB to a peak of {peak} kB");
    assert!(peak < 1_500_000, "the server's peak RSS reached {peak} kB");
}
