//! A plate under a model of several pieces: two blocks of different
//! heights on one slab, one solid with exact volumes, and the corpus
//! arches' crowns all standing on one flat bottom.

use mesh_core::{Arch, BaseError, BaseOptions, BasePlacement, IndexedMesh, PlateOptions, plate_base, read, validate};

use crate::corpus::corpus_dir;
use crate::prep::{assert_closed_manifold_outward, assert_near, lower_arch};
use crate::solids::cube_at;

fn two_blocks() -> IndexedMesh {
    // 2 mm cubes, one standing on z = 0, the other on z = 3, 10 mm apart along x.
    let (a, b) = (cube_at([0.0, 0.0, 0.0], 2.0), cube_at([10.0, 0.0, 3.0], 2.0));
    let offset = a.positions.len() as u32;
    let mut both = a;
    both.positions.extend(b.positions);
    both.triangles.extend(b.triangles.iter().map(|t| t.map(|v| v + offset)));
    both
}

fn options(chamfer: f32, margin: f32) -> PlateOptions {
    PlateOptions {
        base: BaseOptions {
            placement: BasePlacement::Up([0.0, 0.0, 1.0]),
            cut_height_mm: 0.5,
            base_height_mm: 2.0,
            chamfer_mm: chamfer,
        },
        margin_mm: margin,
    }
}

#[test]
fn each_piece_is_cut_at_its_own_height_and_stands_on_one_slab() {
    let plated = plate_base(&two_blocks(), &options(0.0, 1.0)).unwrap();
    let report = validate(&plated.mesh);
    assert_closed_manifold_outward(&report);
    // Two pieces on the slab, one solid: the slab's top is capped round the walls.
    assert_eq!(report.components, 1);
    let bounds = plated.mesh.bounds().unwrap();
    // The lower block is cut at z = 0.5, the plate's top; the slab goes 2 mm below it.
    assert_near(f64::from(bounds.min[2]), -1.5, 1e-5);
    assert_near(f64::from(bounds.max[2]), 5.0, 1e-5);
    assert_eq!(plated.bottom.normal, [0.0, 0.0, -1.0]);
    assert_near(f64::from(plated.bottom.origin[2]), -1.5, 1e-5);
    // Volumes: the slab is the hull of the two 2 × 2 footprints (12 × 2)
    // grown by the 1 mm margin (round corners of 180 points), from 0.5 mm
    // below the lowest cut (z = 0) to the bottom, 1.5 mm; the lower block
    // keeps 1.5 mm above its cut and its 0.5 mm wall down to the slab; the
    // upper one is cut at z = 3.5 and walled down to z = 0.
    let slab = (12.0 * 2.0 + 2.0 * 14.0 * 1.0 + std::f64::consts::PI) * 1.5;
    let lower = 4.0 * (1.5 + 0.5);
    let upper = 4.0 * (5.0 - 0.0);
    assert_near(report.signed_volume, slab + lower + upper, 0.05);
    assert_eq!(plated.outline.loops, 2);

    // With no margin the walls run along the slab's edge: the pieces stand
    // on it as closed pieces of their own, overlapping it, for the recipe to unite.
    let flush = plate_base(&two_blocks(), &options(0.0, 0.0)).unwrap();
    let report = validate(&flush.mesh);
    assert_closed_manifold_outward(&report);
    assert_eq!(report.components, 3);
    assert_near(f64::from(flush.mesh.bounds().unwrap().min[2]), -1.5, 1e-5);
}

#[test]
fn the_margin_grows_the_plate_and_the_chamfer_bevels_it() {
    let plain = validate(&plate_base(&two_blocks(), &options(0.0, 1.0)).unwrap().mesh).signed_volume;
    let grown = plate_base(&two_blocks(), &options(0.0, 2.0)).unwrap();
    let report = validate(&grown.mesh);
    assert_closed_manifold_outward(&report);
    // From a 1 to a 2 mm margin round the 12 × 2 footprints, 1.5 mm thick:
    // (2 × 14 × 1 + π (2² − 1²)) × 1.5 mm, nearly (corners of 180 points).
    let added = report.signed_volume - plain;
    let exact = 1.5 * (28.0 + 3.0 * std::f64::consts::PI);
    assert!(added < exact && added > exact - 0.1, "{added}");
    let bounds = grown.mesh.bounds().unwrap();
    assert_near(f64::from(bounds.min[0]), -2.0, 1e-4);

    let bevelled = plate_base(&two_blocks(), &options(0.5, 1.0)).unwrap();
    let report = validate(&bevelled.mesh);
    assert_closed_manifold_outward(&report);
    assert!(report.signed_volume < validate(&grown.mesh).signed_volume);
}

#[test]
fn the_corpus_arches_stand_on_one_plate_with_room_for_a_label() {
    let upper = read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap()).unwrap().mesh;
    for (arch, mesh) in [(Arch::Lower, lower_arch()), (Arch::Upper, upper)] {
        let options = PlateOptions { base: BaseOptions::for_arch(arch), margin_mm: 2.0 };
        let plated = plate_base(&mesh, &options).unwrap();
        let report = validate(&plated.mesh);
        assert_closed_manifold_outward(&report);
        // Fourteen crowns on the plate, one solid.
        assert_eq!(report.components, 1, "{arch:?}");
        assert_eq!(plated.outline.outer, 14, "{arch:?}");
        // The plate's bottom faces away from the teeth, 3 mm below the lowest cut.
        let down = arch.occlusal_direction().map(|c| -c);
        assert_eq!(plated.bottom.normal, down);
        let (before, after) = (mesh.bounds().unwrap(), plated.mesh.bounds().unwrap());
        let size = after.size();
        assert!(size[0] > before.size()[0] + 3.9 && size[2] > before.size()[2] + 3.9, "{size:?}");
        let lowest = if arch == Arch::Lower {
            f64::from(before.min[1]) + 1.0 - 3.0
        } else {
            f64::from(before.max[1]) - 1.0 + 3.0
        };
        let bottom = if arch == Arch::Lower { after.min[1] } else { after.max[1] };
        assert_near(f64::from(bottom), lowest, 1e-3);
        assert_near(f64::from(plated.bottom.origin[1]), lowest, 1e-3);
    }
}

#[test]
fn a_plate_refuses_what_cannot_be_made_and_says_what_to_change() {
    let error = plate_base(&two_blocks(), &PlateOptions { margin_mm: -1.0, ..options(0.0, 0.0) }).unwrap_err();
    assert_eq!(error, BaseError::Margin { got: -1.0 });
    assert!(error.to_string().contains("enter a margin such as 2 mm"));
    let tall = PlateOptions { base: BaseOptions { cut_height_mm: 2.5, ..options(0.0, 0.0).base }, margin_mm: 0.0 };
    assert!(matches!(plate_base(&two_blocks(), &tall), Err(BaseError::CutAboveModel { .. })));
    let error = plate_base(&two_blocks(), &options(3.0, 0.0)).unwrap_err();
    assert!(matches!(error, BaseError::Chamfer { .. }), "{error:?}");
    assert!(plate_base(&IndexedMesh::default(), &options(0.0, 0.0)).is_err());
}
