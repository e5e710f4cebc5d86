//! The pipeline: each step of the recipe on the result of the one before.

use super::error::{PrepareError, Step};
use super::part::Part;
use super::recipe::{BaseRecipe, HollowRecipe, LabelRecipe, Recipe, TrimRecipe};
use crate::IndexedMesh;
use crate::label::{LabelOptions, label, label_box};
use crate::ops::{
    BaseOptions, BasePlacement, HollowOptions, KeepClear, Plane, PlateOptions, TrimError, TrimOptions, Trimmed,
    flat_base, hollow, plate_base, propose_trim_line, trim,
};
use crate::repair::{RepairOptions, repair};

/// Flat plate round the model's pieces, in mm.
const PLATE_MARGIN_MM: f32 = 2.0;

/// The prepared model and what each step did.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub mesh: IndexedMesh,
    /// One sentence per step that ran, in order, such as
    /// `"flat base: cut 1 mm above the lowest point, 3 mm base"`.
    pub steps: Vec<(Step, String)>,
    /// The line the model was trimmed along (closed: the last point joins
    /// the first), for trimming machines ([`write_polyline`](super::write_polyline)).
    pub trim_line: Option<Vec<[f32; 3]>>,
}

/// Applies `recipe` to `mesh`, the model `part`. `font` is the label
/// font's bytes (DejaVu Sans Bold); it is read only when the recipe has a label.
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
    let mut current = std::borrow::Cow::Borrowed(mesh);

    if recipe.repair {
        let (repaired, report) = repair(&current, &RepairOptions::default());
        let said = if report.is_empty() { "nothing to repair".to_owned() } else { report.lines().join("; ") };
        steps.push((Step::Repair, said));
        current = std::borrow::Cow::Owned(repaired);
    }

    let mut trim_line = None;
    if let Some(recipe_trim) = &recipe.trim {
        let (trimmed, said) = trim_part(&current, recipe_trim, part)?;
        steps.push((Step::Trim, said));
        trim_line = Some(trimmed.line);
        current = std::borrow::Cow::Owned(trimmed.mesh);
    }

    let mut bottom: Option<Plane> = None;
    if let Some(base) = &recipe.base {
        let options = base_options(base, part);
        let based = if base.plate {
            plate_base(&current, &PlateOptions { base: options, margin_mm: PLATE_MARGIN_MM })?
        } else {
            flat_base(&current, &options)?
        };
        let shape = if base.plate { "plate" } else { "base" };
        steps.push((
            Step::Base,
            format!("cut {} mm above the lowest point, {} mm {shape}", base.cut_height_mm, base.base_height_mm),
        ));
        bottom = Some(based.bottom);
        current = std::borrow::Cow::Owned(based.mesh);
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

    Ok(Prepared { mesh: current.into_owned(), steps, trim_line })
}

/// Trims along the line placed by hand on this model, or else along the
/// proposal at the recipe's offset; and the step's sentence.
fn trim_part(mesh: &IndexedMesh, recipe: &TrimRecipe, part: &Part) -> Result<(Trimmed, String), TrimError> {
    let up = part.arch.occlusal_direction();
    let (line, from) = match &part.trim_line {
        Some(line) => (line.clone(), "the line placed by hand".to_owned()),
        None => (
            propose_trim_line(mesh, up, recipe.offset_mm)?,
            format!("the proposed line {} mm above the lowest tooth points", recipe.offset_mm),
        ),
    };
    let trimmed = trim(mesh, &TrimOptions::new(up, line))?;
    let said = format!("along {from} ({} points, {} cut loops closed)", trimmed.line.len(), trimmed.loops);
    Ok((trimmed, said))
}

fn base_options(base: &BaseRecipe, part: &Part) -> BaseOptions {
    BaseOptions {
        placement: BasePlacement::Arch(part.arch),
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
