//! The recipe as the form holds it (numbers as typed) and its reading
//! into a [`Recipe`], with a message per field that cannot be used.

use mesh_core::label::Relief;
use mesh_core::prepare::{RecipeField, check_recipe};
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

/// What stops the recipe, and the field at fault (none: the recipe as a
/// whole, such as a label without a base).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldProblem {
    pub(crate) field: Option<Field>,
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

    /// The recipe, or what stops it: every number that is not one, else
    /// the first rule of `mesh_core::prepare::check_recipe` it breaks (the
    /// same rules the server and the pipeline keep). Only the fields of
    /// steps that are on are read.
    pub(crate) fn recipe(&self) -> Result<Recipe, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut read = |field: Field, what: &str| -> f32 {
            let text = self.number(field);
            text.trim().parse::<f32>().unwrap_or_else(|_| {
                let message = if text.trim().is_empty() {
                    format!("give {what}, a number")
                } else {
                    format!("{what} must be a number, such as 1.5, not {:?}", text.trim())
                };
                problems.push(FieldProblem { field: Some(field), message });
                0.0
            })
        };
        let trim = self.trim.then(|| TrimRecipe { offset_mm: read(Field::TrimOffset, "the trim offset (mm)") });
        let base = self.base.then(|| BaseRecipe {
            cut_height_mm: read(Field::CutHeight, "the cut height (mm)"),
            base_height_mm: read(Field::BaseHeight, "the base height (mm)"),
            chamfer_mm: read(Field::Chamfer, "the chamfer (mm)"),
            plate: self.plate,
        });
        let hollow = self.hollow.then(|| HollowRecipe {
            wall_mm: read(Field::Wall, "the wall (mm)"),
            drain_diameter_mm: read(Field::Drain, "the drain diameter (mm)"),
        });
        let label = self.label.then(|| LabelRecipe {
            relief: if self.emboss { Relief::Emboss } else { Relief::Engrave },
            letter_height_mm: read(Field::LetterHeight, "the letter height (mm)"),
            depth_mm: read(Field::Depth, "the depth (mm)"),
            code: self.code,
            module_mm: self.module_mm,
            offset_mm: [read(Field::OffsetX, "the offset across (mm)"), read(Field::OffsetY, "the offset along (mm)")],
            rotation_deg: read(Field::Rotation, "the rotation (degrees)"),
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        let recipe = Recipe { repair: self.repair, trim, base, hollow, label };
        match check_recipe(&recipe) {
            Ok(()) => Ok(recipe),
            Err(problem) => Err(vec![FieldProblem { field: form_field(problem.field), message: problem.message }]),
        }
    }
}

/// The form's input for a field `check_recipe` names; none for what the
/// form does not show (the code's module) or the recipe as a whole.
fn form_field(field: RecipeField) -> Option<Field> {
    Some(match field {
        RecipeField::TrimOffset => Field::TrimOffset,
        RecipeField::BaseCutHeight => Field::CutHeight,
        RecipeField::BaseHeight => Field::BaseHeight,
        RecipeField::BaseChamfer => Field::Chamfer,
        RecipeField::HollowWall => Field::Wall,
        RecipeField::HollowDrain => Field::Drain,
        RecipeField::LabelLetterHeight => Field::LetterHeight,
        RecipeField::LabelDepth => Field::Depth,
        RecipeField::LabelOffset => Field::OffsetX,
        RecipeField::LabelRotation => Field::Rotation,
        RecipeField::Label | RecipeField::LabelModule => return None,
    })
}

/// The form's input for a field the server names in a refusal (`base.chamfer_mm`).
pub(crate) fn field_named(path: &str) -> Option<Field> {
    RecipeField::from_path(path).and_then(form_field)
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
    fn each_number_that_is_not_one_is_named_with_what_to_give() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        draft.set_number(Field::BaseHeight, "".into());
        draft.set_number(Field::LetterHeight, "3,5".into());
        let problems = draft.recipe().expect_err("two fields are not numbers");
        let said: Vec<(Option<Field>, &str)> = problems.iter().map(|p| (p.field, p.message.as_str())).collect();
        assert_eq!(
            said,
            [
                (Some(Field::BaseHeight), "give the base height (mm), a number"),
                (Some(Field::LetterHeight), "the letter height (mm) must be a number, such as 1.5, not \"3,5\""),
            ]
        );
    }

    #[test]
    fn a_number_out_of_its_range_is_refused_by_the_shared_rules_under_its_field() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        draft.set_number(Field::Rotation, "720".into());
        let problems = draft.recipe().expect_err("720 degrees is out of range");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, Some(Field::Rotation));
        assert!(problems[0].message.starts_with("720 is out of range; use a number from -360 to 360"), "{problems:?}");
    }

    #[test]
    fn a_label_without_a_base_is_a_problem_of_the_whole_recipe() {
        let mut draft = RecipeDraft::from_recipe(&Recipe::default());
        draft.base = false;
        let problems = draft.recipe().expect_err("the label needs a base");
        assert_eq!(problems[0].field, None);
        assert!(problems[0].message.contains("turn the base on"), "{problems:?}");
    }

    #[test]
    fn the_servers_field_names_find_the_forms_inputs() {
        assert_eq!(field_named("base.chamfer_mm"), Some(Field::Chamfer));
        assert_eq!(field_named("label.rotation_deg"), Some(Field::Rotation));
        assert_eq!(field_named("label.module_mm"), None);
        assert_eq!(field_named("nonsense"), None);
    }
}
