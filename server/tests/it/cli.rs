//! The `trayforge` binary: bad configuration ends with one clear line.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in a fresh empty working directory.
fn trayforge(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    trayforge_in(dir.path(), args, env)
}

fn trayforge_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trayforge"));
    command.args(args).current_dir(dir).env_remove("TRAYFORGE_CONFIG");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}

fn single_error_line(output: &Output) -> String {
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line, not a backtrace: {stderr}");
    stderr
}

#[test]
fn unknown_key_in_the_environment_is_named() {
    let output = trayforge(&["migrate"], &[("TRAYFORGE__SERVER__PROT", "9000")]);
    assert!(single_error_line(&output).contains("unknown field `prot`"));
}

#[test]
fn unknown_key_in_the_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trayforge.toml");
    std::fs::write(&file, "[server]\nport = 9000\ncolour = \"blue\"\n").unwrap();
    let output = trayforge(&["--config", file.to_str().unwrap(), "migrate"], &[]);
    assert!(single_error_line(&output).contains("unknown field `colour`"));
}

#[test]
fn unreadable_configuration_file_is_named() {
    let output = trayforge(&["--config", "/no/such/trayforge.toml", "serve"], &[]);
    let line = single_error_line(&output);
    assert!(line.contains("cannot read the configuration file /no/such/trayforge.toml"), "{line}");
}

#[test]
fn port_in_use_is_named_with_what_to_do() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = trayforge(&["serve"], &[("TRAYFORGE__SERVER__PORT", &port)]);
    let line = single_error_line(&output);
    assert!(line.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{line}");
    assert!(line.contains("TRAYFORGE__SERVER__PORT"), "{line}");
}

#[test]
fn unreachable_database_is_named() {
    let output = trayforge(&["migrate"], &[("TRAYFORGE__DATABASE__URL", "postgres://tf@127.0.0.1:1/tf")]);
    assert!(single_error_line(&output).contains("cannot reach the database"));
}

#[test]
fn migrate_creates_and_migrates_the_default_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = trayforge_in(dir.path(), &["migrate"], &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path().join("data/trayforge.db").is_file());
}

#[test]
fn unreachable_blob_bucket_is_named_at_start() {
    let output = trayforge(
        &["serve"],
        &[
            ("TRAYFORGE__SERVER__PORT", "0"),
            ("TRAYFORGE__BLOBS__KIND", "s3"),
            ("TRAYFORGE__BLOBS__BUCKET", "trayforge"),
            ("TRAYFORGE__BLOBS__ENDPOINT", "http://127.0.0.1:1"),
            ("TRAYFORGE__BLOBS__ALLOW_HTTP", "true"),
            ("TRAYFORGE__BLOBS__ACCESS_KEY_ID", "tf"),
            ("TRAYFORGE__BLOBS__SECRET_ACCESS_KEY", "s3cret"),
        ],
    );
    let line = single_error_line(&output);
    assert!(line.contains("cannot reach the blob store s3 bucket trayforge at http://127.0.0.1:1"), "{line}");
    assert!(line.contains("[blobs] endpoint"), "{line}");
    assert!(!line.contains("s3cret"), "{line}");
}

#[test]
fn s3_blobs_without_a_bucket_are_named_at_start() {
    let output = trayforge(&["serve"], &[("TRAYFORGE__SERVER__PORT", "0"), ("TRAYFORGE__BLOBS__KIND", "s3")]);
    assert!(single_error_line(&output).contains("[blobs] kind is \"s3\" but bucket is empty"));
}
