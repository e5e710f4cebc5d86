//! Running programs: print what runs, fail with a message that names it,
//! and the small helpers every command shares (the error type, `PATH`,
//! durations).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Every failure is a sentence for the person at the terminal.
pub(crate) type Result<T = ()> = std::result::Result<T, String>;

/// Runs `command` with inherited output; an error names the command and its status.
pub(crate) fn run(command: &mut Command) -> Result {
    println!("  $ {}", shown(command));
    let status = command.status().map_err(|e| format!("cannot start `{}`: {e}", shown(command)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed ({status})", shown(command))) }
}

/// Runs `command` quietly and returns its standard output, or `None` if it
/// cannot start or fails (used to ask tools for their versions).
pub(crate) fn output(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The cargo that runs this xtask (`$CARGO`), so nested builds use the same toolchain.
pub(crate) fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    command.current_dir(root);
    command
}

/// Where `cargo install` puts programs: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub(crate) fn cargo_bin() -> Option<PathBuf> {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => Some(PathBuf::from(home).join("bin")),
        None => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin")),
    }
}

/// `PATH` with `dirs` first, in their order.
pub(crate) fn path_with(dirs: &[PathBuf]) -> OsString {
    let mut paths = dirs.to_vec();
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).unwrap_or_else(|_| std::env::var_os("PATH").unwrap_or_default())
}

/// `1.3 s`, `2 min 05 s`.
pub(crate) fn duration(took: Duration) -> String {
    let seconds = took.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = took.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

fn shown(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        let arg = arg.to_string_lossy();
        text.push(' ');
        if arg.is_empty() || arg.contains(char::is_whitespace) {
            text.push('"');
            text.push_str(&arg);
            text.push('"');
        } else {
            text.push_str(&arg);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_seconds_then_minutes() {
        assert_eq!(duration(Duration::from_millis(1340)), "1.3 s");
        assert_eq!(duration(Duration::from_secs(125)), "2 min 05 s");
    }
}
