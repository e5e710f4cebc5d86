//! `trayforge mesh inspect` and `trayforge mesh convert` on corpus files.

use std::path::PathBuf;
use std::process::{Command, Output};

use trayforge_wire::MeshReport;

fn corpus(file: &str) -> PathBuf {
    let dir = std::env::var_os("TRAYFORGE_CORPUS")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"), PathBuf::from);
    dir.join(file)
}

fn mesh(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trayforge")).arg("mesh").args(args).output().expect("the binary runs")
}

fn inspect_json(file: &std::path::Path) -> MeshReport {
    let output = mesh(&["inspect".as_ref(), "--json".as_ref(), file.as_os_str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("inspect --json prints a MeshReport")
}

#[test]
fn inspect_json_reports_a_closed_cube() {
    let report = inspect_json(&corpus("synthetic/cube_binary.stl"));
    assert_eq!((report.triangles, report.vertices, report.components), (12, 8, 1));
    assert!(report.watertight);
    assert_eq!(report.volume_mm3, Some(1000.0));
    assert_eq!(report.orientation, "outward");
}

#[test]
fn inspect_text_names_the_hole_of_an_open_cube() {
    let output = mesh(&["inspect".as_ref(), corpus("synthetic/open_cube_missing_face.stl").as_os_str()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("watertight         no (1 hole)"), "{text}");
}

#[test]
fn a_bad_file_exits_2_with_the_reason_on_stderr() {
    let output = mesh(&["inspect".as_ref(), corpus("synthetic/binary_truncated.stl").as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("declares 12 triangles but holds 7"));
}

#[test]
fn convert_to_ascii_and_back_keeps_the_mesh_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let ascii = dir.path().join("arch.stl");
    let source = corpus("public/dental/ref_lower_tag0.stl");
    let output = mesh(&["convert".as_ref(), source.as_os_str(), ascii.as_os_str(), "--ascii".as_ref()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let converted = inspect_json(&ascii);
    assert_eq!(converted.format, "ascii_stl");
    let original = inspect_json(&source);
    assert_eq!((converted.triangles, converted.vertices), (original.triangles, original.vertices));
    assert_eq!(converted.bounds, original.bounds);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("arch.stl")]);
}
