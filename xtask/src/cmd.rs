//! Running programs: print what runs, fail with a message that names it.

use std::path::Path;
use std::process::Command;

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

pub(crate) fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(root);
    command
}

/// `PATH` with `dir` first.
pub(crate) fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

fn shown(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
