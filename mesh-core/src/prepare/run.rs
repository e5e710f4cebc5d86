//! The pipeline: each step of the recipe on the result of the one before,
//! in the arch's own frame (found from the model, or set by hand), and the
//! result checked printable and stood on its base: the bottom at z = 0,
//! +Z up, the front along +Y.

use super::error::{PrepareError, Step};
use super::part::Part;
use super::placement::Placement;
use super::recipe::{BaseRecipe, HollowRecipe, LabelRecipe, Recipe, TrimRecipe};
use crate::label::{LabelOptions, label, label_box};
use crate::ops::{
    ArchFrame, BaseOptions, BasePlacement, HollowOptions, KeepClear, Plane, PlateOptions, TrimError, TrimOptions,
    Trimmed, find_arch_frame, flat_base, hollow, plate_base, propose_trim, trim, unite,
};
use crate::repair::{RepairOptions, repair};
use crate::{IndexedMesh, Orientation, validate};

/// Flat plate round the model's pieces, in mm.
const PLATE_MARGIN_MM: f32 = 2.0;

/// The prepared model and what each step did.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Standing on its base: the base's bottom at z = 0, +Z up, the arch's
    /// front along +Y, centred over the origin.
    pub mesh: IndexedMesh,
    /// One sentence per step that ran, in order, such as
    /// `"flat base: cut 1 mm above the lowest point, 3 mm base"`.
    pub steps: Vec<(Step, String)>,
    /// The line the model was trimmed along (closed: the last point joins
    /// the first), on the original model; [`Prepared::placed_trim_line`]
    /// is the same line on the prepared model.
    pub trim_line: Option<Vec<[f32; 3]>>,
    /// The arch's frame the recipe used, in the original model's coordinates.
    pub frame: ArchFrame,
    /// The rigid motion from the original's place to the prepared model's.
    pub placement: Placement,
}

impl Prepared {
    /// The trim line on the prepared model, for trimming machines
    /// ([`write_polyline`](super::write_polyline)).
    pub fn placed_trim_line(&self) -> Option<Vec<[f32; 3]>> {
        self.trim_line.as_ref().map(|line| line.iter().map(|&p| self.placement.apply(p)).collect())
    }
}

/// Applies `recipe` to `mesh`, the model `part`. `font` is the label
/// font's bytes (DejaVu Sans Bold); it is read only when the recipe has a
/// label. The result is one closed solid facing outward, or an error
/// naming the step that could not make it so.
pub fn prepare(mesh: &IndexedMesh, recipe: &Recipe, part: &Part, font: &[u8]) -> Result<Prepared, PrepareError> {
    if mesh.is_empty() {
        return Err(PrepareError::Empty);
    }
    if recipe.label.is_some() && recipe.base.is_none() {
        return Err(PrepareError::LabelNeedsBase);
    }
    if recipe.hollow.is_some() && recipe.base.is_none() {
        return Err(PrepareError::HollowNeedsBase);
    }
    let mut steps = Vec::new();
    let found = find_arch_frame(mesh)?;
    let frame = match part.up {
        Some(up) => found.with_up(up).ok_or(PrepareError::Up { up })?,
        None => found,
    };
    steps.push((Step::Frame, frame_sentence(&frame)));
    let up = frame.up;
    let mut current = std::borrow::Cow::Borrowed(mesh);

    if recipe.repair {
        let (repaired, report) = repair(&current, &RepairOptions::default());
        steps.push((Step::Repair, report.summary()));
        current = std::borrow::Cow::Owned(repaired);
    }
    unite_pieces(&mut current, &mut steps, false)?;

    let mut trim_line = None;
    if let Some(recipe_trim) = &recipe.trim {
        let (trimmed, said) = trim_part(&current, recipe_trim, part, up)?;
        steps.push((Step::Trim, said));
        trim_line = Some(trimmed.line);
        current = std::borrow::Cow::Owned(trimmed.mesh);
    }

    let mut bottom: Option<Plane> = None;
    if let Some(base) = &recipe.base {
        let open = !validate(&current).boundary_loops.is_empty();
        let options = base_options(base, up);
        let based = if base.plate {
            plate_base(&current, &PlateOptions { base: options, margin_mm: PLATE_MARGIN_MM })?
        } else {
            flat_base(&current, &options)?
        };
        let shape = if base.plate { "plate" } else { "base" };
        let from = if open { "the open rim's highest point" } else { "the lowest point" };
        steps.push((
            Step::Base,
            format!("cut {} mm above {from}, {} mm {shape}", base.cut_height_mm, base.base_height_mm),
        ));
        bottom = Some(based.bottom);
        current = std::borrow::Cow::Owned(based.mesh);
        // The plate's slab overlaps the pieces standing on it.
        unite_pieces(&mut current, &mut steps, base.plate)?;
    }

    if let (Some(recipe_hollow), Some(face)) = (&recipe.hollow, bottom) {
        let mut options = hollow_options(recipe_hollow, face);
        // Drains keep off the label's place; where the label cannot go, its own step says so.
        if let Some(recipe_label) = &recipe.label
            && let Ok(place) = label_box(&current, &label_options(recipe_label, part, face, font))
        {
            let half = [0, 1].map(|a| ((place.max[a] - place.min[a]) / 2.0) as f32);
            let centre = place.frame.point(place.centre, 0.0).map(|c| c as f32);
            let (right, up) = (place.frame.right.map(|c| c as f32), place.frame.up.map(|c| c as f32));
            options.keep_clear.push(KeepClear { centre, right, up, half_size_mm: half });
        }
        let hollowed = hollow(&current, &options)?;
        steps.push((Step::Hollow, hollow_sentence(recipe_hollow, &hollowed)));
        current = std::borrow::Cow::Owned(hollowed.mesh);
    }

    if let (Some(recipe_label), Some(face)) = (&recipe.label, bottom) {
        let labelled = label(&current, &label_options(recipe_label, part, face, font))?;
        steps.push((Step::Label, format!("{:?} on the base", part.label_text)));
        current = std::borrow::Cow::Owned(labelled.mesh);
    }

    let mut mesh = current.into_owned();
    let placement = Placement::standing(&mesh, &frame);
    for p in &mut mesh.positions {
        *p = placement.apply(*p);
    }
    mesh.merge_coincident_vertices();
    mesh.remove_unused_vertices();
    check_printable(&mesh, recipe.base.is_some())?;
    let height = mesh.bounds().map_or(0.0, |b| b.size()[2]);
    steps.push((Step::Check, format!("one closed solid facing outward, {height:.1} mm tall, standing on its base")));
    Ok(Prepared { mesh, steps, trim_line, frame, placement })
}

/// Unites the model's pieces where there are several (`on_plate`: one of
/// them is the plate under the others), saying so in a step.
fn unite_pieces(
    current: &mut std::borrow::Cow<'_, IndexedMesh>,
    steps: &mut Vec<(Step, String)>,
    on_plate: bool,
) -> Result<(), PrepareError> {
    if validate(current).components <= 1 {
        return Ok(());
    }
    let united = unite(current)?;
    let made = match united.pieces_after {
        1 => "one solid".to_owned(),
        n => format!("{n} solids where they overlap"),
    };
    let said = match united.pieces_before - 1 {
        1 if on_plate => format!("the plate and the model on it made {made}"),
        n if on_plate => format!("the plate and the {n} pieces on it made {made}"),
        _ => format!("{} pieces made {made}", united.pieces_before),
    };
    steps.push((Step::Unite, said));
    *current = std::borrow::Cow::Owned(united.mesh);
    Ok(())
}

/// "teeth along (0.00, −1.00, 0.00), found from the open rim".
fn frame_sentence(frame: &ArchFrame) -> String {
    let [x, y, z] = frame.up;
    let how = match frame.clue {
        crate::ops::FrameClue::OpenRim => "found from the scan's open rim",
        crate::ops::FrameClue::Detail => "found from the teeth's detail",
        crate::ops::FrameClue::Given => "set by hand",
    };
    format!("teeth point along ({x:.2}, {y:.2}, {z:.2}), {how}")
}

/// The result is one closed, manifold solid facing outward, or the reasons it is not.
fn check_printable(mesh: &IndexedMesh, has_base: bool) -> Result<(), PrepareError> {
    let report = validate(mesh);
    let mut problems = Vec::new();
    if !report.boundary_loops.is_empty() {
        let n = report.boundary_loops.len();
        problems.push(format!("{n} open {}", if n == 1 { "rim" } else { "rims" }));
    }
    if report.non_manifold_edges > 0 {
        problems.push(format!("{} edges shared by more than two faces", report.non_manifold_edges));
    }
    match report.orientation {
        Orientation::Consistent { outward: true } => {}
        Orientation::Consistent { outward: false } => problems.push("faces pointing inward".to_owned()),
        Orientation::Inconsistent { misoriented_edges } => {
            problems.push(format!("{misoriented_edges} edges between faces wound against each other"))
        }
    }
    if report.components > 1 {
        problems.push(format!("{} separate pieces", report.components));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let advice = if has_base {
        "turn repair on, or export the model again as closed pieces"
    } else {
        "turn the base on: it closes an open scan and joins the pieces"
    };
    Err(PrepareError::NotPrintable { problems, advice })
}

/// Trims along the line placed by hand on this model, or else along the
/// proposal at the recipe's offset; and the step's sentence.
fn trim_part(
    mesh: &IndexedMesh,
    recipe: &TrimRecipe,
    part: &Part,
    up: [f32; 3],
) -> Result<(Trimmed, String), TrimError> {
    let (line, from) = match &part.trim_line {
        Some(line) => (line.clone(), "the line placed by hand".to_owned()),
        None => {
            let proposal = propose_trim(mesh, up, recipe.offset_mm)?;
            let follows = if proposal.gums {
                format!("the proposed line {} mm below the gingival margin", recipe.offset_mm)
            } else {
                format!("the proposed line {} mm above the lowest tooth points", recipe.offset_mm)
            };
            (proposal.line, follows)
        }
    };
    let trimmed = trim(mesh, &TrimOptions::new(up, line))?;
    let said = format!("along {from} ({} points, {} cut loops closed)", trimmed.line.len(), trimmed.loops);
    Ok((trimmed, said))
}

fn base_options(base: &BaseRecipe, up: [f32; 3]) -> BaseOptions {
    BaseOptions {
        placement: BasePlacement::Up(up),
        cut_height_mm: base.cut_height_mm,
        base_height_mm: base.base_height_mm,
        chamfer_mm: base.chamfer_mm,
    }
}

fn hollow_options(recipe: &HollowRecipe, bottom: Plane) -> HollowOptions {
    HollowOptions { wall_mm: recipe.wall_mm, drain_diameter_mm: recipe.drain_diameter_mm, ..HollowOptions::new(bottom) }
}

/// "2 mm wall, 3 drain holes of 3 mm, 41% less resin", and the hollows left solid if any.
fn hollow_sentence(recipe: &HollowRecipe, hollowed: &crate::ops::Hollowed) -> String {
    let drains = hollowed.drains.len();
    let mut said = format!(
        "{} mm wall, {drains} drain {} of {} mm, {:.0}% less resin",
        recipe.wall_mm,
        if drains == 1 { "hole" } else { "holes" },
        recipe.drain_diameter_mm,
        hollowed.saved_percent()
    );
    match hollowed.left_solid {
        0 => {}
        1 => said.push_str("; 1 hollow too small for a drain left solid"),
        n => said.push_str(&format!("; {n} hollows too small for a drain left solid")),
    }
    said
}

fn label_options<'a>(recipe: &LabelRecipe, part: &Part, face: Plane, font: &'a [u8]) -> LabelOptions<'a> {
    LabelOptions {
        code: if recipe.code { part.code.clone() } else { String::new() },
        relief: recipe.relief,
        letter_height_mm: recipe.letter_height_mm,
        depth_mm: recipe.depth_mm,
        module_mm: recipe.module_mm,
        offset_mm: recipe.offset_mm,
        rotation_deg: recipe.rotation_deg,
        ..LabelOptions::new(font, part.label_text.clone(), face)
    }
}
