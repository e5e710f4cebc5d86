//! Properties of model preparation on the corpus's real arches: whatever
//! the plane or the heights, a capped cut, a base and a plate are closed,
//! manifold, outward, and smaller (a cut) than the model they came from. The arches'
//! neighbouring teeth overlap a little, so these also cover capping
//! overlapping pieces one by one.
//!
//! Degenerate faces are not asserted here (the solids' tests do): about
//! one cut in a thousand leaves a cap face of three outline points a
//! rounding error off one line, which the cap must fill and the report
//! counts as having no area.

use std::sync::OnceLock;

use mesh_core::{
    Arch, BaseError, BaseOptions, BasePlacement, IndexedMesh, Plane, PlaneCutError, PlaneCutOptions, PlateOptions,
    flat_base, plane_cut, plate_base, read, validate,
};
use proptest::prelude::*;

use crate::corpus::corpus_dir;
use crate::prep::assert_closed_manifold_outward;

/// The corpus's arches with their volumes, read once.
pub(crate) fn arches() -> &'static [(String, IndexedMesh, f64)] {
    static ARCHES: OnceLock<Vec<(String, IndexedMesh, f64)>> = OnceLock::new();
    ARCHES.get_or_init(|| {
        let dir = corpus_dir().join("public/dental");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".stl"))
            .collect();
        names.sort();
        assert!(!names.is_empty(), "no STL arch in {}", dir.display());
        names
            .into_iter()
            .map(|name| {
                let mesh = read(&std::fs::read(dir.join(&name)).unwrap()).unwrap().mesh;
                let volume = validate(&mesh).signed_volume;
                (name, mesh, volume)
            })
            .collect()
    })
}

/// A point inside the arch's box (fractions of it) and a direction.
fn plane_in(mesh: &IndexedMesh, at: [f32; 3], normal: [f32; 3]) -> Plane {
    let bounds = mesh.bounds().unwrap();
    let origin = [0, 1, 2].map(|i| bounds.min[i] + at[i] * (bounds.max[i] - bounds.min[i]));
    Plane::new(origin, normal)
}

fn unit() -> impl Strategy<Value = f32> {
    0.0f32..=1.0
}

fn direction() -> impl Strategy<Value = [f32; 3]> {
    [-1.0f32..=1.0, -1.0f32..=1.0, -1.0f32..=1.0].prop_filter("a direction", |d| d.iter().any(|c| c.abs() > 0.05))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_capped_cut_of_an_arch_is_closed_outward_and_smaller(
        which in 0usize..8, at in [unit(), unit(), unit()], normal in direction()
    ) {
        let (name, arch, volume) = &arches()[which % arches().len()];
        let plane = plane_in(arch, at, normal);
        match plane_cut(arch, &PlaneCutOptions::new(plane)) {
            Ok(cut) => {
                let report = validate(&cut.mesh);
                assert_closed_manifold_outward(&report);
                prop_assert!(report.signed_volume > 0.0, "{name} {plane:?}: {report:?}");
                // Below the input's, up to the rounding of summing ~10⁵ face volumes.
                prop_assert!(report.signed_volume < volume * (1.0 + 1e-9), "{name} {plane:?}: {report:?}");
                prop_assert!(cut.outline.loops >= 1 && cut.outline.open_edges == 0);
            }
            // The plane can pass beside every tooth of the box.
            Err(PlaneCutError::AboveModel { .. } | PlaneCutError::BelowModel { .. }) => {}
            Err(error) => prop_assert!(false, "{name} {plane:?}: {error}"),
        }
    }

    #[test]
    fn a_flat_base_under_an_arch_is_closed_and_outward(
        which in 0usize..8, up in direction(), cut in 0.2f32..4.0, base in 0.5f32..6.0, chamfer in 0.0f32..0.6
    ) {
        let (name, arch, _) = &arches()[which % arches().len()];
        let options = BaseOptions {
            placement: BasePlacement::Up(up),
            cut_height_mm: cut,
            base_height_mm: base,
            chamfer_mm: chamfer.min(base / 2.0),
        };
        match flat_base(arch, &options) {
            Ok(based) => {
                let report = validate(&based.mesh);
                assert_closed_manifold_outward(&report);
                prop_assert!(report.signed_volume > 0.0, "{name} {options:?}: {report:?}");
            }
            // A chamfer wider than a thin part of the outline is refused, by design.
            Err(BaseError::ChamferTooLarge { .. }) if options.chamfer_mm > 0.0 => {}
            Err(error) => prop_assert!(false, "{name} {options:?}: {error}"),
        }
    }

    #[test]
    fn a_plate_under_an_arch_is_closed_outward_and_as_low_as_asked(
        which in 0usize..8, cut in 0.2f32..1.5, base in 1.0f32..5.0, chamfer in 0.0f32..0.9, margin in 0.0f32..4.0
    ) {
        let (name, arch, volume) = &arches()[which % arches().len()];
        // Each of the arches' crowns is about 5 mm tall or more along Y.
        let options = PlateOptions {
            base: BaseOptions { cut_height_mm: cut, base_height_mm: base, chamfer_mm: chamfer, ..BaseOptions::for_arch(Arch::Lower) },
            margin_mm: margin,
        };
        let plated = match plate_base(arch, &options) {
            Ok(plated) => plated,
            // A chamfer as wide as the margin would cut into the crowns' footprint: refused, by design.
            Err(BaseError::ChamferOverMargin { .. }) if chamfer >= margin => return Ok(()),
            Err(error) => return Err(TestCaseError::fail(format!("{name} {options:?}: {error}"))),
        };
        let report = validate(&plated.mesh);
        assert_closed_manifold_outward(&report);
        prop_assert!(report.signed_volume > *volume * 0.5, "{name} {options:?}: {report:?}");
        let bottom = plated.mesh.bounds().unwrap().min[1];
        prop_assert!((bottom - plated.bottom.origin[1]).abs() < 1e-3, "{name} {options:?}");
        // The lowest crown is cut `cut` above its lowest point, the plate's top; the plate is `base` below it.
        let expected = arch.bounds().unwrap().min[1] + cut - base;
        prop_assert!((bottom - expected).abs() < 1e-3, "{name} {options:?}: bottom {bottom}, expected {expected}");
    }
}
