//! Stage differences: distances from one model's vertices to another's surface.

use mesh_core::{DiffError, IndexedMesh, read, surface_distances};

use crate::corpus::corpus_dir;

fn mesh_of(file: &str) -> IndexedMesh {
    read(&std::fs::read(corpus_dir().join(file)).unwrap()).unwrap().mesh
}

fn moved(mesh: &IndexedMesh, by: [f32; 3]) -> IndexedMesh {
    let positions = mesh.positions.iter().map(|p| [p[0] + by[0], p[1] + by[1], p[2] + by[2]]).collect();
    IndexedMesh { positions, triangles: mesh.triangles.clone() }
}

#[test]
fn a_model_compared_with_itself_is_zero_everywhere() {
    let arch = mesh_of("public/dental/ref_upper_tag0.stl");
    let diff = surface_distances(&arch, &arch).unwrap();
    assert_eq!(diff.distances.len(), arch.vertex_count());
    assert!(diff.max < 1e-4, "max {}", diff.max);
}

#[test]
fn a_cube_raised_by_half_a_millimetre_is_half_a_millimetre_from_itself_at_the_top_and_bottom() {
    let cube = mesh_of("synthetic/cube_binary.stl");
    let raised = moved(&cube, [0.0, 0.0, 0.5]);
    let diff = surface_distances(&raised, &cube).unwrap();
    // Every corner of the raised cube is 0.5 mm above or inside the original's top or bottom face.
    for (p, d) in raised.positions.iter().zip(&diff.distances) {
        let expected = if p[2] > 10.0 { 0.5 } else { 0.0 };
        assert!((d - expected).abs() < 1e-5, "corner {p:?}: {d}");
    }
    assert!((diff.max - 0.5).abs() < 1e-5);
}

#[test]
fn a_moved_arch_shows_the_move_and_an_empty_target_is_an_error() {
    let arch = mesh_of("public/dental/ref_lower_tag0.stl");
    let shifted = moved(&arch, [0.3, 0.0, 0.0]);
    let diff = surface_distances(&shifted, &arch).unwrap();
    // No vertex is farther than the move itself, and some are that far.
    assert!(diff.max <= 0.3 + 1e-4 && diff.max > 0.2, "max {}", diff.max);
    assert_eq!(surface_distances(&arch, &IndexedMesh::default()), Err(DiffError::EmptyTarget));
}
