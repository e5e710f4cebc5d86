//! Trim along a line: a cube and a prism cut by tilted closed lines (the
//! volume kept checked against the analytic answer), the corpus arches
//! trimmed along the proposed line and along points placed by hand, the
//! line as a file, and every bad line refused with what to change.

use mesh_core::prepare::write_polyline;
use mesh_core::{
    Arch, IndexedMesh, TrimError, TrimLineOptions, TrimOptions, propose_trim_line, read, smooth_trim_line,
    surface_distances, trim, validate,
};

use crate::corpus::corpus_dir;
use crate::prep::{assert_closed_manifold_outward, assert_closed_outward, assert_near, lower_arch};
use crate::solids::{cube_at, square_prism};

pub(crate) fn upper_arch() -> IndexedMesh {
    read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap()).unwrap().mesh
}

/// Points every `step` mm round the square `[low, high]²` (counter-clockwise
/// seen from +Z, starting at its low corner) at the height `height(x, y)`,
/// the first repeated at the end.
fn round_square(low: f32, high: f32, step: f32, height: impl Fn(f32, f32) -> f32) -> Vec<[f32; 3]> {
    let per_side = ((high - low) / step).round() as usize;
    let corners = [[low, low], [high, low], [high, high], [low, high]];
    let mut points = Vec::new();
    for side in 0..4 {
        let ([x0, y0], [x1, y1]) = (corners[side], corners[(side + 1) % 4]);
        for k in 0..per_side {
            let f = k as f32 / per_side as f32;
            let (x, y) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
            points.push([x, y, height(x, y)]);
        }
    }
    points.push(points[0]);
    points
}

/// The heights of `mesh`'s vertices along `up` (a unit axis).
fn heights(mesh: &IndexedMesh, up: [f32; 3]) -> Vec<f32> {
    mesh.positions.iter().map(|p| p[0] * up[0] + p[1] * up[1] + p[2] * up[2]).collect()
}

/// Faces of `mesh` wholly below `level` along `up`.
fn faces_below(mesh: &IndexedMesh, up: [f32; 3], level: f32) -> usize {
    let height = heights(mesh, up);
    mesh.triangles.iter().filter(|t| t.iter().all(|&v| height[v as usize] < level)).count()
}

#[test]
fn a_cube_trimmed_along_a_tilted_line_keeps_exactly_the_part_above_it() {
    let cube = cube_at([0.0; 3], 10.0);
    // The plane z = 5 + 0.2 x round the cube's four sides.
    let line = round_square(0.0, 10.0, 1.0, |x, _| 5.0 + 0.2 * x);
    let trimmed = trim(&cube, &TrimOptions::new([0.0, 0.0, 1.0], line)).unwrap();
    let report = validate(&trimmed.mesh);
    assert_closed_outward(&report);
    // Above the plane: 10 × 10 × 10 less the wedge under it, 10 × 10 × 6.
    assert_near(report.signed_volume, 400.0, 1e-3);
    let bounds = report.bounds.unwrap();
    assert_near(f64::from(bounds.min[2]), 5.0, 1e-5);
    assert_eq!(bounds.max[2], 10.0);
    assert_eq!((trimmed.loops, trimmed.cap_faces > 0), (1, true));
    // The line is closed round the cube's 40 mm, sampled about every 0.5 mm (a little more round the corners).
    assert!(trimmed.line.len() >= 80 && trimmed.line.len() <= 120, "{}", trimmed.line.len());
    for (p, q) in trimmed.line.iter().zip(trimmed.line.iter().cycle().skip(1)) {
        let gap = (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f32>().sqrt();
        assert!(gap <= 0.6, "a gap of {gap} mm between {p:?} and {q:?}");
    }
}

#[test]
fn a_prism_with_a_hole_trimmed_along_a_tilted_line_keeps_a_ring_between_the_lines_heights() {
    let prism = square_prism(5.0, Some(2.0), &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    let whole = validate(&prism).signed_volume;
    let line = round_square(-5.0, 5.0, 1.0, |x, _| 4.0 + 0.3 * x);
    let trimmed = trim(&prism, &TrimOptions::new([0.0, 0.0, 1.0], line)).unwrap();
    let report = validate(&trimmed.mesh);
    assert_closed_manifold_outward(&report);
    // The line runs from 2.5 to 5.5 mm: the ring (84 mm² across) is kept between the two heights.
    let ring = 100.0 - 16.0;
    assert!(report.signed_volume < ring * (10.0 - 2.5) && report.signed_volume > ring * (10.0 - 5.5), "{report:?}");
    assert!(report.signed_volume < whole);
    // The cut through a ring: an outer loop and the hole's, one cap between them.
    assert_eq!(trimmed.loops, 2);
    assert_eq!(report.components, 1);
}

#[test]
fn the_proposed_line_trims_each_arch_closed_and_outward_with_nothing_left_below_it() {
    for (arch, mesh) in [(Arch::Lower, lower_arch()), (Arch::Upper, upper_arch())] {
        let up = arch.occlusal_direction();
        let proposal = propose_trim_line(&mesh, up, 1.0).unwrap();
        // Closed as a hand-placed line is: the last point is the first.
        assert_eq!(proposal.first(), proposal.last());
        assert!(proposal.len() > 100, "{arch:?}: {} points", proposal.len());

        let trimmed = trim(&mesh, &TrimOptions::new(up, proposal)).unwrap();
        let report = validate(&trimmed.mesh);
        assert_closed_manifold_outward(&report);
        assert!(report.signed_volume < validate(&mesh).signed_volume, "{arch:?}: {report:?}");
        // Every crown keeps its tip: as many pieces as before.
        assert_eq!(report.components, validate(&mesh).components, "{arch:?}");

        // Nothing is left below the line's lowest point, where the model had faces.
        let lowest = heights(&IndexedMesh { positions: trimmed.line.clone(), triangles: vec![] }, up)
            .into_iter()
            .fold(f32::INFINITY, f32::min);
        assert!(faces_below(&mesh, up, lowest) > 100, "{arch:?}");
        assert_eq!(faces_below(&trimmed.mesh, up, lowest - 1e-3), 0, "{arch:?}");
        assert!(trimmed.mesh.triangle_count() < mesh.triangle_count());

        // The line lies on the surface, but where it spans the gap between two crowns.
        let line = IndexedMesh { positions: trimmed.line.clone(), triangles: vec![] };
        let distances = surface_distances(&line, &mesh).unwrap().distances;
        let on_surface = distances.iter().filter(|&&d| d < 1e-3).count();
        assert!(on_surface * 10 >= distances.len() * 9, "{arch:?}: {on_surface} of {}", distances.len());
    }
}

#[test]
fn points_placed_by_hand_on_an_arch_trim_along_a_smooth_line_through_them() {
    let arch = lower_arch();
    let up = Arch::Lower.occlusal_direction();
    // Every tenth point of a proposal, as a user would click them, ending on the first.
    let proposal = propose_trim_line(&arch, up, 1.5).unwrap();
    let mut hand: Vec<[f32; 3]> = proposal.iter().step_by(10).copied().collect();
    hand.push(hand[0]);

    let line = smooth_trim_line(&arch, &hand, up, &TrimLineOptions::default()).unwrap();
    // The smoothed line passes through every point placed.
    for point in &hand {
        let nearest =
            line.iter().map(|q| (0..3).map(|i| (q[i] - point[i]).powi(2)).sum::<f32>()).fold(f32::MAX, f32::min);
        assert!(nearest.sqrt() < 1e-3, "{point:?} is {} mm from the line", nearest.sqrt());
    }
    // … in samples about half a millimetre apart (farther where samples in an
    // embrasure between two crowns were moved onto the surface).
    let gaps: Vec<f32> = line
        .iter()
        .zip(line.iter().cycle().skip(1))
        .map(|(p, q)| (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f32>().sqrt())
        .collect();
    let even = gaps.iter().filter(|&&gap| gap <= 0.6).count();
    assert!(even * 4 >= gaps.len() * 3, "{even} of {} gaps at most 0.6 mm", gaps.len());
    assert!(gaps.iter().all(|&gap| gap < 3.0), "{gaps:?}");

    let trimmed = trim(&arch, &TrimOptions::new(up, hand)).unwrap();
    assert_eq!(trimmed.line, line);
    assert_closed_manifold_outward(&validate(&trimmed.mesh));
}

#[test]
fn the_trimmed_arch_line_is_written_for_trimming_machines() {
    let arch = lower_arch();
    let up = Arch::Lower.occlusal_direction();
    let trimmed = trim(&arch, &TrimOptions::new(up, propose_trim_line(&arch, up, 1.0).unwrap())).unwrap();
    let text = write_polyline(&trimmed.line);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("# Trayforge trim line: {} points, x y z in mm, closed", trimmed.line.len())
    );
    let points: Vec<[f32; 3]> = lines
        .map(|line| {
            let v: Vec<f32> = line.split(' ').map(|n| n.parse().unwrap()).collect();
            [v[0], v[1], v[2]]
        })
        .collect();
    assert_eq!(points.len(), trimmed.line.len() + 1);
    assert_eq!(points[..trimmed.line.len()], trimmed.line[..]);
    assert_eq!(points.last(), trimmed.line.first());
}

fn trim_cube(line: Vec<[f32; 3]>) -> Result<mesh_core::Trimmed, TrimError> {
    trim(&cube_at([0.0; 3], 10.0), &TrimOptions::new([0.0, 0.0, 1.0], line))
}

#[test]
fn a_line_that_does_not_close_says_how_far_and_to_end_on_the_first_point() {
    let mut line = round_square(0.0, 10.0, 1.0, |_, _| 5.0);
    line.pop();
    line.pop();
    line.pop();
    let error = trim_cube(line).unwrap_err();
    assert_eq!(error, TrimError::NotClosed { gap_mm: 3.0, tolerance_mm: 2.0 });
    assert_eq!(
        error.to_string(),
        "the trim line does not close: its last point is 3.0 mm from its first (at most 2 mm closes it); end it on \
         the first point"
    );
}

#[test]
fn bad_lines_are_refused_saying_what_to_change() {
    let on_sides = round_square(0.0, 10.0, 1.0, |_, _| 5.0);

    let error = trim_cube(vec![[0.0, 0.0, 5.0], [10.0, 0.0, 5.0]]).unwrap_err();
    assert_eq!(error, TrimError::TooFewPoints { got: 2 });
    assert!(error.to_string().contains("place more points"), "{error}");

    // Three points, the third back on the first: two round the arch.
    let error = trim_cube(vec![[0.0, 0.0, 5.0], [10.0, 0.0, 5.0], [0.0, 0.0, 5.0]]).unwrap_err();
    assert_eq!(error, TrimError::TooFewPoints { got: 2 });

    let mut with_nan = on_sides.clone();
    with_nan[6][1] = f32::NAN;
    assert_eq!(trim_cube(with_nan).unwrap_err(), TrimError::NonFinitePoint { point: 7 });

    // Corners taken across: the line crosses itself in the middle.
    let bowtie = vec![[0.0, 0.0, 5.0], [10.0, 10.0, 5.0], [10.0, 0.0, 5.0], [0.0, 10.0, 5.0], [0.0, 0.0, 5.0]];
    let error = trim_cube(bowtie).unwrap_err();
    assert!(matches!(error, TrimError::CrossesItself { near_point: 1..=3 }), "{error:?}");
    assert!(error.to_string().contains("crosses itself near point"), "{error}");

    // Kilometres round (noise in a file, a model in µm): refused before it is sampled.
    let huge: Vec<[f32; 3]> = on_sides.iter().map(|&[x, y, z]| [x * 1e6, y * 1e6, z]).collect();
    let error = trim_cube(huge).unwrap_err();
    assert!(matches!(error, TrimError::LineTooLong { length_mm, .. } if length_mm > 3.9e7), "{error:?}");
    assert!(error.to_string().contains("check that the model is in millimetres"), "{error}");

    let far_away: Vec<[f32; 3]> = on_sides.iter().map(|&[x, y, z]| [x + 100.0, y, z]).collect();
    let error = trim_cube(far_away).unwrap_err();
    assert!(matches!(error, TrimError::MissesModel { distance_mm } if distance_mm > 89.0), "{error:?}");
    assert!(error.to_string().contains("place its points on the model"), "{error}");

    // Round the top edge: nothing above it; round the bottom edge: nothing below it.
    let error = trim_cube(round_square(0.0, 10.0, 1.0, |_, _| 10.0)).unwrap_err();
    assert!(matches!(error, TrimError::KeepsNothing { .. }), "{error:?}");
    assert!(error.to_string().contains("place the line lower"), "{error}");
    let error = trim_cube(round_square(0.0, 10.0, 1.0, |_, _| 0.0)).unwrap_err();
    assert!(matches!(error, TrimError::KeepsEverything { .. }), "{error:?}");
    assert!(error.to_string().contains("place the line on the teeth"), "{error}");

    let cube = cube_at([0.0; 3], 10.0);
    let flat = TrimOptions::new([0.0; 3], on_sides.clone());
    assert_eq!(trim(&cube, &flat).unwrap_err(), TrimError::DegenerateUp { up: [0.0; 3] });
    let empty = IndexedMesh::default();
    assert_eq!(trim(&empty, &TrimOptions::new([0.0, 0.0, 1.0], on_sides)).unwrap_err(), TrimError::EmptyModel);
}

#[test]
fn a_proposal_needs_a_positive_offset_that_meets_the_teeth() {
    let arch = lower_arch();
    let up = Arch::Lower.occlusal_direction();
    for got in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let error = propose_trim_line(&arch, up, got).unwrap_err();
        assert!(matches!(error, TrimError::Offset { .. }), "{error:?}");
        assert!(error.to_string().contains("enter an offset such as 1 mm"), "{error}");
    }
    // Above every crown's tip there is no tooth to follow.
    let error = propose_trim_line(&arch, up, 30.0).unwrap_err();
    assert_eq!(error, TrimError::NoProposal { offset_mm: 30.0 });
    assert!(error.to_string().contains("lower the offset, or place the line by hand"), "{error}");
    assert_eq!(propose_trim_line(&IndexedMesh::default(), up, 1.0).unwrap_err(), TrimError::EmptyModel);
}

#[test]
fn proposals_that_once_crossed_themselves_on_the_lower_arch_are_simple_lines() {
    // Near the crowns' bottoms the rays graze the crowns' corners, and in
    // embrasures the samples moved onto the surface from both sides swapped places.
    let arch = lower_arch();
    let up = Arch::Lower.occlusal_direction();
    for offset in [0.1, 0.5, 2.5] {
        let proposal = propose_trim_line(&arch, up, offset).unwrap();
        let line = smooth_trim_line(&arch, &proposal, up, &TrimLineOptions::default());
        assert!(line.is_ok(), "offset {offset}: {line:?}");
    }
}
