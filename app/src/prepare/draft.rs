//! The recipe as the form holds it (numbers as typed) and its reading
//! into a [`Recipe`], with a message per field that cannot be used.

use mesh_core::label::Relief;
use trayforge_wire::{BaseRecipe, HollowRecipe, LabelRecipe, Recipe, TrimRecipe};

/// A numeric field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    TrimOffset,
    CutHeight,
    BaseHeight,
    Chamfer,
    Wall,
    Drain,
    LetterHeight,
    Depth,
    OffsetX,
    OffsetY,
    Rotation,
}

impl Field {
    /// The input's id and `data-testid`.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Field::TrimOffset => "recipe-trim-offset",
            Field::CutHeight => "recipe-cut-height",
            Field::BaseHeight => "recipe-base-height",
            Field::Chamfer => "recipe-chamfer",
            Field::Wall => "recipe-wall",
            Field::Drain => "recipe-drain",
            Field::LetterHeight => "recipe-letter-height",
            Field::Depth => "recipe-depth",
            Field::OffsetX => "recipe-offset-x",
            Field::OffsetY => "recipe-offset-y",
            Field::Rotation => "recipe-rotation",
        }
    }
}

/// The form's values. Numbers stay text until [`RecipeDraft::recipe`]
/// reads them, so a half-typed number is never lost.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecipeDraft {
    pub(crate) repair: bool,
    pub(crate) trim: bool,
    pub(crate) base: bool,
    /// One plate under the whole arch, else a base following the cut.
    pub(crate) plate: bool,
    pub(crate) hollow: bool,
    pub(crate) label: bool,
    pub(crate) emboss: bool,
    pub(crate) code: bool,
    /// The label's code module, kept as it came (the form does not show it).
    module_mm: f32,
    numbers: std::collections::BTreeMap<Field, String>,
}

/// A field the recipe cannot use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldProblem {
    pub(crate) field: Field,
    pub(crate) message: String,
}

impl RecipeDraft {
    /// The form showing `recipe`; a step that is off shows its defaults.
    pub(crate) fn from_recipe(recipe: &Recipe) -> RecipeDraft {
        let trim = recipe.trim.unwrap_or_default();
        let base = recipe.base.unwrap_or_default();
        let hollow = recipe.hollow.unwrap_or_default();
        let label = recipe.label.unwrap_or_default();
        let numbers = [
            (Field::TrimOffset, trim.offset_mm),
            (Field::CutHeight, base.cut_height_mm),
            (Field::BaseHeight, base.base_height_mm),
            (Field::Chamfer, base.chamfer_mm),
            (Field::Wall, hollow.wall_mm),
            (Field::Drain, hollow.drain_diameter_mm),
            (Field::LetterHeight, label.letter_height_mm),
            (Field::Depth, label.depth_mm),
            (Field::OffsetX, label.offset_mm[0]),
            (Field::OffsetY, label.offset_mm[1]),
            (Field::Rotation, label.rotation_deg),
        ]
        .into_iter()
        .map(|(field, value)| (field, value.to_string()))
        .collect();
        RecipeDraft {
            repair: recipe.repair,
            trim: recipe.trim.is_some(),
            base: recipe.base.is_some(),
            plate: base.plate,
            hollow: recipe.hollow.is_some(),
            label: recipe.label.is_some(),
            emboss: label.relief == Relief::Emboss,
            code: label.code,
            module_mm: label.module_mm,
            numbers,
        }
    }

    pub(crate) fn number(&self, field: Field) -> String {
        self.numbers.get(&field).cloned().unwrap_or_default()
    }

    pub(crate) fn set_number(&mut self, field: Field, text: String) {
        self.numbers.insert(field, text);
    }

    /// The recipe, or every field that stops it (only the fields of steps
    /// that are on are read).
    pub(crate) fn recipe(&self) -> Result<Recipe, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut read = |field: Field, range: std::ops::RangeInclusive<f32>, what: &str| -> f32 {
            let text = self.number(field);
            match text.trim().parse::<f32>() {
                Ok(value) if value.is_finite() && range.contains(&value) => value,
                Ok(_) => {
                    let (low, high) = (range.start(), range.end());
                    problems.push(FieldProblem { field, message: format!("{what} is from {low} to {high}") });
                    0.0
                }
                Err(_) => {
                    let message = if text.trim().is_empty() {
                        format!("give {what}, a number")
                    } else {
                        format!("{what} must be a number, such as 1.5, not {:?}", text.trim())
                    };
                    problems.push(FieldProblem { field, message });
                    0.0
                }
            }
        };
        let trim =
            self.trim.then(|| TrimRecipe { offset_mm: read(Field::TrimOffset, 0.0..=10.0, "the trim offset (mm)") });
        let base = self.base.then(|| BaseRecipe {
            cut_height_mm: read(Field::CutHeight, 0.0..=20.0, "the cut height (mm)"),
            base_height_mm: read(Field::BaseHeight, 0.5..=20.0, "the base height (mm)"),
            chamfer_mm: read(Field::Chamfer, 0.0..=5.0, "the chamfer (mm)"),
            plate: self.plate,
        });
        let hollow = self.hollow.then(|| HollowRecipe {
            wall_mm: read(Field::Wall, 0.5..=10.0, "the wall (mm)"),
            drain_diameter_mm: read(Field::Drain, 1.0..=10.0, "the drain diameter (mm)"),
        });
        let label = self.label.then(|| LabelRecipe {
            relief: if self.emboss { Relief::Emboss } else { Relief::Engrave },
            letter_height_mm: read(Field::LetterHeight, 1.0..=20.0, "the letter height (mm)"),
            depth_mm: read(Field::Depth, 0.1..=5.0, "the depth (mm)"),
            code: self.code,
            module_mm: self.module_mm,
            offset_mm: [
                read(Field::OffsetX, -100.0..=100.0, "the offset across (mm)"),
                read(Field::OffsetY, -100.0..=100.0, "the offset along (mm)"),
            ],
            rotation_deg: read(Field::Rotation, -360.0..=360.0, "the rotation (degrees)"),
        });
        // A number that did not read is 0 here, and already named above.
        if let Some(base) = &base
            && base.base_height_mm > 0.0
            && base.chamfer_mm >= base.base_height_mm
        {
            problems.push(FieldProblem {
                field: Field::Chamfer,
                message: format!("the chamfer must be less than the base height ({} mm)", base.base_height_mm),
            });
        }
        if let (Some(base), Some(label)) = (&base, &label)
            && label.depth_mm >= base.base_height_mm
            && base.base_height_mm > 0.0
        {
            problems.push(FieldProblem {
                field: Field::Depth,
                message: format!("the label must be less deep than the base is high ({} mm)", base.base_height_mm),
            });
        }
        if !problems.is_empty() {
            problems.sort_by_key(|problem| problem.field);
            problems.dedup_by_key(|problem| problem.field);
            return Err(problems);
        }
        Ok(Recipe { repair: self.repair, trim, base, hollow, label })
    }

    /// Why the steps that are on cannot go together, if they cannot.
    pub(crate) fn conflict(&self) -> Option<&'static str> {
        (self.label && !self.base)
            .then_some("the label goes on the bottom of the base: turn the base on, or the label off")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_recipe_reads_back_as_itself() {
        let recipe = Recipe::default();
        assert_eq!(RecipeDraft::from_recipe(&recipe).recipe(), Ok(recipe));
        let everything = Recipe {
            trim: Some(TrimRecipe { offset_mm: 1.5 }),
            base: Some(BaseRecipe { plate: false, chamfer_mm: 0.5, ..BaseRecipe::default() }),
            hollow: Some(HollowRecipe { wall_mm: 2.5, drain_diameter_mm: 4.0 }),
            label: Some(LabelRecipe {
                relief: Relief::Emboss,
                code: false,
                offset_mm: [-2.0, 3.5],
                rotation_deg: 180.0,
                ..LabelRecipe::default()
            }),
            ..Recipe::default()
        };
        assert_eq!(RecipeDraft::from_recipe(&everything).recipe(), Ok(everything));
    }

    #[test]
    fn a_step_turned_off_is_none_and_its_fields_are_not_read() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        draft.label = false;
        draft.set_number(Field::LetterHeight, "lots".into());
        let recipe = draft.recipe().expect("the label's fields are not read");
        assert_eq!(recipe.label, None);
        assert!(recipe.base.is_some());
    }

    #[test]
    fn each_bad_number_is_named_with_what_to_give() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        draft.set_number(Field::BaseHeight, "".into());
        draft.set_number(Field::LetterHeight, "3,5".into());
        draft.set_number(Field::Rotation, "720".into());
        let problems = draft.recipe().expect_err("three fields are wrong");
        let said: Vec<(Field, &str)> = problems.iter().map(|p| (p.field, p.message.as_str())).collect();
        assert_eq!(
            said,
            [
                (Field::BaseHeight, "give the base height (mm), a number"),
                (Field::LetterHeight, "the letter height (mm) must be a number, such as 1.5, not \"3,5\""),
                (Field::Rotation, "the rotation (degrees) is from -360 to 360"),
            ]
        );
    }

    #[test]
    fn a_label_deeper_than_the_base_or_a_chamfer_as_high_is_refused() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        draft.set_number(Field::Depth, "3".into());
        draft.set_number(Field::Chamfer, "4".into());
        let problems = draft.recipe().expect_err("both are too large for a 3 mm base");
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Chamfer, Field::Depth]);
        assert_eq!(problems[1].message, "the label must be less deep than the base is high (3 mm)");
    }

    #[test]
    fn a_label_without_a_base_is_a_conflict_to_resolve() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        assert_eq!(draft.conflict(), None);
        draft.base = false;
        assert!(draft.conflict().is_some_and(|message| message.contains("turn the base on")));
    }
}
