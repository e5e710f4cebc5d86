//! Reader behaviour on small hand-made inputs.

use expect_test::expect;
use mesh_core::{SourceFormat, read};

use crate::corpus::corpus_dir;

fn error_of(bytes: &[u8]) -> String {
    read(bytes).expect_err("the input is malformed").to_string()
}

#[test]
fn truncated_binary_is_an_error_naming_both_lengths() {
    let bytes = std::fs::read(corpus_dir().join("synthetic/binary_truncated.stl")).unwrap();
    expect!["binary STL declares 12 triangles but holds 7; the file is truncated — export it again"]
        .assert_eq(&error_of(&bytes));
}

#[test]
fn non_finite_coordinate_names_the_triangle_counting_from_one() {
    let bytes = std::fs::read(corpus_dir().join("synthetic/binary_nan_inf.stl")).unwrap();
    expect!["triangle 4 has a coordinate that is not a finite number (NaN or infinity); the exporter wrote a broken model — export it again"]
        .assert_eq(&error_of(&bytes));
}

#[test]
fn ascii_syntax_error_names_line_and_column() {
    let text = b"solid t\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 1 x 0\n";
    expect!["ASCII STL, line 5, column 13: `x` is not a number; fix or export the file again"]
        .assert_eq(&error_of(text));
}

#[test]
fn ascii_ending_inside_a_facet_is_truncated() {
    let text = b"solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\n";
    expect!["ASCII STL ends at line 5 inside a facet (expected `vertex`); the file is truncated — export it again"]
        .assert_eq(&error_of(text));
}

#[test]
fn ascii_welds_shared_corners_and_keeps_every_solid() {
    let text = b"solid a\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid a\n\
solid b\nfacet normal 0 0 1\nouter loop\nvertex 1 0 0\nvertex 1 1 0\nvertex -0.0 1 0\nendloop\nendfacet\nendsolid b\n";
    let outcome = read(text).unwrap();
    assert_eq!(outcome.format, SourceFormat::AsciiStl);
    assert_eq!(outcome.mesh.triangles, vec![[0, 1, 2], [1, 3, 2]]);
    assert_eq!(outcome.mesh.vertex_count(), 4);
}

#[test]
fn bounds_of_the_corpus_cube_are_ten_millimetres() {
    let bytes = std::fs::read(corpus_dir().join("synthetic/cube_binary.stl")).unwrap();
    let bounds = read(&bytes).unwrap().mesh.bounds().unwrap();
    assert_eq!(bounds.size(), [10.0, 10.0, 10.0]);
    assert_eq!(read(&bytes).unwrap().mesh.vertex_count(), 8);
}

#[test]
fn the_obj_arch_reads_like_its_stl_conversion() {
    let obj = read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.obj")).unwrap()).unwrap();
    let stl = read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap()).unwrap();
    assert_eq!(obj.format, SourceFormat::Obj);
    assert_eq!(obj.mesh.triangle_count(), stl.mesh.triangle_count());
    assert_eq!(obj.mesh.vertex_count(), stl.mesh.vertex_count());
    let (a, b) = (obj.mesh.bounds().unwrap(), stl.mesh.bounds().unwrap());
    for axis in 0..3 {
        assert!((a.min[axis] - b.min[axis]).abs() < 1e-5 && (a.max[axis] - b.max[axis]).abs() < 1e-5);
    }
}

fn read_corpus(relative: &str) -> mesh_core::ReadOutcome {
    read(&std::fs::read(corpus_dir().join(relative)).unwrap()).unwrap()
}

#[test]
fn every_ascii_solid_is_kept_as_a_named_body() {
    let outcome = read_corpus("public/trimesh/two_objects_mixed_case_names.stl");
    let bodies: Vec<_> = outcome.bodies.iter().map(|b| (b.name.as_str(), b.triangles.len())).collect();
    expect![[r#"[("CubeExportedFromCAD", 12), ("TranslatedCubeExportedFromCAD", 12)]"#]]
        .assert_eq(&format!("{bodies:?}"));

    let outcome = read_corpus("synthetic/ascii_two_solids.stl");
    let bodies: Vec<_> = outcome.bodies.iter().map(|b| (b.name.as_str(), b.triangles.clone())).collect();
    expect![[r#"[("upper", 0..12), ("lower", 12..24)]"#]].assert_eq(&format!("{bodies:?}"));
}

#[test]
fn a_file_without_parts_is_one_unnamed_body_holding_every_triangle() {
    let outcome = read_corpus("public/dental/ref_upper_tag0.stl");
    assert_eq!(outcome.bodies, [mesh_core::Body { name: String::new(), triangles: 0..85232 }]);
}

#[test]
fn colour_words_give_one_colour_per_face() {
    let outcome = read_corpus("synthetic/binary_colour_viscam.stl");
    let colors = outcome.colors.expect("the file has colours");
    assert_eq!(colors.len(), 12);
    assert_eq!(colors.iter().filter(|&&c| c == [255, 0, 0]).count(), 6, "{colors:?}");
    assert_eq!(colors.iter().filter(|&&c| c == [0, 0, 255]).count(), 6, "{colors:?}");
}

#[test]
fn meshmixer_and_plain_attribute_words_carry_no_colour() {
    assert_eq!(read_corpus("synthetic/binary_meshmixer_ffff.stl").colors, None);
    assert_eq!(read_corpus("synthetic/cube_binary.stl").colors, None);
}

/// Two solids of the real arch as ASCII STL: large enough to be read in parts.
fn large_ascii_with_two_solids() -> (String, usize) {
    let arch = read_corpus("public/dental/ref_upper_tag0.stl").mesh;
    let text = mesh_core::write_ascii_stl(&arch, "upper") + &mesh_core::write_ascii_stl(&arch, "upper again");
    (text, arch.triangle_count())
}

#[test]
fn a_large_ascii_file_read_in_parts_keeps_both_bodies_and_welds_across_them() {
    let (text, triangles) = large_ascii_with_two_solids();
    let outcome = read(text.as_bytes()).unwrap();
    let bodies: Vec<_> = outcome.bodies.iter().map(|b| (b.name.as_str(), b.triangles.clone())).collect();
    assert_eq!(bodies, [("upper", 0..triangles), ("upper again", triangles..2 * triangles)]);
    // The second solid repeats the first: every corner welds to a vertex of the first.
    let arch = read_corpus("public/dental/ref_upper_tag0.stl").mesh;
    assert_eq!(outcome.mesh.positions, arch.positions);
    assert_eq!(outcome.mesh.triangles[triangles..], arch.triangles[..]);
}

#[test]
fn an_error_late_in_a_large_ascii_file_names_its_line_column_and_triangle() {
    let (text, triangles) = large_ascii_with_two_solids();
    let lines = text.lines().count();
    // The last vertex line is four lines before the end: vertex, endloop, endfacet, endsolid.
    let cut = text.rfind("vertex ").unwrap() + "vertex ".len();
    let broken = format!("{}banana {}", &text[..cut], &text[cut..]);
    let message = read(broken.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        message,
        format!("ASCII STL, line {}, column 14: `banana` is not a number; fix or export the file again", lines - 3)
    );

    let infinite = format!("{}inf {}", &text[..cut], &text[cut..]);
    let message = read(infinite.as_bytes()).unwrap_err().to_string();
    assert!(message.starts_with(&format!("triangle {} has a coordinate", 2 * triangles)), "{message}");
}

#[test]
fn facet_on_the_name_line_of_a_solid_is_part_of_the_name() {
    let facet = "facet normal 0 0 1\n outer loop\n vertex 0 0 0\n vertex 1 0 0\n vertex 0 1 0\n endloop\nendfacet\n";
    let text = format!("solid name facet normal\n{facet}endsolid\n");
    let outcome = read(text.as_bytes()).unwrap();
    assert_eq!(outcome.bodies[0].name, "name facet normal");
    assert_eq!(outcome.mesh.triangle_count(), 1);
}

#[test]
fn a_body_taken_as_a_submesh_keeps_only_its_own_vertices() {
    let outcome = read_corpus("synthetic/ascii_two_solids.stl");
    let lower = outcome.mesh.submesh(outcome.bodies[1].triangles.clone());
    assert_eq!((lower.triangle_count(), lower.vertex_count()), (12, 8));
    let report = mesh_core::validate(&lower);
    assert!(report.watertight);
    assert_eq!(report.bounds.map(|b| b.min), Some([20.0, 0.0, 0.0]));
    assert!(outcome.mesh.submesh(30..40).is_empty());
}
