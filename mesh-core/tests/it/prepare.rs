//! Recipes: the steps in order on a real arch and on a cube, the result
//! closed, manifold and outward, the trim along the proposal or a line
//! placed by hand, and a recipe that cannot work refused with the step
//! that needs changing.

use mesh_core::prepare::{
    BaseRecipe, HollowRecipe, LabelRecipe, Part, PrepareError, Recipe, Step, TrimRecipe, prepare,
};
use mesh_core::{
    Arch, IndexedMesh, TrimError, TrimLineOptions, TrimOptions, UniteError, propose_trim_line, read, smooth_trim_line,
    trim, validate,
};

use crate::corpus::corpus_dir;

use crate::label::font;
use crate::prep::{assert_closed_manifold_outward, lower_arch};
use crate::realistic::{assert_printable, realistic};
use crate::solids::{cube_at, cuboid_at};

/// A block standing on y = 0 has no teeth to find its frame from: its up is given.
fn block_part() -> Part {
    Part { up: Some([0.0, 1.0, 0.0]), ..Part::aligner("K7Q-4M2", Arch::Lower, 7) }
}

/// Two lines of the same points moved rigidly: every point the same distance from the first.
/// (The motion itself is `Placement`'s, tested with it.)
fn assert_same_shape(a: &[[f32; 3]], b: &[[f32; 3]]) {
    assert_eq!(a.len(), b.len());
    let distance = |p: [f32; 3], q: [f32; 3]| (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f32>().sqrt();
    for i in 1..a.len() {
        let (da, db) = (distance(a[0], a[i]), distance(b[0], b[i]));
        assert!((da - db).abs() < 1e-3, "point {i}: {da} against {db}");
    }
}

#[test]
fn the_default_recipe_labels_both_corpus_arches_on_one_plate() {
    let upper = read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap()).unwrap().mesh;
    for (arch, mesh) in [(Arch::Lower, lower_arch()), (Arch::Upper, upper)] {
        let prepared = prepare(&mesh, &Recipe::default(), &Part::aligner("K7Q-4M2", arch, 12), font()).unwrap();
        let report = validate(&prepared.mesh);
        assert_closed_manifold_outward(&report);
        let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
        // The separate crowns stay apart until the plate joins them.
        assert_eq!(steps, [Step::Frame, Step::Repair, Step::Unite, Step::Base, Step::Label, Step::Check]);
        assert_eq!(prepared.steps[2].1, "14 pieces made 13 solids where they overlap");
        assert_eq!(prepared.steps[3].1, "cut 1 mm above the lowest point, 3 mm plate");
    }
}

#[test]
fn a_following_base_on_the_lower_arch_gives_a_closed_model_standing_on_its_base() {
    let arch = realistic("lower_gum_closed");
    let base = BaseRecipe { plate: false, ..BaseRecipe::default() };
    let recipe = Recipe { label: None, base: Some(base), ..Recipe::default() };
    let prepared = prepare(&arch, &recipe, &Part::aligner("K7Q-4M2", Arch::Lower, 7), font()).unwrap();
    assert_closed_manifold_outward(&validate(&prepared.mesh));
    let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, [Step::Frame, Step::Repair, Step::Base, Step::Check]);
    assert_eq!(prepared.steps[1].1, "nothing to repair");
    // The lower arch's teeth point along +Y: standing, they point up (+Z)
    // from the base, whose 3 mm go below the 1 mm cut.
    let (before, after) = (arch.bounds().unwrap(), prepared.mesh.bounds().unwrap());
    assert_eq!(after.min[2], 0.0);
    let height = before.size()[1] - 1.0 + 3.0;
    // The arch's axis leans 1° from Y, so its height along it is a little more.
    assert!((after.max[2] - height).abs() < 0.5, "{before:?} {after:?}");
    assert_printable("lower_gum_closed", &prepared.mesh);
}

#[test]
fn a_labelled_base_on_a_block_carries_the_aligners_label() {
    // A 60 mm block standing on y = 0, as a lower arch stands.
    let block = cube_at([-30.0, 0.0, -30.0], 60.0);
    let base = BaseRecipe { plate: false, ..BaseRecipe::default() };
    let recipe = Recipe { repair: false, base: Some(base), ..Recipe::default() };
    let part = block_part();
    let prepared = prepare(&block, &recipe, &part, font()).unwrap();
    let report = validate(&prepared.mesh);
    assert_closed_manifold_outward(&report);
    // Engraved: less than the 60 × 60 × (60 − 1 + 3) block, by the relief's volume.
    assert!(report.signed_volume < 60.0 * 60.0 * 62.0 - 1.0, "{report:?}");
    assert!(report.signed_volume > 60.0 * 60.0 * 62.0 - 300.0, "{report:?}");
    assert_eq!(prepared.steps[prepared.steps.len() - 2], (Step::Label, "\"K7Q-4M2 L07\" on the base".to_owned()));
}

#[test]
fn a_recipe_that_cannot_work_names_its_step_and_what_to_change() {
    let block = cube_at([-20.0, 0.0, -20.0], 40.0);
    let part = block_part();

    let no_base = Recipe { base: None, ..Recipe::default() };
    let error = prepare(&block, &no_base, &part, font()).unwrap_err();
    assert_eq!(error, PrepareError::LabelNeedsBase);
    assert_eq!(error.step(), Some(Step::Label));

    let flat = Recipe { base: Some(BaseRecipe { base_height_mm: 0.0, ..BaseRecipe::default() }), ..Recipe::default() };
    let error = prepare(&block, &flat, &part, font()).unwrap_err();
    assert_eq!(error.step(), Some(Step::Base));
    assert!(error.to_string().starts_with("flat base: the base height must be more than 0 mm"), "{error}");

    let huge =
        Recipe { label: Some(LabelRecipe { letter_height_mm: 30.0, ..LabelRecipe::default() }), ..Recipe::default() };
    let error = prepare(&block, &huge, &part, font()).unwrap_err();
    assert_eq!(error.step(), Some(Step::Label));
    assert!(error.to_string().contains("use smaller letters"), "{error}");
}

#[test]
fn a_hollowed_arch_on_its_base_uses_less_resin_and_stays_closed() {
    let arch = realistic("lower_gum_closed");
    let base = BaseRecipe { plate: false, ..BaseRecipe::default() };
    let hollow = HollowRecipe { wall_mm: 1.5, drain_diameter_mm: 2.0 };
    let recipe = Recipe { base: Some(base), hollow: Some(hollow), label: None, ..Recipe::default() };
    let part = Part::aligner("K7Q-4M2", Arch::Lower, 7);
    let prepared = prepare(&arch, &recipe, &part, font()).unwrap();
    let report = validate(&prepared.mesh);
    assert_closed_manifold_outward(&report);
    let solid = prepare(&arch, &Recipe { hollow: None, ..recipe }, &part, font()).unwrap();
    assert!(report.signed_volume < validate(&solid.mesh).signed_volume - 100.0, "{report:?}");
    let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, [Step::Frame, Step::Repair, Step::Base, Step::Hollow, Step::Check]);
    let said = &prepared.steps[3].1;
    assert!(said.starts_with("1.5 mm wall, ") && said.contains(" of 2 mm") && said.contains("% less resin"), "{said}");
}

#[test]
fn a_hollowed_block_keeps_its_drains_off_the_label() {
    // A 44 × 16 × 24 mm block standing on y = 0, as a lower arch stands.
    let block = cuboid_at([-22.0, 0.0, -12.0], [44.0, 16.0, 24.0]);
    let base = BaseRecipe { plate: false, ..BaseRecipe::default() };
    let recipe = Recipe { repair: false, base: Some(base), hollow: Some(HollowRecipe::default()), ..Recipe::default() };
    let part = block_part();
    let prepared = prepare(&block, &recipe, &part, font()).unwrap();
    assert_closed_manifold_outward(&validate(&prepared.mesh));
    let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, [Step::Frame, Step::Base, Step::Hollow, Step::Label, Step::Check]);

    // On a plate the block and the plate are one solid, so the drains pass
    // through its bottom.
    let on_plate = Recipe { base: Some(BaseRecipe::default()), ..recipe };
    let prepared = prepare(&block, &on_plate, &part, font()).unwrap();
    assert_printable("block on a plate", &prepared.mesh);
    let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, [Step::Frame, Step::Base, Step::Hollow, Step::Label, Step::Check]);
}

#[test]
fn hollowing_needs_a_base_and_its_errors_name_the_hollow_step() {
    let block = cube_at([-20.0, 0.0, -20.0], 40.0);
    let part = block_part();
    let no_base = Recipe { base: None, label: None, hollow: Some(HollowRecipe::default()), ..Recipe::default() };
    let error = prepare(&block, &no_base, &part, font()).unwrap_err();
    assert_eq!(error, PrepareError::HollowNeedsBase);
    assert_eq!(error.step(), Some(Step::Hollow));
    assert!(error.to_string().contains("turn the base on, or hollowing off"), "{error}");

    let thin_wall = HollowRecipe { wall_mm: 0.2, ..HollowRecipe::default() };
    let recipe = Recipe { hollow: Some(thin_wall), label: None, ..Recipe::default() };
    let error = prepare(&block, &recipe, &part, font()).unwrap_err();
    assert_eq!(error.step(), Some(Step::Hollow));
    assert!(error.to_string().starts_with("hollow: the wall must be from 0.5 to 10 mm"), "{error}");
}

#[test]
fn a_trim_recipe_trims_the_arch_along_the_proposal_before_its_base() {
    let arch = lower_arch();
    let recipe = Recipe { trim: Some(TrimRecipe { offset_mm: 1.0 }), label: None, ..Recipe::default() };
    let prepared = prepare(&arch, &recipe, &Part::aligner("K7Q-4M2", Arch::Lower, 7), font()).unwrap();
    assert_closed_manifold_outward(&validate(&prepared.mesh));
    let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, [Step::Frame, Step::Repair, Step::Unite, Step::Trim, Step::Base, Step::Check]);
    let line = prepared.trim_line.clone().unwrap();
    assert!(
        prepared.steps[3].1.starts_with(&format!(
            "along the proposed line 1 mm above the lowest tooth points ({} points,",
            line.len()
        )),
        "{:?}",
        prepared.steps[3]
    );
    // The line is the proposal's, smoothed on the arch as it came from the
    // repair (unchanged here) and the union (two crowns overlap).
    let up = prepared.frame.up;
    let united = mesh_core::unite(&arch).unwrap().mesh;
    let proposal = propose_trim_line(&united, up, 1.0).unwrap();
    assert_eq!(trim(&united, &TrimOptions::new(up, proposal)).unwrap().line, line);
    // On the prepared model, the same line moved with it.
    assert_same_shape(&line, &prepared.placed_trim_line().unwrap());
}

#[test]
fn a_line_placed_by_hand_replaces_the_proposal() {
    let arch = realistic("lower_gum_closed");
    let up = Arch::Lower.occlusal_direction();
    let mut hand: Vec<[f32; 3]> = propose_trim_line(&arch, up, 2.0).unwrap().into_iter().step_by(8).collect();
    hand.push(hand[0]);
    let part = Part { trim_line: Some(hand.clone()), ..Part::aligner("K7Q-4M2", Arch::Lower, 7) };
    let recipe =
        Recipe { repair: false, trim: Some(TrimRecipe::default()), base: None, label: None, ..Recipe::default() };
    let prepared = prepare(&arch, &recipe, &part, font()).unwrap();
    assert_closed_manifold_outward(&validate(&prepared.mesh));
    assert!(prepared.steps[1].1.starts_with("along the line placed by hand"), "{:?}", prepared.steps);
    let smoothed = smooth_trim_line(&arch, &hand, prepared.frame.up, &TrimLineOptions::default()).unwrap();
    assert_eq!(prepared.trim_line, Some(smoothed));
}

#[test]
fn a_trim_that_cannot_work_names_the_trim_step() {
    let arch = lower_arch();
    let part = Part::aligner("K7Q-4M2", Arch::Lower, 7);
    let recipe = Recipe { trim: Some(TrimRecipe { offset_mm: 0.0 }), ..Recipe::default() };
    let error = prepare(&arch, &recipe, &part, font()).unwrap_err();
    assert_eq!(error, PrepareError::Trim(TrimError::Offset { got: 0.0 }));
    assert_eq!(error.step(), Some(Step::Trim));
    assert!(error.to_string().starts_with("trim: the trim offset must be a positive number of mm"), "{error}");

    // A line placed by hand that does not come back to its first point.
    let open = Part { trim_line: Some(vec![[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [10.0, 0.0, 10.0]]), ..part };
    let error =
        prepare(&arch, &Recipe { trim: Some(TrimRecipe::default()), ..Recipe::default() }, &open, font()).unwrap_err();
    assert_eq!(error.step(), Some(Step::Trim));
    assert!(error.to_string().contains("end it on the first point"), "{error}");
}

#[test]
fn the_full_recipe_trims_plates_and_labels_both_corpus_arches_at_any_offset_and_cut() {
    let upper = read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap()).unwrap().mesh;
    for (arch, mesh) in [(Arch::Lower, lower_arch()), (Arch::Upper, upper)] {
        for offset_mm in [0.5, 1.0, 2.0, 3.0] {
            for cut_height_mm in [0.5, 1.0, 2.0] {
                let recipe = Recipe {
                    trim: Some(TrimRecipe { offset_mm }),
                    base: Some(BaseRecipe { cut_height_mm, ..BaseRecipe::default() }),
                    ..Recipe::default()
                };
                let prepared = prepare(&mesh, &recipe, &Part::aligner("K7Q-4M2", arch, 3), font())
                    .unwrap_or_else(|error| panic!("{arch:?} offset {offset_mm} cut {cut_height_mm}: {error}"));
                assert_closed_manifold_outward(&validate(&prepared.mesh));
                assert_printable("crowns", &prepared.mesh);
                let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
                let order: Vec<Step> =
                    steps.into_iter().filter(|s| matches!(s, Step::Trim | Step::Base | Step::Label)).collect();
                assert_eq!(order, [Step::Trim, Step::Base, Step::Label]);
                assert!(prepared.trim_line.as_ref().is_some_and(|line| line.len() > 100));
            }
        }
    }
}

#[test]
fn pieces_the_boolean_library_stops_on_are_refused_as_not_united() {
    // Two boxes bent through themselves (from a fuzzer's input), on which
    // boolmesh 0.2 panics inside the union instead of answering.
    let bent = IndexedMesh {
        positions: vec![
            [0.0, 0.0, 13.67767],
            [10.142136, -4.0, 21.67767],
            [18.142136, -4.0, 21.67767],
            [10.142136, -4.0, 13.67767],
            [10.142136, 1.0, 13.67767],
            [0.0, 0.0, 21.67767],
            [18.142136, -4.0, 13.67767],
            [18.142136, 1.0, 21.67767],
        ],
        triangles: vec![
            [0, 2, 1],
            [0, 3, 2],
            [0, 1, 4],
            [5, 6, 7],
            [5, 1, 2],
            [5, 7, 1],
            [0, 6, 3],
            [0, 4, 6],
            [6, 4, 1],
            [1, 7, 6],
            [6, 2, 3],
            [6, 5, 2],
        ],
    };
    let stretched = IndexedMesh {
        positions: vec![
            [0.0, 0.0, 9.300802],
            [12.934484, -4.0, 17.300802],
            [20.934484, -4.0, 17.300802],
            [12.934484, -4.0, 9.300802],
            [12.934484, 1.0, 9.300802],
            [0.0, 0.0, 17.300802],
            [20.934484, -4.0, 9.300802],
            [20.934484, 1.0, 17.300802],
            [13244.911, -4.0, 9.300802],
        ],
        triangles: vec![
            [0, 1, 2],
            [0, 2, 3],
            [0, 4, 1],
            [5, 7, 6],
            [5, 2, 1],
            [5, 1, 7],
            [0, 8, 6],
            [0, 6, 4],
            [6, 1, 4],
            [1, 6, 7],
            [8, 0, 5],
            [5, 0, 3],
            [5, 3, 2],
            [8, 5, 6],
        ],
    };
    let mut both = bent;
    let offset = both.positions.len() as u32;
    both.positions.extend(stretched.positions);
    both.triangles.extend(stretched.triangles.iter().map(|t| t.map(|v| v + offset)));
    let error = mesh_core::unite(&both).unwrap_err();
    assert!(matches!(error, UniteError::Boolean(_)), "{error:?}");
    assert!(error.to_string().contains("check the model for pieces crossing themselves"), "{error}");
}
