//! Properties of hollowing on the corpus's real arches: whatever the wall,
//! the drain diameter and the base's cut, a hollowed arch on its base is
//! closed, manifold and outward, uses less resin, keeps its outer box, and
//! its new faces never cross each other or the arch.

use mesh_core::{Arch, BaseOptions, HollowError, HollowOptions, flat_base, hollow, validate};
use proptest::prelude::*;

use crate::prep::assert_closed_manifold_outward;
use crate::prep_properties::arches;
use crate::surface::self_intersections_beside;

proptest! {
    // Each case hollows a whole arch (about a second): a few cases, all different.
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_hollowed_arch_is_closed_outward_lighter_and_never_crosses_itself(
        which in 0usize..8, wall in 1.0f32..3.0, diameter in 1.5f32..4.0, cut in 4.0f32..6.0
    ) {
        let (name, arch, _) = &arches()[which % arches().len()];
        let teeth = if name.contains("upper") { Arch::Upper } else { Arch::Lower };
        let based = flat_base(arch, &BaseOptions { cut_height_mm: cut, ..BaseOptions::for_arch(teeth) }).unwrap();
        let options = HollowOptions { wall_mm: wall, drain_diameter_mm: diameter, ..HollowOptions::new(based.bottom) };
        match hollow(&based.mesh, &options) {
            Ok(result) => {
                let report = validate(&result.mesh);
                assert_closed_manifold_outward(&report);
                prop_assert!(!result.drains.is_empty());
                prop_assert!(report.signed_volume < validate(&based.mesh).signed_volume, "{name} {options:?}");
                prop_assert!(result.saved_percent() > 0.0);
                prop_assert_eq!(result.mesh.bounds(), based.mesh.bounds());
                prop_assert_eq!(self_intersections_beside(&result.mesh, &based.mesh, based.bottom), Vec::<[usize; 2]>::new());
            }
            // Thick walls and wide drains can leave no hollow, or none with room for a drain, by design.
            Err(HollowError::NoRoomForDrain { .. } | HollowError::TooThin { .. }) if wall > 2.0 || diameter > 3.0 => {}
            Err(error) => prop_assert!(false, "{name} {options:?}: {error}"),
        }
    }
}
