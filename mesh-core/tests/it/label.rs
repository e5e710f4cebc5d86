//! Labels: the font's outlines, the Data Matrix read back from the relief,
//! and the relief on a cube's bottom and under an arch's base — closed,
//! manifold, outward, and larger (embossed) or smaller (engraved) by
//! exactly the relief's volume; and the errors that say what to change.

use std::sync::OnceLock;

use datamatrix::DataMatrix;
use mesh_core::{
    Arch, BaseOptions, IndexedMesh, LabelError, LabelOptions, Labelled, Plane, Relief, flat_base, label, label_shape,
    validate,
};

use crate::prep::{assert_closed_manifold_outward, assert_near, lower_arch};
use crate::solids::cube_at;

/// DejaVu Sans Bold, as the app ships it.
pub(crate) fn font() -> &'static [u8] {
    static FONT: OnceLock<Vec<u8>> = OnceLock::new();
    FONT.get_or_init(|| {
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../public/fonts/DejaVuSans-Bold.ttf")).unwrap()
    })
}

/// The bottom face of a 60 mm cube standing on z = 0, facing down.
pub(crate) fn cube_and_bottom() -> (IndexedMesh, Plane) {
    (cube_at([-30.0, -30.0, 0.0], 60.0), Plane::new([0.0, 0.0, 0.0], [0.0, 0.0, -1.0]))
}

/// Counter-clockwise (positive) and clockwise (negative) contours of a text's shape.
fn outer_and_holes(text: &str) -> (usize, usize) {
    let shape = label_shape(&LabelOptions::new(font(), text, Plane::new([0.0; 3], [0.0, 0.0, 1.0]))).unwrap();
    let areas: Vec<f64> = shape.contours.iter().map(|c| shoelace(c)).collect();
    (areas.iter().filter(|&&a| a > 0.0).count(), areas.iter().filter(|&&a| a < 0.0).count())
}

fn shoelace(contour: &[[f64; 2]]) -> f64 {
    (0..contour.len())
        .map(|i| {
            let (p, q) = (contour[i], contour[(i + 1) % contour.len()]);
            p[0] * q[1] - q[0] * p[1]
        })
        .sum::<f64>()
        / 2.0
}

#[test]
fn letters_have_their_holes_as_clockwise_contours() {
    assert_eq!(outer_and_holes("K"), (1, 0));
    assert_eq!(outer_and_holes("O"), (1, 1));
    assert_eq!(outer_and_holes("8"), (1, 2));
    assert_eq!(outer_and_holes("A"), (1, 1));
    assert_eq!(outer_and_holes("K7Q-4M2 U07"), (11 - 1, 1 + 1 + 1));
}

#[test]
fn the_letter_height_is_the_height_of_a_capital() {
    let face = Plane::new([0.0; 3], [0.0, 0.0, 1.0]);
    for height in [2.0f32, 4.0, 7.5] {
        let options = LabelOptions { letter_height_mm: height, margin_mm: 0.0, ..LabelOptions::new(font(), "H", face) };
        let shape = label_shape(&options).unwrap();
        // An H is straight: its outline is exactly as tall as a capital.
        assert_near(shape.size_mm[1], f64::from(height), 1e-4);
    }
    // Two lines are 1.4 letter heights apart, baseline to baseline.
    let two = label_shape(&LabelOptions { margin_mm: 0.0, ..LabelOptions::new(font(), "H\nH", face) }).unwrap();
    assert_near(two.size_mm[1], 4.0 + 1.4 * 4.0, 1e-4);
}

/// The width of a text's outlines, in mm.
fn width(text: &str) -> f64 {
    let face = Plane::new([0.0; 3], [0.0, 0.0, 1.0]);
    label_shape(&LabelOptions { margin_mm: 0.0, ..LabelOptions::new(font(), text, face) }).unwrap().size_mm[0]
}

#[test]
fn kerning_pairs_bring_letters_closer_and_touching_letters_are_kept_apart() {
    // w(AX) − w(X) is A's advance (less its left bearing) plus the pair's kerning.
    let kerned = width("AV") - width("V");
    let plain = width("AH") - width("H");
    assert!(kerned < plain - 0.1, "AV: {kerned} mm, AH: {plain} mm");
    // Bold K and X touch arm to arm: they come out at least twice the 0.02 mm tolerance apart.
    let face = Plane::new([0.0; 3], [0.0, 0.0, 1.0]);
    let shape = label_shape(&LabelOptions { letter_height_mm: 1.0, ..LabelOptions::new(font(), "KX", face) }).unwrap();
    let [k, x] = shape.contours.as_slice() else { panic!("two contours: {:?}", shape.contours) };
    let nearest = k
        .iter()
        .flat_map(|p| x.iter().map(move |q| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()))
        .fold(f64::INFINITY, f64::min);
    assert!(nearest >= 0.04, "K and X are {nearest} mm apart");
}

#[test]
fn an_embossed_label_on_a_cube_adds_exactly_its_relief() {
    let (cube, bottom) = cube_and_bottom();
    let options = LabelOptions::new(font(), "K7Q-4M2 U07", bottom);
    let labelled = label(&cube, &options).unwrap();
    let report = validate(&labelled.mesh);
    assert_closed_manifold_outward(&report);
    let area = labelled.shape.contours.iter().map(|c| shoelace(c)).sum::<f64>();
    assert!(area > 30.0, "the letters cover {area} mm²");
    assert_near(report.signed_volume, 60.0f64.powi(3) + 0.6 * area, 1e-3);
    let bounds = report.bounds.unwrap();
    assert_near(f64::from(bounds.min[2]), -0.6, 1e-6);
    assert_eq!(bounds.max[2], 60.0);
    // 4 mm letters, eleven of them: about 40 mm long; 4 mm tall and the Q's tail, with a 1 mm margin.
    let [width, height] = labelled.shape.size_mm;
    assert!(width > 35.0 && width < 50.0 && height > 6.0 && height < 7.5, "{width} × {height}");
}

#[test]
fn the_label_reads_along_x_unmirrored_from_outside_and_turns_with_its_rotation() {
    let (cube, bottom) = cube_and_bottom();
    let straight = label(&cube, &LabelOptions::new(font(), "U07", bottom)).unwrap();
    assert_eq!((straight.right, straight.up), ([1.0, 0.0, 0.0], [0.0, -1.0, 0.0]));
    // right × up is the bottom's outward normal (−Z): seen from below, x runs right and y up.
    assert_eq!(cross(straight.right, straight.up), [0.0, 0.0, -1.0]);
    assert_eq!(straight.centre, [0.0, 0.0, 0.0]);
    let turned = LabelOptions { rotation_deg: 90.0, offset_mm: [5.0, 0.0], ..LabelOptions::new(font(), "U07", bottom) };
    let turned = label(&cube, &turned).unwrap();
    let near = |a: [f32; 3], b: [f32; 3]| (0..3).all(|i| (a[i] - b[i]).abs() < 1e-6);
    assert!(near(turned.right, [0.0, -1.0, 0.0]) && near(turned.up, [-1.0, 0.0, 0.0]), "{turned:?}");
    // Moved 5 mm along its own reading direction.
    assert!(near(turned.centre, [0.0, -5.0, 0.0]), "{:?}", turned.centre);
    assert_closed_manifold_outward(&validate(&turned.mesh));
}

#[test]
fn an_engraved_label_on_a_cube_removes_exactly_its_relief() {
    let (cube, bottom) = cube_and_bottom();
    let options = LabelOptions { relief: Relief::Engrave, depth_mm: 0.8, ..LabelOptions::new(font(), "U07", bottom) };
    let labelled = label(&cube, &options).unwrap();
    let report = validate(&labelled.mesh);
    assert_closed_manifold_outward(&report);
    let area = labelled.shape.area_mm2();
    assert_near(report.signed_volume, 60.0f64.powi(3) - 0.8 * area, 1e-3);
    let bounds = report.bounds.unwrap();
    assert_eq!((bounds.min[2], bounds.max[2]), (0.0, 60.0));
}

/// Whether the relief covers the point `at` (label coordinates): a face
/// of the relief's top, `depth` out of the face, lies over it.
pub(crate) fn relief_covers(labelled: &Labelled, depth: f32, at: [f64; 2]) -> bool {
    let mesh = &labelled.mesh;
    let normal = cross(labelled.right, labelled.up);
    let local = |p: [f32; 3]| {
        let d = [0, 1, 2].map(|i| f64::from(p[i] - labelled.centre[i]));
        let along = |axis: [f32; 3]| (0..3).map(|i| d[i] * f64::from(axis[i])).sum::<f64>();
        (along(labelled.right), along(labelled.up), along(normal))
    };
    mesh.triangles.iter().any(|t| {
        let corners = t.map(|v| local(mesh.positions[v as usize]));
        if corners.iter().any(|c| (c.2 - f64::from(depth)).abs() > 1e-3) {
            return false;
        }
        let side = |a: (f64, f64, f64), b: (f64, f64, f64)| (b.0 - a.0) * (at[1] - a.1) - (at[0] - a.0) * (b.1 - a.1);
        let s = [side(corners[0], corners[1]), side(corners[1], corners[2]), side(corners[2], corners[0])];
        s.iter().all(|&x| x >= 0.0) || s.iter().all(|&x| x <= 0.0)
    })
}

fn cross(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// The Data Matrix read from the relief: its top (or floor, `height` < 0)
/// sampled at every module's centre, top row first, as a reader sees it.
pub(crate) fn read_code(labelled: &Labelled, height: f32) -> Result<Vec<u8>, String> {
    let code = labelled.shape.code.ok_or("the label has no code")?;
    let mut pixels = Vec::with_capacity(code.columns * code.rows);
    for row in 0..code.rows {
        for column in 0..code.columns {
            let x = code.top_left_mm[0] + (column as f64 + 0.5) * code.module_mm;
            let y = code.top_left_mm[1] - (row as f64 + 0.5) * code.module_mm;
            pixels.push(relief_covers(labelled, height, [x, y]));
        }
    }
    DataMatrix::decode(&pixels, code.columns).map_err(|e| format!("{e:?}"))
}

#[test]
fn the_raised_data_matrix_reads_back_as_the_aligners_id() {
    let (cube, bottom) = cube_and_bottom();
    let options = LabelOptions { code: "K7Q-4M2-U07".into(), ..LabelOptions::new(font(), "K7Q-4M2\nU07", bottom) };
    let labelled = label(&cube, &options).unwrap();
    assert_closed_manifold_outward(&validate(&labelled.mesh));
    let code = labelled.shape.code.unwrap();
    assert_eq!(code.module_mm, f64::from(0.8f32));
    assert_eq!(read_code(&labelled, 0.6).unwrap(), b"K7Q-4M2-U07");
}

#[test]
fn a_label_under_the_lower_arch_keeps_it_closed_and_adds_its_relief() {
    let arch = lower_arch();
    let based = flat_base(&arch, &BaseOptions { cut_height_mm: 3.0, ..BaseOptions::for_arch(Arch::Lower) }).unwrap();
    let before = validate(&based.mesh).signed_volume;
    // The base under separate teeth is one small face per tooth: try places round the largest.
    let mut made = 0;
    for step in 0..25 {
        let offset = [0.3 * ((step % 5) as f32 - 2.0), 0.3 * ((step / 5) as f32 - 2.0)];
        let options = LabelOptions {
            letter_height_mm: 1.5,
            margin_mm: 0.3,
            offset_mm: offset,
            ..LabelOptions::new(font(), "U07", based.bottom)
        };
        match label(&based.mesh, &options) {
            Ok(labelled) => {
                let report = validate(&labelled.mesh);
                assert_closed_manifold_outward(&report);
                assert_near(report.signed_volume, before + 0.6 * labelled.shape.area_mm2(), 1e-3);
                made += 1;
            }
            Err(LabelError::DoesNotFit { .. }) => {}
            Err(error) => panic!("at {offset:?}: {error}"),
        }
    }
    assert!(made >= 3, "the label fitted at only {made} of 25 places");
}

#[test]
fn a_label_too_large_for_the_face_names_both_sizes_and_what_to_change() {
    let cube = cube_at([0.0; 3], 10.0);
    let bottom = Plane::new([5.0, 5.0, 0.0], [0.0, 0.0, -1.0]);
    let error = label(&cube, &LabelOptions::new(font(), "K7Q-4M2 U07", bottom)).unwrap_err();
    let LabelError::DoesNotFit { label_mm, face_mm, .. } = error else { panic!("{error}") };
    assert_eq!(face_mm, [10.0, 10.0]);
    assert!(label_mm[0] > 35.0, "{label_mm:?}");
    let message = error.to_string();
    assert!(message.contains("10.0 × 10.0 mm"), "{message}");
    assert!(message.contains("smaller letters") && message.contains("move the label"), "{message}");
    // Moved off the face, the same short label does not fit either.
    let moved = LabelOptions { offset_mm: [4.0, 0.0], ..LabelOptions::new(font(), "U7", bottom) };
    assert!(matches!(label(&cube, &moved), Err(LabelError::DoesNotFit { .. })));
    assert!(label(&cube, &LabelOptions::new(font(), "U7", bottom)).is_ok());
}

#[test]
fn bad_options_are_errors_saying_what_to_enter() {
    let (cube, bottom) = cube_and_bottom();
    let options = || LabelOptions::new(font(), "U07", bottom);
    let small = LabelOptions { code: "K7Q".into(), module_mm: 0.5, ..options() };
    let error = label(&cube, &small).unwrap_err();
    assert_eq!(error, LabelError::ModuleTooSmall { got: 0.5, min: 0.6 });
    assert!(error.to_string().contains("at least 0.6 mm"), "{error}");
    let emoji = LabelOptions { text: "U07 🦷".into(), ..options() };
    assert_eq!(label(&cube, &emoji).unwrap_err(), LabelError::MissingGlyph { character: '🦷' });
    let nowhere = LabelOptions { face: Plane::new([0.0, 0.0, 5.0], [0.0, 0.0, -1.0]), ..options() };
    assert!(matches!(label(&cube, &nowhere), Err(LabelError::FaceNotFound { .. })));
    // The top faces up: asked for facing down there, it is not found.
    let wrong_way = LabelOptions { face: Plane::new([0.0, 0.0, 60.0], [0.0, 0.0, -1.0]), ..options() };
    assert!(matches!(label(&cube, &wrong_way), Err(LabelError::FaceNotFound { .. })));
    let not_a_font = LabelOptions { font: b"not a font", ..options() };
    assert!(matches!(label(&cube, &not_a_font), Err(LabelError::UnreadableFont { .. })));
    assert_eq!(label(&cube, &LabelOptions { text: " ".into(), ..options() }).unwrap_err(), LabelError::Empty);
    assert_eq!(label(&cube, &LabelOptions { depth_mm: 0.0, ..options() }).unwrap_err(), LabelError::Depth { got: 0.0 });
    let height = LabelOptions { letter_height_mm: f32::NAN, ..options() };
    assert!(matches!(label(&cube, &height), Err(LabelError::LetterHeight { .. })));
}

#[test]
fn an_engraving_deeper_than_a_thin_plate_is_refused() {
    // A 60 × 60 × 0.5 mm plate: 0.6 mm would cut through its top.
    let plate = IndexedMesh {
        positions: cube_at([-30.0, -30.0, 0.0], 60.0).positions.iter().map(|p| [p[0], p[1], p[2] / 120.0]).collect(),
        triangles: cube_at([0.0; 3], 1.0).triangles,
    };
    let bottom = Plane::new([0.0; 3], [0.0, 0.0, -1.0]);
    let engraved = LabelOptions { relief: Relief::Engrave, ..LabelOptions::new(font(), "U07", bottom) };
    let error = label(&plate, &engraved).unwrap_err();
    assert!(matches!(error, LabelError::RunsIntoModel { depth: 0.6, .. }), "{error}");
    assert!(error.to_string().contains("make it shallower"), "{error}");
    let shallow = LabelOptions { depth_mm: 0.3, ..engraved.clone() };
    assert_closed_manifold_outward(&validate(&label(&plate, &shallow).unwrap().mesh));
    let embossed = LabelOptions { relief: Relief::Emboss, ..engraved };
    assert_closed_manifold_outward(&validate(&label(&plate, &embossed).unwrap().mesh));
}

#[test]
fn every_pair_of_case_code_characters_makes_a_closed_label() {
    let (cube, bottom) = cube_and_bottom();
    let alphabet: Vec<char> = "ABCDEFGHJKMNPQRSTUVWXYZ0123456789- ".chars().collect();
    for height in [1.0f32, 3.0] {
        for &first in &alphabet {
            // Five pairs a line: "AB AC AD AE AF\nAG …".
            let pairs: Vec<String> = alphabet.iter().map(|&second| format!("{first}{second}")).collect();
            let text = pairs.chunks(5).map(|line| line.join(" ")).collect::<Vec<_>>().join("\n");
            let options = LabelOptions { letter_height_mm: height, ..LabelOptions::new(font(), text.clone(), bottom) };
            let labelled = label(&cube, &options).unwrap_or_else(|e| panic!("{text:?} at {height} mm: {e}"));
            let report = validate(&labelled.mesh);
            assert_closed_manifold_outward(&report);
            assert_near(report.signed_volume, 60.0f64.powi(3) + 0.6 * labelled.shape.area_mm2(), 1e-3);
        }
    }
}
