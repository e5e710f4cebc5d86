//! A throwaway PostgreSQL cluster for the storage tests: a temp folder, a
//! free port, trust authentication on 127.0.0.1 only. It is stopped
//! (`pg_ctl stop -m fast`) and its folder removed when the [`Cluster`] is
//! dropped, whether the tests passed, failed or panicked.
//!
//! PostgreSQL refuses to run as root, so as root `initdb` and `pg_ctl` run
//! as the `postgres` user that Debian's package creates (`runuser`), and
//! the temp folder is handed to that user.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, Result};
use crate::tools;

#[derive(Debug)]
pub(crate) struct Cluster {
    /// The temp folder: `data/` (the cluster), `server.log`, and the socket.
    dir: PathBuf,
    /// The folder holding `initdb` and `pg_ctl`.
    bin: PathBuf,
    as_postgres_user: bool,
    started: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub(crate) url: String,
}

impl Cluster {
    pub(crate) fn start() -> Result<Cluster> {
        let bin = match find_bin() {
            Some(bin) => bin,
            None => {
                tools::install_apt_package("postgresql", "about 1 minute, once")?;
                find_bin().ok_or("PostgreSQL was installed but no initdb is on PATH or under /usr/lib/postgresql")?
            }
        };
        let as_postgres_user = cmd::output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
        let port = free_port()?;
        // As root $TMPDIR may lie under /root, where the postgres user cannot enter.
        let base = if as_postgres_user { PathBuf::from("/tmp") } else { std::env::temp_dir() };
        let dir = base.join(format!("trayforge-pg-{}-{port}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // From here on, dropping `cluster` removes the folder (and stops the server once started).
        let mut cluster = Cluster {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            as_postgres_user,
            started: false,
        };
        if as_postgres_user {
            cmd::run(Command::new("chown").arg("-R").arg("postgres:postgres").arg(&cluster.dir))?;
        }
        println!("  PostgreSQL from {} in {}", cluster.bin.display(), cluster.dir.display());
        cmd::run(cluster.pg("initdb").arg("-D").arg(cluster.data()).args([
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]))?;
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", cluster.dir.display());
        let log = cluster.dir.join("server.log");
        cluster.started = true;
        let started = cmd::run(
            cluster
                .pg("pg_ctl")
                .arg("-D")
                .arg(cluster.data())
                .arg("-l")
                .arg(&log)
                .args(["-o", &options, "-w", "start"]),
        );
        if let Err(message) = started {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("{message}\n{log}"));
        }
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `program` from the cluster's PostgreSQL, as the `postgres` user when we are root.
    fn pg(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        // A folder the postgres user can enter, whatever ours is.
        command.current_dir(&self.dir);
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.started {
            let stop = self.pg("pg_ctl").arg("-D").arg(self.data()).args(["-m", "fast", "-w", "stop"]).status();
            println!("  PostgreSQL stopped ({})", stop.map_or_else(|e| e.to_string(), |s| s.to_string()));
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            println!("  could not remove {}: {e}", self.dir.display());
        }
    }
}

/// The folder of the `initdb` on `PATH`, else of the newest
/// `/usr/lib/postgresql/N/bin/initdb` (Debian keeps it off `PATH`).
fn find_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("initdb"))
        .find(|initdb| initdb.is_file())
        // Follow a symlink such as /usr/local/bin/initdb to the folder that also holds pg_ctl.
        .and_then(|initdb| std::fs::canonicalize(initdb).ok())
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
        .filter(|bin| bin.join("pg_ctl").is_file());
    on_path.or_else(newest_debian_bin)
}

fn newest_debian_bin() -> Option<PathBuf> {
    let mut bins: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse::<u32>().ok()?, entry.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    bins.sort();
    bins.pop().map(|(_, bin)| bin)
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("no free port: {e}"))
}
