//! Properties of the whole recipe on every arch clinics send (the
//! realistic corpus) and on the crown-only arches: whatever the base's
//! heights, plate or not, label and trim or not, a recipe gives a model a
//! printer takes — one closed, manifold solid facing outward, standing on
//! its base at z = 0, as written to STL — or refuses with the step that
//! failed; and without trim or label (the steps that can fairly refuse a
//! shape), every arch with a gum is always prepared.

use std::sync::OnceLock;

use mesh_core::IndexedMesh;
use mesh_core::prepare::{BaseRecipe, LabelRecipe, Part, Recipe, TrimRecipe, prepare};
use proptest::prelude::*;

use crate::label::font;
use crate::realistic::{assert_printable, every_arch};

/// Every arch, read once: its name and mesh.
fn arches() -> &'static [(&'static str, IndexedMesh)] {
    static ARCHES: OnceLock<Vec<(&'static str, IndexedMesh)>> = OnceLock::new();
    ARCHES.get_or_init(|| every_arch().map(|(name, mesh, _)| (name, mesh)).collect())
}

fn recipe() -> impl Strategy<Value = Recipe> {
    (0.5f32..=3.0, 1.0f32..=5.0, any::<bool>(), proptest::option::of(0.5f32..=2.0), any::<bool>()).prop_map(
        |(cut_height_mm, base_height_mm, plate, trim, label)| Recipe {
            repair: true,
            trim: trim.map(|offset_mm| TrimRecipe { offset_mm }),
            base: Some(BaseRecipe { cut_height_mm, base_height_mm, chamfer_mm: 0.0, plate }),
            hollow: None,
            label: label.then(LabelRecipe::default),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_recipe_gives_a_printable_model_or_names_the_step_that_refused(which in 0usize..14, recipe in recipe()) {
        let (name, mesh) = &arches()[which % arches().len()];
        let arch = if name.contains("upper") { mesh_core::Arch::Upper } else { mesh_core::Arch::Lower };
        match prepare(mesh, &recipe, &Part::aligner("K7Q-4M2", arch, 5), font()) {
            Ok(prepared) => assert_printable(name, &prepared.mesh),
            Err(error) => {
                let plain = recipe.trim.is_none() && recipe.label.is_none();
                // Crowns without gum on bases of their own stay separate pieces: refused by the check.
                let crowns = name.contains("public/dental") && !recipe.base.is_some_and(|b| b.plate);
                prop_assert!(!plain || crowns, "{name}: {recipe:?} refused: {error}");
                prop_assert!(error.step().is_some(), "{name}: {error}");
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }
}
