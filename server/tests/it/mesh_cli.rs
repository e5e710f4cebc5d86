//! `trayforge mesh inspect`, `convert` and `repair` on corpus files.

use std::process::{Command, Output};

use trayforge_wire::MeshReport;

use crate::support::corpus;

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

#[test]
fn inspect_json_names_bodies_colours_and_the_height_check() {
    let report = inspect_json(&corpus("synthetic/ascii_two_solids.stl"));
    let bodies: Vec<_> = report.bodies.iter().map(|b| (b.name.as_str(), b.triangles)).collect();
    assert_eq!(bodies, [("upper", 12), ("lower", 12)]);
    assert!(!report.face_colors);
    assert_eq!((report.height_mm, report.height_check), (Some(10.0), None));
    assert!(inspect_json(&corpus("synthetic/binary_colour_viscam.stl")).face_colors);

    let file = corpus("synthetic/cube_binary.stl");
    let output =
        mesh(&["inspect".as_ref(), "--json".as_ref(), "--max-height".as_ref(), "8".as_ref(), file.as_os_str()]);
    let report: MeshReport = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report.height_check.as_deref(), Some("too_tall"));
    let output = mesh(&["inspect".as_ref(), "--max-height".as_ref(), "120".as_ref(), file.as_os_str()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("height             10.00 mm (fits the printer)"), "{text}");
}

#[test]
fn convert_to_3mf_writes_one_object_per_body() {
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("case.3mf");
    let source = corpus("synthetic/ascii_two_solids.stl");
    let output = mesh(&["convert".as_ref(), source.as_os_str(), package.as_os_str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = inspect_json(&package);
    assert_eq!(report.format, "3mf");
    // Two closed 10 mm cubes, kept apart as objects.
    assert_eq!((report.triangles, report.vertices, report.components), (24, 16, 2));
    assert_eq!(report.volume_mm3, Some(2000.0));
}

#[test]
fn convert_to_an_unknown_extension_exits_2_naming_what_it_can_write() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("arch.xyz");
    let output = mesh(&["convert".as_ref(), corpus("synthetic/cube_binary.stl").as_os_str(), target.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot write `.xyz` files; name the output .stl or .3mf"), "{stderr}");
    assert!(!target.exists());
}

#[test]
fn repair_fills_the_open_cube_says_so_and_writes_a_closed_cube() {
    let dir = tempfile::tempdir().unwrap();
    let repaired = dir.path().join("cube.stl");
    let source = corpus("synthetic/open_cube_missing_face.stl");
    let output = mesh(&["repair".as_ref(), source.as_os_str(), repaired.as_os_str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "filled 1 hole (4 edges, 2 faces)\n");
    let report = inspect_json(&repaired);
    assert_eq!(report.format, "binary_stl");
    assert!(report.watertight);
    assert_eq!((report.triangles, report.boundary_loops.len()), (12, 0));
    assert_eq!(report.volume_mm3, Some(1000.0));
    assert_eq!(report.orientation, "outward");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("cube.stl")]);
}

#[test]
fn repair_lists_each_change_of_a_cube_with_degenerate_faces() {
    let dir = tempfile::tempdir().unwrap();
    let repaired = dir.path().join("cube.stl");
    let source = corpus("synthetic/binary_degenerate_faces.stl");
    let output = mesh(&["repair".as_ref(), source.as_os_str(), repaired.as_os_str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "removed 2 degenerate faces\nremoved 3 unused vertices\n");
    let report = inspect_json(&repaired);
    assert_eq!((report.triangles, report.vertices, report.degenerate_faces), (12, 8, 0));
    assert!(report.watertight);
}

#[test]
fn repair_of_a_valid_arch_says_nothing_to_repair_and_keeps_the_mesh_in_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let repaired = dir.path().join("arch.stl");
    let source = corpus("public/dental/ref_upper_tag0.stl");
    let output = mesh(&["repair".as_ref(), source.as_os_str(), repaired.as_os_str(), "--ascii".as_ref()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "nothing to repair\n");
    let (original, written) = (inspect_json(&source), inspect_json(&repaired));
    assert_eq!(written.format, "ascii_stl");
    assert_eq!((written.triangles, written.vertices), (original.triangles, original.vertices));
    assert_eq!(written.bounds, original.bounds);
}

#[test]
fn repair_of_a_bad_file_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let repaired = dir.path().join("out.stl");
    let source = corpus("synthetic/binary_truncated.stl");
    let output = mesh(&["repair".as_ref(), source.as_os_str(), repaired.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("declares 12 triangles but holds 7"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn prepare_closes_an_open_scan_on_a_base_standing_at_z_0_and_says_each_step() {
    let dir = tempfile::tempdir().unwrap();
    let prepared = dir.path().join("upper-prepared.stl");
    let source = corpus("realistic/upper_scan_open.stl");
    let output =
        mesh(&["prepare".as_ref(), source.as_os_str(), prepared.as_os_str(), "--label".as_ref(), "K7Q U03".as_ref()]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{said}{}", String::from_utf8_lossy(&output.stderr));
    assert!(said.contains("frame: teeth point along (-0.00, -1.00, -0.06), found from the scan's open rim"), "{said}");
    assert!(said.contains("repair: dropped 5 loose crumbs"), "{said}");
    assert!(said.contains("flat base: cut 1 mm above the open rim's highest point, 3 mm plate"), "{said}");
    assert!(said.contains("label: \"K7Q U03\" on the base"), "{said}");
    let report = inspect_json(&prepared);
    assert!(report.watertight);
    assert_eq!((report.components, report.orientation.as_str()), (1, "outward"));
    assert_eq!(report.bounds.unwrap().min[2], 0.0, "the base's bottom at z = 0");
}

#[test]
fn prepare_refuses_what_it_cannot_make_printable_with_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = dir.path().join("recipe.json");
    std::fs::write(&recipe, r#"{"repair": false, "base": null, "label": null}"#).unwrap();
    let prepared = dir.path().join("out.stl");
    let source = corpus("synthetic/open_cube_missing_face.stl");
    let output =
        mesh(&["prepare".as_ref(), source.as_os_str(), prepared.as_os_str(), "--recipe".as_ref(), recipe.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("not prepared, nothing written: check: the prepared model is not printable: 1 open rim"),
        "{error}"
    );
    assert!(error.contains("turn the base on"), "{error}");
    assert!(!prepared.exists());

    // A scan with its crumbs and repair off: the crumbs cannot be united.
    let scan = corpus("realistic/lower_scan_open.stl");
    let output =
        mesh(&["prepare".as_ref(), scan.as_os_str(), prepared.as_os_str(), "--recipe".as_ref(), recipe.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("unite: a piece of") && error.contains("turn repair on"), "{error}");
    assert!(!prepared.exists());

    std::fs::write(&recipe, r#"{"base": {"base_height_mm": -1}}"#).unwrap();
    let output =
        mesh(&["prepare".as_ref(), source.as_os_str(), prepared.as_os_str(), "--recipe".as_ref(), recipe.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("recipe.json: not a valid recipe: base.base_height_mm"), "{error}");
    assert!(std::fs::read_dir(dir.path()).unwrap().count() == 1, "only the recipe is there");
}
