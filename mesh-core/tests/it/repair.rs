//! Mesh repair on corpus files and built shapes: each step fixes what it
//! names, and a valid mesh comes back untouched.

use std::collections::HashMap;

use mesh_core::repair::{FilledHole, UnfilledReason};
use mesh_core::{IndexedMesh, Orientation, RepairOptions, RepairReport, ValidationReport, read, repair, validate};

use crate::corpus::corpus_dir;
use crate::random::Random;
use crate::solids::cube_at;

fn corpus_mesh(file: &str) -> IndexedMesh {
    read(&std::fs::read(corpus_dir().join(file)).unwrap()).unwrap().mesh
}

fn repaired(mesh: &IndexedMesh) -> (IndexedMesh, RepairReport, ValidationReport) {
    let (mesh, report) = repair(mesh, &RepairOptions::default());
    let validation = validate(&mesh);
    (mesh, report, validation)
}

fn assert_closed_outward(report: &ValidationReport) {
    assert!(report.watertight, "{report:?}");
    assert_eq!(report.orientation, Orientation::Consistent { outward: true }, "{report:?}");
    assert_eq!((report.degenerate_faces, report.duplicate_faces), (0, 0), "{report:?}");
}

/// The closed 10 mm cube of the corpus, built here: 8 vertices, 12 outward faces.
fn cube(size: f32) -> IndexedMesh {
    cube_at([0.0; 3], size)
}

#[test]
fn a_valid_closed_mesh_comes_back_identical_with_nothing_to_report() {
    for file in ["synthetic/cube_binary.stl", "synthetic/two_disjoint_cubes.stl"] {
        let mesh = corpus_mesh(file);
        assert!(validate(&mesh).watertight, "{file} is a closed mesh");
        let (after, report) = repair(&mesh, &RepairOptions::default());
        assert_eq!(after, mesh, "{file}");
        assert!(report.is_empty(), "{file}: {report}");
        assert_eq!(report.to_string(), "nothing to repair");
    }
}

#[test]
fn degenerate_faces_are_removed_leaving_the_closed_cube() {
    let (mesh, report, validation) = repaired(&corpus_mesh("synthetic/binary_degenerate_faces.stl"));
    assert_eq!(mesh.triangle_count(), 12);
    assert_closed_outward(&validation);
    assert_eq!(report.degenerate.degenerate_faces(), 2);
    assert!(report.lines().contains(&"removed 2 degenerate faces".to_owned()), "{report}");
}

#[test]
fn duplicate_faces_are_removed_in_any_rotation_or_winding() {
    let mut mesh = cube(10.0);
    mesh.triangles.push([2, 1, 0]);
    mesh.triangles.push([3, 1, 2]);
    let (mesh, report, validation) = repaired(&mesh);
    assert_eq!(report.degenerate.duplicate_faces, 2);
    assert_eq!(mesh, cube(10.0));
    assert_closed_outward(&validation);
    assert_eq!(report.to_string(), "removed 2 duplicate faces");
}

#[test]
fn a_missing_side_is_filled_to_a_closed_outward_cube_of_1000_mm3() {
    let (mesh, report, validation) = repaired(&corpus_mesh("synthetic/open_cube_missing_face.stl"));
    assert_closed_outward(&validation);
    assert!((validation.signed_volume - 1000.0).abs() < 1e-9, "{}", validation.signed_volume);
    assert_eq!((mesh.triangle_count(), mesh.vertex_count()), (12, 8));
    assert_eq!(report.holes.filled, [FilledHole { edges: 4, faces: 2 }]);
    assert_eq!(report.to_string(), "filled 1 hole (4 edges, 2 faces)");
}

#[test]
fn a_hole_longer_than_the_limit_is_reported_and_left_open() {
    let open = corpus_mesh("synthetic/open_cube_missing_face.stl");
    let options = RepairOptions { max_hole_edges: 3, ..RepairOptions::default() };
    let (mesh, report) = repair(&open, &options);
    assert_eq!(mesh, open);
    assert_eq!(report.holes.unfilled.len(), 1);
    assert_eq!(report.holes.unfilled[0].reason, UnfilledReason::LargerThan { max_edges: 3 });
    assert_eq!(report.to_string(), "left 1 hole of 4 edges unfilled (larger than 3)");
}

#[test]
fn a_flipped_face_is_turned_to_agree_with_its_neighbours() {
    let (_, report, validation) = repaired(&corpus_mesh("synthetic/cube_one_flipped.stl"));
    assert_closed_outward(&validation);
    assert!((validation.signed_volume - 1000.0).abs() < 1e-9);
    assert_eq!(report.orientation.flipped_faces, 1);
    assert_eq!(report.to_string(), "flipped 1 face to agree with the faces around");
}

#[test]
fn an_inside_out_cube_is_turned_outward() {
    let mut inside_out = cube(10.0);
    for t in &mut inside_out.triangles {
        t.swap(0, 1);
    }
    let (_, report, validation) = repaired(&inside_out);
    assert_closed_outward(&validation);
    assert_eq!((report.orientation.flipped_faces, report.orientation.inverted_pieces), (0, 1));
    assert_eq!(report.to_string(), "turned 1 inside-out piece outward (12 faces)");
}

#[test]
fn two_disjoint_cubes_of_the_same_size_both_stay() {
    let (_, report, validation) = repaired(&corpus_mesh("synthetic/two_disjoint_cubes.stl"));
    assert_eq!(validation.components, 2);
    assert!((validation.signed_volume - 2000.0).abs() < 1e-9);
    assert_eq!(report.small_pieces.pieces, 0);
}

#[test]
fn a_stray_triangle_beside_a_cube_is_removed_with_its_vertices() {
    let mut mesh = cube(10.0);
    mesh.positions.extend([[20.0, 0.0, 0.0], [20.5, 0.0, 0.0], [20.0, 0.5, 0.0]]);
    mesh.triangles.push([8, 9, 10]);
    let (mesh, report, validation) = repaired(&mesh);
    assert_eq!(mesh, cube(10.0));
    assert_closed_outward(&validation);
    assert_eq!((report.small_pieces.pieces, report.small_pieces.faces, report.unused_vertices), (1, 1, 3));
    assert_eq!(report.lines(), ["removed 1 small loose piece (1 face)", "removed 3 unused vertices"]);
}

#[test]
fn tolerance_weld_joins_two_cube_halves_a_micrometre_apart() {
    // Each half has its own vertices; the second half's are 1e-6 mm off.
    let whole = cube(10.0);
    let mut mesh = IndexedMesh { positions: whole.positions.clone(), triangles: whole.triangles[..6].to_vec() };
    mesh.positions.extend(whole.positions.iter().map(|p| p.map(|c| c + 1e-6)));
    mesh.triangles.extend(whole.triangles[6..].iter().map(|t| t.map(|v| v + 8)));
    let before = validate(&mesh);
    assert_eq!((before.components, before.watertight), (2, false));

    let (mesh, report, validation) = repaired(&mesh);
    assert_eq!(report.weld.merged_vertices, 8);
    assert_eq!((mesh.vertex_count(), mesh.triangle_count()), (8, 12));
    assert_closed_outward(&validation);
    assert_eq!(validation.components, 1);
    assert!((validation.signed_volume - 1000.0).abs() < 1e-3, "{}", validation.signed_volume);
    assert!(report.holes.filled.is_empty(), "the weld closed the cube, not hole filling: {report}");
    assert_eq!(report.to_string(), "merged 8 vertices closer than 0.0001 mm");
}

#[test]
fn tolerance_weld_keeps_vertices_farther_apart_than_the_tolerance() {
    // A crack: one face has its own copy of the corner at the origin, 0.2 µm up.
    let mut mesh = cube(10.0);
    mesh.positions.push([0.0, 0.0, 2e-4]);
    mesh.triangles[4] = [8, 1, 4];
    let change = mesh.clone().weld_within(1e-4);
    assert_eq!(change.merged_vertices, 0);
    let change = mesh.weld_within(1e-3);
    assert_eq!((change.merged_vertices, change.removed_faces), (1, 0));
    assert_eq!(mesh, cube(10.0));
}

#[test]
fn tolerance_weld_leaves_close_vertices_inside_a_closed_surface() {
    // Two vertices 0.05 µm apart joined by an edge of the closed surface:
    // merging them would collapse faces of a valid mesh.
    let mut mesh = cube(10.0);
    mesh.positions.push([5.0, 5.0 + 5e-5, 10.0]);
    mesh.positions.push([5.0, 5.0, 10.0]);
    mesh.triangles.splice(2..4, [[4, 5, 8], [5, 7, 8], [7, 6, 9], [6, 4, 9], [4, 8, 9], [8, 7, 9]]);
    assert!(validate(&mesh).watertight);
    let (after, report) = repair(&mesh, &RepairOptions::default());
    assert_eq!(after, mesh, "{report}");
    assert!(report.is_empty(), "{report}");
}

#[test]
fn the_real_dental_arches_are_valid_and_come_back_identical() {
    for file in ["public/dental/ref_lower_tag0.stl", "public/dental/ref_upper_tag0.stl"] {
        let mesh = corpus_mesh(file);
        let before = validate(&mesh);
        assert!(before.watertight, "{file}: {before:?}");
        let (after, report) = repair(&mesh, &RepairOptions::default());
        assert!(report.is_empty(), "{file}: {report}");
        assert_eq!(after, mesh, "{file}");
    }
}

#[test]
fn a_damaged_dental_arch_is_repaired_to_its_closed_pieces() {
    let arch = corpus_mesh("public/dental/ref_lower_tag0.stl");
    let before = validate(&arch);
    let mut random = Random(0x6172_6368);
    let mut mesh = arch.clone();
    // Holes: every face around 30 random vertices, and 40 single faces.
    let centres: Vec<u32> = (0..30).map(|_| random.below(mesh.vertex_count()) as u32).collect();
    mesh.triangles.retain(|t| !t.iter().any(|v| centres.contains(v)));
    for _ in 0..40 {
        let face = random.below(mesh.triangles.len());
        mesh.triangles.swap_remove(face);
    }
    for _ in 0..25 {
        let face = random.below(mesh.triangles.len());
        mesh.triangles[face].swap(1, 2);
    }
    mesh.triangles.push(mesh.triangles[7]);
    let damaged = validate(&mesh);
    assert!(damaged.boundary_loops.len() >= 30, "{damaged:?}");

    let (repaired_mesh, report, after) = repaired(&mesh);
    eprintln!("damaged lower arch ({} holes):\n{report}", damaged.boundary_loops.len());
    assert_closed_outward(&after);
    assert_eq!((after.non_manifold_edges, after.components), (0, before.components), "{report}");
    assert_eq!(report.degenerate.duplicate_faces, 1);
    assert_eq!(report.orientation.flipped_faces, 25);
    assert!(report.holes.unfilled.is_empty(), "{report}");
    let filled_faces: usize = report.holes.filled.iter().map(|h| h.faces).sum();
    assert_eq!(repaired_mesh.triangle_count(), mesh.triangle_count() - 1 + filled_faces);
    // The patches follow the surface: the volume stays within a thousandth.
    let ratio = after.signed_volume / before.signed_volume;
    assert!((ratio - 1.0).abs() < 1e-3, "volume ratio {ratio}");
}

#[test]
fn repairing_any_corpus_file_adds_no_hole_and_no_non_manifold_edge() {
    let manifest = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).unwrap();
    for file in manifest.lines().skip(1).filter_map(|line| line.split('\t').next()) {
        let Ok(outcome) = read(&std::fs::read(corpus_dir().join(file)).unwrap()) else { continue };
        let before = validate(&outcome.mesh);
        let (mesh, report, after) = repaired(&outcome.mesh);
        eprintln!(
            "{file}: {:?} {:?} holes {} → {}: {}",
            before.orientation,
            before.signed_volume,
            before.boundary_loops.len(),
            after.boundary_loops.len(),
            report.lines().join("; ")
        );
        assert!(after.boundary_loops.len() <= before.boundary_loops.len(), "{file}: {report}");
        assert!(after.non_manifold_edges <= before.non_manifold_edges, "{file}: {report}");
        assert_eq!((after.degenerate_faces, after.duplicate_faces), (0, 0), "{file}: {report}");
        // A second repair finds nothing the first could have done.
        let (again, second) = repair(&mesh, &RepairOptions::default());
        assert!(second.lines().iter().all(|line| line.starts_with("left ")), "{file}: {second}");
        assert_eq!(again, mesh, "{file}: {second}");
    }
}

/// A sphere of radius 10 mm: an icosahedron split `levels` times, 20 · 4^levels outward faces.
fn icosphere(levels: u32) -> IndexedMesh {
    let g = (1.0 + 5f64.sqrt()) / 2.0;
    let mut points: Vec<[f64; 3]> = vec![
        [-1.0, g, 0.0],
        [1.0, g, 0.0],
        [-1.0, -g, 0.0],
        [1.0, -g, 0.0],
        [0.0, -1.0, g],
        [0.0, 1.0, g],
        [0.0, -1.0, -g],
        [0.0, 1.0, -g],
        [g, 0.0, -1.0],
        [g, 0.0, 1.0],
        [-g, 0.0, -1.0],
        [-g, 0.0, 1.0],
    ];
    let mut triangles: Vec<[u32; 3]> = vec![
        [0, 11, 5],
        [0, 5, 1],
        [0, 1, 7],
        [0, 7, 10],
        [0, 10, 11],
        [1, 5, 9],
        [5, 11, 4],
        [11, 10, 2],
        [10, 7, 6],
        [7, 1, 8],
        [3, 9, 4],
        [3, 4, 2],
        [3, 2, 6],
        [3, 6, 8],
        [3, 8, 9],
        [4, 9, 5],
        [2, 4, 11],
        [6, 2, 10],
        [8, 6, 7],
        [9, 8, 1],
    ];
    for _ in 0..levels {
        let mut midpoints: HashMap<(u32, u32), u32> = HashMap::new();
        let mut midpoint = |a: u32, b: u32, points: &mut Vec<[f64; 3]>| {
            *midpoints.entry((a.min(b), a.max(b))).or_insert_with(|| {
                let (p, q) = (points[a as usize], points[b as usize]);
                points.push([0, 1, 2].map(|i| (p[i] + q[i]) / 2.0));
                points.len() as u32 - 1
            })
        };
        triangles = triangles
            .iter()
            .flat_map(|&[a, b, c]| {
                let (ab, bc, ca) =
                    (midpoint(a, b, &mut points), midpoint(b, c, &mut points), midpoint(c, a, &mut points));
                [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]
            })
            .collect();
    }
    let positions = points
        .iter()
        .map(|p| {
            let length = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
            p.map(|c| (c / length * 10.0) as f32)
        })
        .collect();
    IndexedMesh { positions, triangles }
}

#[test]
fn a_sphere_with_random_faces_removed_and_flipped_is_repaired_closed_and_outward() {
    let sphere = icosphere(3);
    let full = validate(&sphere);
    assert_closed_outward(&full);
    let mut random = Random(0x7261_7966_6f72_6765);
    for round in 0..40 {
        let mut mesh = sphere.clone();
        for _ in 0..1 + random.below(60) {
            let face = random.below(mesh.triangles.len());
            mesh.triangles.swap_remove(face);
        }
        for _ in 0..random.below(5) {
            let face = random.below(mesh.triangles.len());
            mesh.triangles[face].swap(0, 1);
        }
        let (repaired_mesh, report, after) = repaired(&mesh);
        assert_closed_outward(&after);
        assert_eq!(after.non_manifold_edges, 0, "round {round}: {report}");
        assert!(report.holes.unfilled.is_empty(), "round {round}: {report}");
        // The patches are flat where the sphere was round: a little volume is lost, never gained.
        let ratio = after.signed_volume / full.signed_volume;
        assert!((0.9..=1.0 + 1e-9).contains(&ratio), "round {round}: volume ratio {ratio}\n{report}");
        assert!(repaired_mesh.vertex_count() <= sphere.vertex_count());
    }
}

#[test]
fn random_soups_never_make_repair_panic_and_leave_no_degenerate_face() {
    let mut random = Random(0x736f_7570);
    assert_eq!(repair(&IndexedMesh::default(), &RepairOptions::default()).1.to_string(), "nothing to repair");
    for round in 0..300 {
        // Few distinct positions on a coarse grid: collinear corners, repeats and shared edges abound.
        let positions: Vec<[f32; 3]> =
            (0..3 + random.below(12)).map(|_| [0; 3].map(|_| random.below(4) as f32 * 0.5)).collect();
        let triangles =
            (0..1 + random.below(30)).map(|_| [0; 3].map(|_| random.below(positions.len()) as u32)).collect();
        let mesh = IndexedMesh { positions, triangles };
        let (repaired_mesh, report, after) = repaired(&mesh);
        let in_range = repaired_mesh.triangles.iter().flatten().all(|&v| (v as usize) < repaired_mesh.vertex_count());
        assert!(in_range, "round {round}: {mesh:?}");
        assert_eq!((after.degenerate_faces, after.duplicate_faces), (0, 0), "round {round}: {mesh:?}\n{report}");
    }
}
