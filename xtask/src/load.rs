//! `cargo xtask bench server` and `cargo xtask bench soak`: the release
//! server under load from wrk (Debian's, installed when missing), on
//! SQLite and on a throwaway PostgreSQL.
//!
//! `server` prints requests a second and the 50th and 99th percentile
//! latencies for `/healthz` (the anchor: no database, no identity), `/me`
//! by API token and by session cookie, the case list and a case page by
//! token — 50 connections, 2 threads, 10 s each, after a 2 s warm-up.
//!
//! `soak` runs 10 minutes at 200 connections of mixed reads and writes
//! (of every 10 requests: 8 case lists, 1 case page, 1 new case) by token
//! on SQLite, and prints the server's resident memory at the start and the
//! end, the errors (non-2xx answers, socket errors) and fails on any.

use std::path::Path;
use std::process::Command;

use crate::cmd::{self, Result, cargo};
use crate::postgres::Cluster;
use crate::serve::{Server, api_token, post, sign_in, string_field};
use crate::tools;

/// Cases in the clinic before measuring: a full first page and more.
const CASES: usize = 60;

pub(crate) fn server(root: &Path) -> Result {
    let bin = build(root)?;
    println!("==> SQLite");
    measure(&bin, None)?;
    println!("==> PostgreSQL");
    // Stopped and removed when dropped.
    let cluster = Cluster::start()?;
    measure(&bin, Some(&cluster.url))
}

pub(crate) fn soak(root: &Path) -> Result {
    let bin = build(root)?;
    let server = Server::start(&bin, None)?;
    let seed = seed(&server)?;
    let script = std::env::temp_dir().join(format!("trayforge-soak-{}.lua", std::process::id()));
    std::fs::write(&script, SOAK_SCRIPT).map_err(|e| format!("cannot write {}: {e}", script.display()))?;
    let start_kb = resident_kb(server.pid());
    println!("==> soak: 10 minutes, 200 connections, 8 lists : 1 case page : 1 new case, by token (SQLite)");
    let out = cmd::output(
        Command::new("wrk")
            .args(["-t2", "-c200", "-d600s", "--timeout", "10s", "--latency", "-s"])
            .arg(&script)
            .arg(format!("http://{}", server.address))
            .env("TRAYFORGE_TOKEN", &seed.token)
            .env("TRAYFORGE_CASE", &seed.case_id),
    )
    .ok_or("wrk failed")?;
    let end_kb = resident_kb(server.pid());
    let _ = std::fs::remove_file(&script);
    println!("{out}");
    let run = Run::parse(&out)?;
    println!(
        "soak: {:.0} req/s, p50 {} p99 {}; errors: {} non-2xx, {} socket; resident memory {} MB at the start, {} MB at the end",
        run.per_second,
        run.p50,
        run.p99,
        run.non_2xx,
        run.socket_errors,
        start_kb / 1000,
        end_kb / 1000
    );
    if run.non_2xx + run.socket_errors > 0 {
        println!("{}", server.stop());
        return Err(format!("the soak had {} non-2xx answers and {} socket errors", run.non_2xx, run.socket_errors));
    }
    Ok(())
}

/// wrk, and the release server.
fn build(root: &Path) -> Result<std::path::PathBuf> {
    tools::ensure_apt_package(Path::new("/usr/bin/wrk"), "wrk", "about 10 seconds, once")?;
    cmd::run(cargo(root).args(["build", "--release", "-p", "trayforge-server"]))?;
    Ok(root.join("target/release/trayforge"))
}

/// What the requests need: a token, a session, a case.
struct Seed {
    token: String,
    cookie: String,
    case_id: String,
}

fn seed(server: &Server) -> Result<Seed> {
    let address = &server.address;
    let token = api_token(address)?;
    let owner = sign_in(address)?;
    let bearer = format!("Bearer {token}");
    let mut case_id = String::new();
    for n in 0..CASES {
        let body = format!(r#"{{"title":"Load {n}","patient":{{"full_name":"Ada Load {n}"}}}}"#);
        let (status, _, answer) = post(address, "/api/v1/cases", &[("Authorization", bearer.as_str())], &body)?;
        if status != 201 {
            return Err(format!("creating a case answered {status}: {answer}"));
        }
        case_id = string_field(&answer, "id").ok_or("a new case without an id")?;
    }
    Ok(Seed { token, cookie: owner.cookie, case_id })
}

fn measure(bin: &Path, database_url: Option<&str>) -> Result {
    let server = Server::start(bin, database_url)?;
    let seed = seed(&server)?;
    let bearer = format!("Authorization: Bearer {}", seed.token);
    let cookie = format!("Cookie: {}", seed.cookie);
    let case_page = format!("/api/v1/cases/{}", seed.case_id);
    let targets: [(&str, &str, Option<&str>); 5] = [
        ("healthz (anchor)", "/healthz", None),
        ("/me by token", "/api/v1/me", Some(&bearer)),
        ("/me by session", "/api/v1/me", Some(&cookie)),
        ("case list by token", "/api/v1/cases?limit=20", Some(&bearer)),
        ("case page by token", &case_page, Some(&bearer)),
    ];
    println!("{:<22} {:>10} {:>10} {:>10} {:>8}", "target", "req/s", "p50", "p99", "ratio");
    let mut anchor = None;
    for (name, path, header) in targets {
        let url = format!("http://{}{path}", server.address);
        let wrk = |duration: &str| {
            let mut command = Command::new("wrk");
            command.args(["-t2", "-c50", duration, "--latency"]);
            if let Some(header) = header {
                command.args(["-H", header]);
            }
            cmd::output(command.arg(&url)).ok_or_else(|| format!("wrk failed on {url}"))
        };
        wrk("-d2s")?;
        let run = Run::parse(&wrk("-d10s")?)?;
        if run.non_2xx + run.socket_errors > 0 {
            return Err(format!("{name}: {} non-2xx answers, {} socket errors", run.non_2xx, run.socket_errors));
        }
        let anchor = *anchor.get_or_insert(run.per_second);
        println!(
            "{name:<22} {:>10.0} {:>10} {:>10} {:>8.3}",
            run.per_second,
            run.p50,
            run.p99,
            run.per_second / anchor
        );
    }
    drop(server);
    Ok(())
}

/// What wrk printed: requests a second, latency percentiles, errors.
#[derive(Debug, PartialEq)]
struct Run {
    per_second: f64,
    p50: String,
    p99: String,
    non_2xx: u64,
    socket_errors: u64,
}

impl Run {
    fn parse(out: &str) -> Result<Run> {
        let field = |prefix: &str| {
            out.lines().map(str::trim).find_map(|line| line.strip_prefix(prefix)).map(|rest| rest.trim().to_owned())
        };
        let per_second = field("Requests/sec:")
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{out}"))?;
        let percentile = |name: &str| field(name).unwrap_or_else(|| "?".to_owned());
        let non_2xx = field("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0);
        // "Socket errors: connect 0, read 0, write 0, timeout 0"
        let socket_errors = field("Socket errors:").map_or(0, |errors| {
            errors.split(',').filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok()).sum()
        });
        Ok(Run { per_second, p50: percentile("50%"), p99: percentile("99%"), non_2xx, socket_errors })
    }
}

/// `VmRSS` of a process, in kB.
fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// wrk's script for the soak: the token and case from the environment.
const SOAK_SCRIPT: &str = r#"
local token = "Bearer " .. os.getenv("TRAYFORGE_TOKEN")
local case_path = "/api/v1/cases/" .. os.getenv("TRAYFORGE_CASE")
local n = 0
request = function()
  n = n + 1
  local turn = n % 10
  if turn == 0 then
    local body = '{"title":"Soak","patient":{"full_name":"Ada Soak ' .. n .. '"}}'
    return wrk.format("POST", "/api/v1/cases", { ["Authorization"] = token, ["Content-Type"] = "application/json" }, body)
  elseif turn == 1 then
    return wrk.format("GET", case_path, { ["Authorization"] = token })
  else
    return wrk.format("GET", "/api/v1/cases?limit=20", { ["Authorization"] = token })
  end
end
"#;

#[cfg(test)]
mod tests {
    use super::Run;

    #[test]
    fn wrk_output_is_read() {
        let out = "Running 10s test @ http://127.0.0.1:1/healthz\n  Latency Distribution\n     50%  1.10ms\n     \
                   99%  9.87ms\n  1000 requests in 10.00s, 1.00MB read\n  Socket errors: connect 0, read 2, write 0, \
                   timeout 1\n  Non-2xx or 3xx responses: 4\nRequests/sec:   5123.45\n";
        let run = Run::parse(out).unwrap();
        assert_eq!(
            run,
            Run { per_second: 5123.45, p50: "1.10ms".into(), p99: "9.87ms".into(), non_2xx: 4, socket_errors: 3 }
        );
    }
}
