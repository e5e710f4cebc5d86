//! Properties of labels on the corpus's real arches after a flat base:
//! whatever the text (from the case-code alphabet), its size, place,
//! rotation and relief, the label is made closed, manifold and outward
//! with the volume changed by exactly its relief, or it is refused as not
//! fitting (the base under separate teeth is many small faces).

use mesh_core::{Arch, BaseOptions, FlatBase, LabelError, LabelOptions, Relief, flat_base, label, validate};
use proptest::prelude::*;
use std::sync::OnceLock;

use crate::label::{cube_and_bottom, font, read_code};
use crate::prep::assert_closed_manifold_outward;
use crate::prep_properties::arches;

/// Each corpus arch on a base 3 mm into its crowns (as the preparation benchmark makes it), once.
fn based_arches() -> &'static [FlatBase] {
    static BASED: OnceLock<Vec<FlatBase>> = OnceLock::new();
    BASED.get_or_init(|| {
        arches()
            .iter()
            .map(|(name, arch, _)| {
                let which = if name.contains("upper") { Arch::Upper } else { Arch::Lower };
                flat_base(arch, &BaseOptions { cut_height_mm: 3.0, ..BaseOptions::for_arch(which) }).unwrap()
            })
            .collect()
    })
}

/// Case codes use these (no 0/O, 1/I/L), and arch and stage add U, L and digits.
const ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ0123456789-";

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()), 1..=3)
        .prop_map(|chars| chars.into_iter().collect())
}

/// An aligner's id: a case code, an arch and a stage ("K7Q-4M2-U07"), or any text of the alphabet.
fn payload() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()), 1..=16)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_label_under_an_arch_keeps_it_closed_manifold_and_outward(
        which in 0usize..8,
        text in text(),
        letter_height in 1.0f32..2.0,
        offset in [-1.5f32..1.5, -1.5f32..1.5],
        rotation in -180.0f32..180.0,
        engrave in any::<bool>(),
    ) {
        let based = &based_arches()[which % based_arches().len()];
        let before = validate(&based.mesh).signed_volume;
        let relief = if engrave { Relief::Engrave } else { Relief::Emboss };
        let options = LabelOptions {
            letter_height_mm: letter_height,
            margin_mm: 0.3,
            depth_mm: 0.5,
            offset_mm: offset,
            rotation_deg: rotation,
            relief,
            ..LabelOptions::new(font(), text, based.bottom)
        };
        match label(&based.mesh, &options) {
            Ok(labelled) => {
                let report = validate(&labelled.mesh);
                assert_closed_manifold_outward(&report);
                let change = 0.5 * labelled.shape.area_mm2() * if engrave { -1.0 } else { 1.0 };
                prop_assert!(
                    (report.signed_volume - (before + change)).abs() < 1e-3 * before.abs().max(1.0),
                    "{options:?}: volume {} from {before} by {change}", report.signed_volume
                );
            }
            Err(LabelError::DoesNotFit { .. }) => {}
            Err(error) => prop_assert!(false, "{options:?}: {error}"),
        }
    }

    #[test]
    fn any_id_reads_back_from_the_code_at_any_rotation_raised_or_cut(
        id in payload(),
        rotation in -180.0f32..180.0,
        module in 0.6f32..1.2,
        engrave in any::<bool>(),
    ) {
        let (cube, bottom) = cube_and_bottom();
        let relief = if engrave { Relief::Engrave } else { Relief::Emboss };
        let options = LabelOptions {
            code: id.clone(),
            module_mm: module,
            rotation_deg: rotation,
            relief,
            ..LabelOptions::new(font(), "U07", bottom)
        };
        let labelled = label(&cube, &options).unwrap();
        assert_closed_manifold_outward(&validate(&labelled.mesh));
        let height = if engrave { -0.6 } else { 0.6 };
        prop_assert_eq!(read_code(&labelled, height), Ok(id.into_bytes()), "{:?}", options);
    }
}
