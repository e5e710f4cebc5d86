//! `cargo xtask run`: install what is missing, build the client and the
//! server in release mode, and serve on http://127.0.0.1:PORT until Ctrl-C.

use std::process::Command;

use crate::cmd::{self, Result, cargo};
use crate::{root, tools};

pub(crate) fn run(args: &[String]) -> Result {
    let port = match args {
        [] => "8080".to_owned(),
        [flag, port] if flag == "--port" && port.parse::<u16>().is_ok() => port.clone(),
        _ => return Err("usage: cargo xtask run [--port N]".to_owned()),
    };
    let root = root();
    tools::ensure_client_tools(&root)?;
    println!("==> building the client (trunk build --release)");
    cmd::run(
        Command::new("trunk")
            .args(["build", "--release"])
            .current_dir(&root)
            .env("PATH", cmd::path_with(&tools::npm_bin(&root))),
    )?;
    println!("==> building the server");
    cmd::run(cargo(&root).args(["build", "--release", "-p", "trayforge-server"]))?;

    println!(
        "==> serving Trayforge on http://127.0.0.1:{port}  (data in {}; Ctrl-C stops)",
        root.join("data").display()
    );
    let mut server = Command::new(root.join("target/release/trayforge"));
    server
        .arg("serve")
        .current_dir(&root)
        .env("TRAYFORGE__SERVER__PORT", &port)
        .env("TRAYFORGE__SERVER__DIST_DIR", root.join("dist"))
        .env("TRAYFORGE__DATA__DIR", root.join("data"));
    serve(server)
}

/// Becomes the server, so Ctrl-C goes to it alone and it shuts down
/// gracefully with nothing left behind.
#[cfg(unix)]
fn serve(mut server: Command) -> Result {
    use std::os::unix::process::CommandExt;
    Err(format!("cannot start the server: {}", server.exec()))
}

#[cfg(not(unix))]
fn serve(mut server: Command) -> Result {
    let status = server.status().map_err(|e| format!("cannot start the server: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the server stopped: {status}")) }
}
