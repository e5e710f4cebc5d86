//! The validation report on known shapes.

use mesh_core::{HeightCheck, Orientation, read, validate};

use crate::corpus::corpus_dir;

fn report_of(file: &str) -> mesh_core::ValidationReport {
    let bytes = std::fs::read(corpus_dir().join(file)).unwrap();
    validate(&read(&bytes).unwrap().mesh)
}

#[test]
fn closed_cube_is_watertight_outward_with_exact_area_and_volume() {
    let report = report_of("synthetic/cube_binary.stl");
    assert!(report.watertight);
    assert_eq!(report.orientation, Orientation::Consistent { outward: true });
    assert!((report.surface_area - 600.0).abs() < 1e-9, "{}", report.surface_area);
    assert!((report.signed_volume - 1000.0).abs() < 1e-9, "{}", report.signed_volume);
    assert_eq!((report.components, report.boundary_loops.len()), (1, 0));
    assert_eq!((report.degenerate_faces, report.duplicate_faces, report.non_manifold_edges), (0, 0, 0));
}

#[test]
fn a_missing_side_is_one_boundary_loop_of_four_edges() {
    let report = report_of("synthetic/open_cube_missing_face.stl");
    assert!(!report.watertight);
    assert_eq!(report.boundary_loops, vec![4]);
}

#[test]
fn two_disjoint_cubes_are_two_components_of_twice_the_volume() {
    let report = report_of("synthetic/two_disjoint_cubes.stl");
    assert_eq!(report.components, 2);
    assert!((report.signed_volume - 2000.0).abs() < 1e-9);
}

#[test]
fn the_real_dental_arch_is_one_consistently_oriented_piece() {
    let report = report_of("public/dental/ref_lower_tag0.stl");
    assert_eq!(report.triangles, 83262);
    assert!(matches!(report.orientation, Orientation::Consistent { .. }), "{:?}", report.orientation);
}

#[test]
fn height_is_checked_against_the_printable_range() {
    let cube = read(&std::fs::read(corpus_dir().join("synthetic/cube_binary.stl")).unwrap()).unwrap().mesh;
    let report = validate(&cube);
    assert_eq!(report.height_mm(), Some(10.0));
    assert_eq!(report.check_height(0.0, 100.0), HeightCheck::Fits { height_mm: 10.0 });
    assert_eq!(report.check_height(0.0, 8.0), HeightCheck::TooTall { height_mm: 10.0, max_mm: 8.0 });
    assert_eq!(report.check_height(12.0, 100.0), HeightCheck::TooShort { height_mm: 10.0, min_mm: 12.0 });
    assert_eq!(validate(&mesh_core::IndexedMesh::default()).check_height(0.0, 1.0), HeightCheck::Empty);
}

#[test]
fn the_missing_side_of_the_open_cube_is_four_boundary_edges_at_its_rim() {
    let mesh = read(&std::fs::read(corpus_dir().join("synthetic/open_cube_missing_face.stl")).unwrap()).unwrap().mesh;
    let edges = mesh_core::problem_edges(&mesh);
    assert_eq!(edges.boundary.len(), 4);
    assert!(edges.non_manifold.is_empty());
    // The four rim edges lie in one face plane of the cube: one coordinate is shared by all their ends.
    let ends: Vec<[f32; 3]> = edges.boundary.iter().flatten().map(|&i| mesh.positions[i as usize]).collect();
    let shared_axis = (0..3).any(|axis| ends.iter().all(|p| p[axis] == ends[0][axis]));
    assert!(shared_axis, "rim ends {ends:?}");
}
