//! `cargo xtask run [--port N]`: install what is missing, build the client
//! (Trunk, release) and the server (release), and serve on
//! `http://127.0.0.1:N` (8080 unless told) until Ctrl-C.
//!
//! The server keeps its SQLite database and files under `data/` at the
//! workspace root; it creates the folder and migrates the database itself.

use std::process::Command;

use crate::cmd::{self, Result, cargo};
use crate::{root, tools};

const DEFAULT_PORT: u16 = 8080;

pub(crate) fn run(args: &[String]) -> Result {
    let port = parse_port(args)?;
    let root = root();
    tools::ensure_client_tools(&root)?;

    println!("==> building the client (trunk build --release)");
    cmd::run(
        Command::new("trunk").args(["build", "--release"]).current_dir(&root).env("PATH", tools::tool_path(&root)),
    )?;
    println!("==> building the server (cargo build --release -p trayforge-server)");
    cmd::run(cargo(&root).args(["build", "--release", "-p", "trayforge-server"]))?;

    let mut server = Command::new(root.join("target/release/trayforge"));
    server
        .arg("serve")
        .current_dir(&root)
        .env("TRAYFORGE__SERVER__PORT", port.to_string())
        .env("TRAYFORGE__SERVER__DIST_DIR", root.join("dist"))
        .env("TRAYFORGE__DATA__DIR", root.join("data"));
    println!();
    println!("==> Trayforge: http://127.0.0.1:{port}");
    println!("    data in {}; Ctrl-C stops the server", root.join("data").display());
    println!();
    serve(server)
}

fn parse_port(args: &[String]) -> Result<u16> {
    let usage = || "usage: cargo xtask run [--port N]  (N from 1 to 65535)".to_owned();
    let text = match args {
        [] => return Ok(DEFAULT_PORT),
        [flag, port] if flag == "--port" => port.as_str(),
        [flag] => flag.strip_prefix("--port=").ok_or_else(usage)?,
        _ => return Err(usage()),
    };
    text.parse::<u16>().ok().filter(|&port| port != 0).ok_or_else(usage)
}

/// Becomes the server (exec): the terminal's Ctrl-C reaches it alone, it
/// shuts down gracefully, and its exit status is the command's. No xtask
/// process is left waiting that the signal could kill before the server
/// has finished (std alone cannot ignore SIGINT).
#[cfg(unix)]
fn serve(mut server: Command) -> Result {
    use std::os::unix::process::CommandExt;
    // exec returns only when it could not start the program.
    let error = server.exec();
    Err(format!("cannot start {}: {error}", server.get_program().to_string_lossy()))
}

/// Elsewhere: wait for the server and pass on how it ended.
#[cfg(not(unix))]
fn serve(mut server: Command) -> Result {
    let status = server.status().map_err(|e| format!("cannot start the server: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the server stopped: {status}")) }
}

#[cfg(test)]
mod tests {
    use super::parse_port;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn port_defaults_to_8080_and_reads_both_spellings() {
        assert_eq!(parse_port(&args(&[])), Ok(8080));
        assert_eq!(parse_port(&args(&["--port", "9000"])), Ok(9000));
        assert_eq!(parse_port(&args(&["--port=9001"])), Ok(9001));
    }

    #[test]
    fn bad_ports_are_refused() {
        for bad in [&["--port"][..], &["--port", "0"], &["--port", "70000"], &["--port", "x"], &["9000"]] {
            assert!(parse_port(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
