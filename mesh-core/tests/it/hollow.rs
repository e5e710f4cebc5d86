//! Hollowing: a cube whose hollow is known, a torus and the corpus's real
//! arches on their bases; the result closed, manifold, outward and never
//! crossing itself, the drains open from below, and every refusal naming
//! what to change.

use mesh_core::{
    Arch, BaseOptions, BasePlacement, HollowError, HollowOptions, Hollowed, IndexedMesh, KeepClear, LabelError,
    LabelOptions, Plane, flat_base, hollow, validate,
};

use crate::label::font;
use crate::prep::{assert_closed_manifold_outward, assert_near, lower_arch};
use crate::solids::{cube_at, torus};
use crate::surface::{crosses, self_intersections, self_intersections_beside, winding_number};

const CUBE: f32 = 20.0;

/// The 20 mm cube standing on z = 0.
fn cube() -> (IndexedMesh, Plane) {
    (cube_at([0.0; 3], CUBE), Plane::new([0.0; 3], [0.0, 0.0, -1.0]))
}

fn hollow_cube(wall: f32, diameter: f32) -> Hollowed {
    let (cube, bottom) = cube();
    hollow(&cube, &HollowOptions { wall_mm: wall, drain_diameter_mm: diameter, ..HollowOptions::new(bottom) }).unwrap()
}

#[test]
fn a_hollow_cube_keeps_a_wall_and_loses_the_inner_cube() {
    let (wall, diameter) = (2.0, 3.0);
    let result = hollow_cube(wall, diameter);
    let report = validate(&result.mesh);
    assert_closed_manifold_outward(&report);
    assert_eq!(report.components, 1, "the hollow opens into the bottom: one surface");
    assert_eq!(result.drains.len(), 1);
    assert_eq!(result.left_solid, 0);
    // The inner cube and the drain hole through the 2 mm floor.
    let inner = f64::from(CUBE - 2.0 * wall);
    let radius = f64::from(diameter) / 2.0;
    let expected = inner.powi(3) + std::f64::consts::PI * radius * radius * f64::from(wall);
    let removed = result.volume_before_mm3 - result.volume_after_mm3;
    // The wall is from its thickness to a voxel more: within a voxel over the hollow's surface.
    let tolerance = 6.0 * inner * inner * f64::from(result.voxel_mm);
    assert_near(removed, expected, tolerance);
    assert_near(report.signed_volume, result.volume_after_mm3, 1e-6);
    assert!(result.saved_percent() > 45.0, "{}", result.saved_percent());

    // In the wall: inside the solid; in the middle: in the hollow, outside the solid.
    assert_eq!(winding_number(&result.mesh, [1.0, 10.0, 10.0]), 1);
    assert_eq!(winding_number(&result.mesh, [10.0, 10.0, 18.9]), 1);
    assert_eq!(winding_number(&result.mesh, [10.0, 10.0, 10.0]), 0);
    assert_eq!(winding_number(&result.mesh, [3.5, 3.5, 16.5]), 0);
}

#[test]
fn the_hollows_surface_keeps_the_wall_from_the_outside_and_never_crosses_itself() {
    let wall = 1.5;
    let result = hollow_cube(wall, 2.0);
    let [drain] = result.drains[..] else { panic!("{:?}", result.drains) };
    let voxel = result.voxel_mm;
    let cube = cube_at([0.0; 3], CUBE);
    let mut nearest = f32::INFINITY;
    for p in &result.mesh.positions[cube.positions.len()..] {
        let across = ((p[0] - drain[0]).powi(2) + (p[1] - drain[1]).powi(2)).sqrt();
        if across > 1.0 + voxel {
            let to_outside = p.iter().map(|&c| c.min(CUBE - c)).fold(f32::INFINITY, f32::min);
            nearest = nearest.min(to_outside);
        }
    }
    assert!(nearest >= wall - voxel / 4.0, "the hollow comes within {nearest} mm of the outside");
    assert!(nearest <= wall + voxel, "the wall is {nearest} mm, not about {wall}");
    assert_eq!(self_intersections(&result.mesh), Vec::<[usize; 2]>::new());
}

#[test]
fn a_drain_opens_the_hollow_to_below_the_bottom() {
    let result = hollow_cube(2.0, 3.0);
    let [x, y, z] = result.drains[0];
    assert_near(f64::from(z), 0.0, 1e-4);
    // Straight up from below the bottom into the hollow, nothing is crossed.
    assert!(!crosses(&result.mesh, [x, y, -1.0], [x, y, 10.0]));
    assert_eq!(winding_number(&result.mesh, [x, y, 1.0]), 0, "the hole is open");
    // Beside the hole, the floor is solid.
    assert!(crosses(&result.mesh, [x + 2.5, y, -1.0], [x + 2.5, y, 10.0]));
}

#[test]
fn a_chosen_drain_point_is_used_and_a_bad_one_is_refused() {
    let (cube, bottom) = cube();
    let options = HollowOptions { drain_points: vec![[6.0, 14.0, 0.0]], ..HollowOptions::new(bottom) };
    let result = hollow(&cube, &options).unwrap();
    assert_eq!(result.drains.len(), 1);
    assert_near(f64::from(result.drains[0][0]), 6.0, 1e-4);
    assert_near(f64::from(result.drains[0][1]), 14.0, 1e-4);
    assert_closed_manifold_outward(&validate(&result.mesh));
    assert!(!crosses(&result.mesh, [6.0, 14.0, -1.0], [6.0, 14.0, 10.0]));

    // Too near the side: the hole would break through the wall.
    let near_side = HollowOptions { drain_points: vec![[1.0, 10.0, 0.0]], ..HollowOptions::new(bottom) };
    let error = hollow(&cube, &near_side).unwrap_err();
    assert!(matches!(error, HollowError::DrainMisplaced { .. }), "{error:?}");
    assert!(error.to_string().contains("move it under a hollow"), "{error}");
}

#[test]
fn drains_keep_out_of_a_rectangle_kept_clear_and_a_label_refuses_a_drain_under_it() {
    let (cube, bottom) = cube();
    let first = hollow(&cube, &HollowOptions::new(bottom)).unwrap().drains[0];
    // Keep clear a 6 × 6 mm square round where the drain went: it goes elsewhere, outside it.
    let area = KeepClear { centre: first, right: [1.0, 0.0, 0.0], up: [0.0, 1.0, 0.0], half_size_mm: [3.0, 3.0] };
    let options = HollowOptions { keep_clear: vec![area], ..HollowOptions::new(bottom) };
    let moved = hollow(&cube, &options).unwrap();
    let drain = moved.drains[0];
    let away = (0..2).map(|a| (drain[a] - first[a]).abs()).fold(0.0, f32::max);
    assert!(away >= 3.0 + 1.5, "the drain at {drain:?} is in the square round {first:?}");
    assert_closed_manifold_outward(&validate(&moved.mesh));
    // A chosen drain inside it is refused.
    let chosen = HollowOptions { drain_points: vec![first], ..options };
    assert_eq!(refused(&cube, &chosen), HollowError::DrainInKeepClear { at: first });

    // A label placed over a drain hole says to move it.
    let middle = HollowOptions { drain_points: vec![[10.0, 10.0, 0.0]], ..HollowOptions::new(bottom) };
    let hollowed = hollow(&cube, &middle).unwrap();
    let mut label = LabelOptions::new(font(), "L07", bottom);
    label.letter_height_mm = 3.0;
    let error = mesh_core::label(&hollowed.mesh, &label).unwrap_err();
    assert!(matches!(error, LabelError::DoesNotFit { .. }), "{error:?}");
    assert!(error.to_string().contains("move the label"), "{error}");
}

#[test]
fn a_torus_on_a_base_is_hollowed_into_one_closed_ring() {
    let ring = torus(12.0, 4.0, 96, 48);
    let base = BaseOptions {
        placement: BasePlacement::Up([0.0, 0.0, 1.0]),
        cut_height_mm: 1.0,
        base_height_mm: 2.0,
        chamfer_mm: 0.0,
    };
    let based = flat_base(&ring, &base).unwrap();
    let options = HollowOptions { wall_mm: 1.5, drain_diameter_mm: 2.0, ..HollowOptions::new(based.bottom) };
    let result = hollow(&based.mesh, &options).unwrap();
    let report = validate(&result.mesh);
    assert_closed_manifold_outward(&report);
    assert!(!result.drains.is_empty());
    assert_eq!(result.left_solid, 0);
    // The tube's hollow: radius 4 − 1.5 round a circle of radius 12, about 2π·12·π·2.5².
    let tube = 2.0 * std::f64::consts::PI * 12.0 * std::f64::consts::PI * 2.5 * 2.5;
    let removed = result.volume_before_mm3 - result.volume_after_mm3;
    assert!(removed > 0.8 * tube && removed < 1.2 * tube, "removed {removed} mm³, the tube's hollow is {tube}");
    // A point on the tube's centre circle is in the hollow.
    assert_eq!(winding_number(&result.mesh, [0.0, 12.0, 0.0]), 0);
    assert_eq!(winding_number(&result.mesh, [0.0, 15.0, 0.0]), 1);
    assert_eq!(self_intersections(&result.mesh), Vec::<[usize; 2]>::new());
}

#[test]
fn the_lower_arch_on_its_base_is_hollowed_closed_and_lighter() {
    let arch = lower_arch();
    // The corpus's arches are crowns without gums: a cut 5 mm up reaches every tooth's neck.
    let based = flat_base(&arch, &BaseOptions { cut_height_mm: 5.0, ..BaseOptions::for_arch(Arch::Lower) }).unwrap();
    let options = HollowOptions { wall_mm: 1.5, drain_diameter_mm: 2.0, ..HollowOptions::new(based.bottom) };
    let result = hollow(&based.mesh, &options).unwrap();
    let report = validate(&result.mesh);
    assert_closed_manifold_outward(&report);
    assert!(report.signed_volume < validate(&based.mesh).signed_volume - 1.0, "{report:?}");
    assert!(result.drains.len() >= 10, "{} drains", result.drains.len());
    // The outer surface is kept: the model's box is the same.
    assert_eq!(result.mesh.bounds(), based.mesh.bounds());
    // Every drain opens from below.
    let up = Arch::Lower.occlusal_direction();
    for foot in &result.drains {
        let below = [0, 1, 2].map(|a| foot[a] - up[a]);
        assert_eq!(winding_number(&result.mesh, below), 0);
        let above = [0, 1, 2].map(|a| foot[a] + 0.5 * up[a]);
        assert_eq!(winding_number(&result.mesh, above), 0, "the drain at {foot:?} is closed");
    }
    // The arch's own teeth overlap: only the new faces are checked.
    assert_eq!(self_intersections_beside(&result.mesh, &based.mesh, based.bottom), Vec::<[usize; 2]>::new());
}

/// The error `options` give on `mesh`.
fn refused(mesh: &IndexedMesh, options: &HollowOptions) -> HollowError {
    match hollow(mesh, options) {
        Ok(result) => panic!("hollowed with {} drains, {} left solid", result.drains.len(), result.left_solid),
        Err(error) => error,
    }
}

#[test]
fn bad_settings_and_bad_models_are_refused_with_what_to_change() {
    let (cube, bottom) = cube();
    let with = |f: &dyn Fn(&mut HollowOptions)| {
        let mut options = HollowOptions::new(bottom);
        f(&mut options);
        refused(&cube, &options)
    };
    let wall = with(&|o| o.wall_mm = 0.2);
    assert_eq!(wall, HollowError::Wall { got: 0.2 });
    assert!(wall.to_string().contains("from 0.5 to 10 mm"), "{wall}");
    assert_eq!(with(&|o| o.wall_mm = f32::NAN).to_string(), HollowError::Wall { got: f32::NAN }.to_string());
    assert_eq!(with(&|o| o.drain_diameter_mm = 0.5), HollowError::DrainDiameter { got: 0.5 });
    assert_eq!(with(&|o| o.voxel_mm = 0.0), HollowError::VoxelSize { got: 0.0 });
    let tilted = with(&|o| o.bottom = Plane::new([0.0, 0.0, 5.0], [0.0, 0.0, -1.0]));
    assert!(matches!(tilted, HollowError::BelowBottom { .. }), "{tilted:?}");
    let nowhere = with(&|o| o.bottom = Plane::new([0.0, 0.0, -5.0], [0.0, 0.0, -1.0]));
    assert!(matches!(nowhere, HollowError::BottomNotFound { .. }), "{nowhere:?}");
    assert!(nowhere.to_string().contains("put the model on a flat base first"), "{nowhere}");
    assert!(matches!(with(&|o| o.bottom.normal = [0.0; 3]), HollowError::InvalidBottom { .. }));
    // A 10 mm cube is 5 mm from its middle to its sides: a 6 mm wall leaves nothing to hollow.
    let small = cube_at([0.0; 3], 10.0);
    let thin = refused(&small, &HollowOptions { wall_mm: 6.0, ..HollowOptions::new(bottom) });
    assert!(matches!(thin, HollowError::TooThin { wall: 6.0, .. }), "{thin:?}");
    assert!(thin.to_string().contains("make the wall thinner"), "{thin}");
    // With a 2 mm wall its hollow is 6 mm wide: no room for a 10 mm drain.
    let wide = refused(&small, &HollowOptions { drain_diameter_mm: 10.0, ..HollowOptions::new(bottom) });
    assert!(matches!(wide, HollowError::NoRoomForDrain { hollows: 1, .. }), "{wide:?}");
    assert!(wide.to_string().contains("make the drain holes smaller"), "{wide}");

    // A 30 cm block needs more grid points than a model may use, even with voxels of half a 0.5 mm wall …
    let large = refused(&cube_at([0.0; 3], 300.0), &HollowOptions { wall_mm: 0.5, ..HollowOptions::new(bottom) });
    let HollowError::GridTooLarge { least_wall, .. } = large else { panic!("{large:?}") };
    assert!(least_wall > 0.5 && least_wall < 10.0, "{large}");
    assert!(large.to_string().contains("too large to hollow with a 0.5 mm wall"), "{large}");
    assert!(large.to_string().contains(&format!("a wall of at least {least_wall:.1} mm")), "{large}");
    // … and a 2 m one even with the thickest wall.
    let huge = refused(&cube_at([0.0; 3], 2000.0), &HollowOptions { wall_mm: 0.5, ..HollowOptions::new(bottom) });
    assert!(huge.to_string().ends_with("split the model into parts and hollow each"), "{huge}");

    // Open and inside-out models are refused, and the model is untouched (it is borrowed).
    let mut open = cube.clone();
    open.triangles.pop();
    let error = refused(&open, &HollowOptions::new(bottom));
    assert!(matches!(error, HollowError::NotClosed { holes: 3, non_manifold: 0 }), "{error:?}");
    assert!(error.to_string().contains("repair it first"), "{error}");
    let mut inside_out = cube.clone();
    for t in &mut inside_out.triangles {
        t.swap(1, 2);
    }
    assert_eq!(refused(&inside_out, &HollowOptions::new(bottom)), HollowError::NotOutward);
    assert_eq!(refused(&IndexedMesh::default(), &HollowOptions::new(bottom)), HollowError::Empty);
}
