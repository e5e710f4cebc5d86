//! A plate under a model of several pieces: two blocks of different
//! heights on one slab, exact volumes, and the corpus arches' crowns all
//! standing on one flat bottom.

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
    let plated = plate_base(&two_blocks(), &options(0.0, 0.0)).unwrap();
    let report = validate(&plated.mesh);
    assert_closed_manifold_outward(&report);
    // Two pieces and the slab.
    assert_eq!(report.components, 3);
    let bounds = plated.mesh.bounds().unwrap();
    // The lower block is cut at z = 0.5, the plate's top; the slab goes 2 mm below it.
    assert_near(f64::from(bounds.min[2]), -1.5, 1e-5);
    assert_near(f64::from(bounds.max[2]), 5.0, 1e-5);
    assert_eq!(plated.bottom.normal, [0.0, 0.0, -1.0]);
    assert_near(f64::from(plated.bottom.origin[2]), -1.5, 1e-5);
    // Volumes, pieces counted apart: the slab is the hull of the two 2 × 2
    // footprints (12 × 2) by 2 mm; the lower block keeps 1.5 mm above the
    // plate and reaches 0.5 mm into it; the upper one is cut at z = 3.5 and
    // goes down to 0.5 mm into the plate (z = 0).
    let slab = 12.0 * 2.0 * 2.0;
    let lower = 4.0 * (1.5 + 0.5);
    let upper = 4.0 * (5.0 - 0.0);
    assert_near(report.signed_volume, slab + lower + upper, 1e-3);
    assert_eq!(plated.outline.loops, 2);
}

#[test]
fn the_margin_grows_the_plate_and_the_chamfer_bevels_it() {
    let plain = validate(&plate_base(&two_blocks(), &options(0.0, 0.0)).unwrap().mesh).signed_volume;
    let grown = plate_base(&two_blocks(), &options(0.0, 1.0)).unwrap();
    let report = validate(&grown.mesh);
    assert_closed_manifold_outward(&report);
    // A 1 mm margin round a 12 × 2 rectangle: (12 × 2 + 2 × 14 × 1 + π) × 2 mm, nearly (12-gon corners).
    let added = report.signed_volume - plain;
    assert!(added > 2.0 * (28.0 + 2.9) && added < 2.0 * (28.0 + std::f64::consts::PI), "{added}");
    let bounds = grown.mesh.bounds().unwrap();
    assert_near(f64::from(bounds.min[0]), -1.0, 1e-4);

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
        // Fourteen crowns and the plate.
        assert_eq!(report.components, 15, "{arch:?}");
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
