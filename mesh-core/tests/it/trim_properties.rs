//! Properties of trimming the corpus's real arches: whatever the offset of
//! the proposal, and however its line is then moved (waved up and down
//! round the arch, shifted across it), the trim gives a closed, manifold,
//! outward model smaller than the arch, or an error that says what to
//! change to the line — never a panic, never an open model.

use mesh_core::{Arch, TrimError, TrimOptions, propose_trim_line, trim, validate};
use proptest::prelude::*;

use crate::prep::assert_closed_manifold_outward;
use crate::prep_properties::arches;

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_trimmed_arch_is_closed_outward_and_smaller_or_the_line_is_refused(
        which in 0usize..8,
        offset in 0.3f32..3.0,
        wave_mm in 0.0f32..1.5,
        waves in 1u32..8,
        phase in 0.0f32..6.3,
        shift in [-1.0f32..1.0, -1.0f32..1.0],
    ) {
        let (name, arch, volume) = &arches()[which % arches().len()];
        let up = if name.contains("upper") { Arch::Upper } else { Arch::Lower }.occlusal_direction();
        let proposal = match propose_trim_line(arch, up, offset) {
            Ok(line) => line,
            Err(error) => return Err(TestCaseError::fail(format!("{name} offset {offset}: {error}"))),
        };
        let n = (proposal.len() - 1) as f32;
        // The closing point moves with the first, so the line stays closed.
        let line: Vec<[f32; 3]> = proposal
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let lift = wave_mm * (std::f32::consts::TAU * waves as f32 * (i as f32 % n) / n + phase).sin();
                [p[0] + shift[0] + lift * up[0], p[1] + lift * up[1], p[2] + shift[1] + lift * up[2]]
            })
            .collect();
        match trim(arch, &TrimOptions::new(up, line)) {
            Ok(trimmed) => {
                let report = validate(&trimmed.mesh);
                assert_closed_manifold_outward(&report);
                prop_assert!(report.signed_volume > 0.0, "{name}: {report:?}");
                prop_assert!(report.signed_volume < *volume, "{name}: {report:?}");
                prop_assert!(trimmed.loops >= 1);
            }
            // A moved line may cross itself seen along the axis, or run past every tooth.
            Err(error @ (TrimError::CrossesItself { .. } | TrimError::KeepsNothing { .. }
                | TrimError::KeepsEverything { .. })) => {
                prop_assert!(error.to_string().contains("; "), "{error}");
            }
            Err(error) => prop_assert!(false, "{name} offset {offset}: {error}"),
        }
    }
}
