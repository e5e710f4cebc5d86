//! The arches with gums in `corpus/realistic/`, in the shapes clinics
//! receive (closed, open scans, gum plus separate teeth, Z up and off the
//! origin), and the crown-only arches: their frames found from the shape.

use mesh_core::{FrameClue, IndexedMesh, find_arch_frame, read};

use crate::corpus::corpus_dir;

/// Each realistic file and the way its teeth point (its MANIFEST and README).
pub(crate) const REALISTIC: [(&str, [f32; 3]); 12] = [
    ("lower_gum_closed", [0.0, 1.0, 0.0]),
    ("lower_gum_zup", [0.0, 0.0, 1.0]),
    ("lower_plan_shells", [0.0, 1.0, 0.0]),
    ("lower_scan_open", [0.0, 1.0, 0.0]),
    ("upper_gum_closed", [0.0, -1.0, 0.0]),
    ("upper_gum_zup", [0.0, 0.0, 1.0]),
    ("upper_plan_shells", [0.0, -1.0, 0.0]),
    ("upper_scan_open", [0.0, -1.0, 0.0]),
    ("upper_stage_01", [0.0, -1.0, 0.0]),
    ("upper_stage_02", [0.0, -1.0, 0.0]),
    ("upper_stage_03", [0.0, -1.0, 0.0]),
    ("upper_stage_04", [0.0, -1.0, 0.0]),
];

/// The crown-only arches (14 separate crowns, no gum), Y up.
pub(crate) const CROWNS: [(&str, [f32; 3]); 2] =
    [("public/dental/ref_lower_tag0", [0.0, 1.0, 0.0]), ("public/dental/ref_upper_tag0", [0.0, -1.0, 0.0])];

pub(crate) fn realistic(name: &str) -> IndexedMesh {
    let path = corpus_dir().join("realistic").join(format!("{name}.stl"));
    read(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap().mesh
}

pub(crate) fn crowns(name: &str) -> IndexedMesh {
    read(&std::fs::read(corpus_dir().join(format!("{name}.stl"))).unwrap()).unwrap().mesh
}

/// Every model of both kinds, with its name and the way its teeth point.
pub(crate) fn every_arch() -> impl Iterator<Item = (&'static str, IndexedMesh, [f32; 3])> {
    REALISTIC
        .iter()
        .map(|&(name, up)| (name, realistic(name), up))
        .chain(CROWNS.iter().map(|&(name, up)| (name, crowns(name), up)))
}

fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[test]
fn every_arch_s_teeth_are_found_from_its_shape() {
    for (name, mesh, up) in every_arch() {
        let frame = find_arch_frame(&mesh).unwrap();
        assert!(dot(frame.up, up) > 0.95, "{name}: found {frame:?}, the teeth point along {up:?}");
        assert!(dot(frame.front, frame.up).abs() < 1e-4, "{name}: {frame:?}");
        // The incisors lie towards +Z in the Y-up files; the Z-up ones were
        // turned about X (+Y to +Z for the lower, −Y to +Z for the upper).
        let front = match name {
            "lower_gum_zup" => [0.0, -1.0, 0.0],
            "upper_gum_zup" => [0.0, 1.0, 0.0],
            _ => [0.0, 0.0, 1.0],
        };
        assert!(dot(frame.front, front) > 0.95, "{name}: the front found is {:?}", frame.front);
        let open = name.contains("scan_open");
        assert_eq!(frame.clue, if open { FrameClue::OpenRim } else { FrameClue::Detail }, "{name}");
    }
}

#[test]
fn a_plan_of_gum_and_teeth_is_united_into_one_closed_solid() {
    for name in ["upper_plan_shells", "lower_plan_shells"] {
        let mesh = realistic(name);
        let united = mesh_core::unite(&mesh).unwrap();
        assert_eq!((united.pieces_before, united.pieces_after), (15, 1), "{name}");
        let report = mesh_core::validate(&united.mesh);
        crate::prep::assert_closed_manifold_outward(&report);
        assert_eq!(report.components, 1);
    }
}

/// A prepared model a printer can take: one closed, manifold solid facing
/// outward, standing on its base at z = 0 — as written to STL and read back,
/// where points at one position are one vertex.
pub(crate) fn assert_printable(name: &str, mesh: &IndexedMesh) {
    let mesh = &read(&mesh_core::write_binary_stl(mesh)).unwrap().mesh;
    let report = mesh_core::validate(mesh);
    crate::prep::assert_closed_manifold_outward(&report);
    assert_eq!(report.components, 1, "{name}: {report:?}");
    assert!(report.signed_volume > 0.0, "{name}: {report:?}");
    let bounds = mesh.bounds().unwrap();
    assert!(bounds.min[2].abs() < 1e-3, "{name}: the bottom is at z = {}", bounds.min[2]);
}

#[test]
fn the_default_recipe_makes_every_arch_printable_standing_on_its_base() {
    use mesh_core::prepare::{Part, Recipe, Step, prepare};
    for (name, mesh, _) in every_arch() {
        let arch = if name.contains("upper") { mesh_core::Arch::Upper } else { mesh_core::Arch::Lower };
        let prepared = prepare(&mesh, &Recipe::default(), &Part::aligner("K7Q-4M2", arch, 3), crate::label::font())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_printable(name, &prepared.mesh);
        // The base is the lowest part: the flat bottom faces carry the label at z = 0.
        let steps: Vec<Step> = prepared.steps.iter().map(|(step, _)| *step).collect();
        assert_eq!(steps.first(), Some(&Step::Frame), "{name}");
        assert_eq!(steps.last(), Some(&Step::Check), "{name}");
    }
}

#[test]
fn the_proposed_trim_keeps_the_teeth_and_a_millimetre_of_gum_on_arches_with_gums() {
    use mesh_core::{TrimOptions, propose_trim, trim};
    for name in ["lower_gum_closed", "upper_gum_closed", "lower_plan_shells", "lower_scan_open"] {
        let mesh = mesh_core::repair(&realistic(name), &Default::default()).0;
        let mesh = mesh_core::unite(&mesh).unwrap().mesh;
        let up = find_arch_frame(&mesh).unwrap().up;
        let proposal = propose_trim(&mesh, up, 1.0).unwrap();
        assert!(proposal.gums, "{name}: the gums are found");
        let trimmed = trim(&mesh, &TrimOptions::new(up, proposal.line)).unwrap().mesh;
        let levels = |m: &IndexedMesh| {
            m.positions.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &p| {
                let level = dot(p, up);
                (lo.min(level), hi.max(level))
            })
        };
        let ((low, high), (trimmed_low, trimmed_high)) = (levels(&mesh), levels(&trimmed));
        assert_eq!(trimmed_high, high, "{name}: every tooth kept");
        // Crowns are 7–11 mm tall: the trim keeps them and some gum (an
        // upper arch's palate, inside the line, partly), and takes the rest.
        let kept = trimmed_high - trimmed_low;
        assert!(trimmed_low > low + 3.0 && kept >= 8.0, "{name}: {low}..{high} kept {kept} mm");
        crate::prep::assert_closed_manifold_outward(&mesh_core::validate(&trimmed));
    }
    // Crowns without gums: the line runs above their lowest points, as before.
    let crowns = crowns("public/dental/ref_lower_tag0");
    assert!(!propose_trim(&crowns, [0.0, 1.0, 0.0], 1.0).unwrap().gums);
}

#[test]
fn a_trim_that_would_cross_a_scan_s_open_rim_says_so() {
    use mesh_core::prepare::{Part, Recipe, Step, TrimRecipe, prepare};
    let scan = realistic("upper_scan_open");
    // Where the proposal cannot stay above this scan's rim (its open back), the trim refuses by name.
    let recipe = Recipe { trim: Some(TrimRecipe { offset_mm: 1.0 }), ..Recipe::default() };
    let error = prepare(&scan, &recipe, &Part::aligner("K7Q-4M2", mesh_core::Arch::Upper, 1), crate::label::font())
        .unwrap_err();
    assert_eq!(error.step(), Some(Step::Trim));
    assert!(error.to_string().contains("below the scan's open rim"), "{error}");
}
