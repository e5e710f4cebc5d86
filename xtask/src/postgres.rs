//! A throwaway PostgreSQL cluster for the storage tests: a temp folder, a
//! free port, trust authentication on 127.0.0.1, stopped and removed when
//! dropped, whether the tests passed, failed or panicked.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, Result};
use crate::tools;

#[derive(Debug)]
pub(crate) struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres_user: bool,
    pub(crate) url: String,
}

impl Cluster {
    pub(crate) fn start() -> Result<Cluster> {
        let bin = match find_bin() {
            Some(bin) => bin,
            None => {
                tools::ensure_apt_package(Path::new("/usr/lib/postgresql"), "postgresql", "1 to 2 minutes, once")?;
                find_bin().ok_or("PostgreSQL was installed but no initdb is under /usr/lib/postgresql/*/bin")?
            }
        };
        // PostgreSQL refuses to run as root: then run it as the `postgres` user Debian's package creates.
        let as_postgres_user = cmd::output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
        let dir = std::env::temp_dir().join(format!("trayforge-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let port = free_port()?;
        let cluster =
            Cluster { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), dir, bin, as_postgres_user };
        if as_postgres_user {
            cmd::run(Command::new("chown").arg("-R").arg("postgres:").arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        cmd::run(cluster.pg("initdb").arg("-D").arg(&data).args([
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ]))?;
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", cluster.dir.display());
        cmd::run(
            cluster
                .pg("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(cluster.dir.join("server.log"))
                .args(["-o", &options, "-w", "start"]),
        )?;
        Ok(cluster)
    }

    fn pg(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = cmd::run(self.pg("pg_ctl").arg("-D").arg(&data).args(["-m", "fast", "-w", "stop"]));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest `/usr/lib/postgresql/N/bin` holding `initdb`.
fn find_bin() -> Option<PathBuf> {
    let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    bins.sort_by_key(|bin| {
        bin.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok())
    });
    bins.pop()
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("no free port: {e}"))
}
