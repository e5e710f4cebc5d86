//! What a valid recipe is, field by field: the operations refuse what
//! they cannot do (a label that does not fit), but take any number they
//! are given; these rules keep out what no clinic means (a 500 mm base, a
//! negative wall) before anything is saved, queued or run, with the
//! field's name, so a form or an API client can point at it.

use super::error::PrepareError;
use super::recipe::Recipe;
use crate::ops::hollow::{MAX_DRAIN_MM, MAX_WALL_MM, MIN_DRAIN_MM, MIN_WALL_MM};

/// A field of a recipe that breaks a rule: which (its JSON path, such as
/// `base.cut_height_mm`) and what to send instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RecipeProblem {
    pub field: RecipeField,
    pub message: String,
}

/// Every checked field of a recipe, named as in its JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipeField {
    TrimOffset,
    BaseCutHeight,
    BaseHeight,
    BaseChamfer,
    HollowWall,
    HollowDrain,
    Label,
    LabelLetterHeight,
    LabelDepth,
    LabelModule,
    LabelOffset,
    LabelRotation,
}

impl RecipeField {
    /// Every checked field, in the recipe's order.
    pub const ALL: [RecipeField; 12] = [
        RecipeField::TrimOffset,
        RecipeField::BaseCutHeight,
        RecipeField::BaseHeight,
        RecipeField::BaseChamfer,
        RecipeField::HollowWall,
        RecipeField::HollowDrain,
        RecipeField::Label,
        RecipeField::LabelLetterHeight,
        RecipeField::LabelDepth,
        RecipeField::LabelModule,
        RecipeField::LabelOffset,
        RecipeField::LabelRotation,
    ];

    /// The field whose path in a recipe is `path` (`base.chamfer_mm`), as an
    /// API's refusal names it.
    pub fn from_path(path: &str) -> Option<RecipeField> {
        RecipeField::ALL.into_iter().find(|field| field.path() == path)
    }

    /// The field's path in a recipe as JSON.
    pub fn path(self) -> &'static str {
        self.paths().0
    }

    /// The field's path inside a request that holds the recipe as `recipe`.
    pub fn path_in_request(self) -> &'static str {
        self.paths().1
    }

    fn paths(self) -> (&'static str, &'static str) {
        match self {
            RecipeField::TrimOffset => ("trim.offset_mm", "recipe.trim.offset_mm"),
            RecipeField::BaseCutHeight => ("base.cut_height_mm", "recipe.base.cut_height_mm"),
            RecipeField::BaseHeight => ("base.base_height_mm", "recipe.base.base_height_mm"),
            RecipeField::BaseChamfer => ("base.chamfer_mm", "recipe.base.chamfer_mm"),
            RecipeField::HollowWall => ("hollow.wall_mm", "recipe.hollow.wall_mm"),
            RecipeField::HollowDrain => ("hollow.drain_diameter_mm", "recipe.hollow.drain_diameter_mm"),
            RecipeField::Label => ("label", "recipe.label"),
            RecipeField::LabelLetterHeight => ("label.letter_height_mm", "recipe.label.letter_height_mm"),
            RecipeField::LabelDepth => ("label.depth_mm", "recipe.label.depth_mm"),
            RecipeField::LabelModule => ("label.module_mm", "recipe.label.module_mm"),
            RecipeField::LabelOffset => ("label.offset_mm", "recipe.label.offset_mm"),
            RecipeField::LabelRotation => ("label.rotation_deg", "recipe.label.rotation_deg"),
        }
    }
}

impl std::fmt::Display for RecipeField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path())
    }
}

impl RecipeField {
    /// The field's allowed values, inclusive, and their unit; `None` for
    /// `label`, which is a rule (a label needs a base), not a number. The
    /// server's OpenAPI document states the same bounds (its tests compare).
    pub fn range(self) -> Option<(f32, f32, &'static str)> {
        use RecipeField::*;
        Some(match self {
            // The proposal needs a line above the lowest tooth points (`TrimError::Offset`).
            TrimOffset => (0.1, 10.0, "mm"),
            BaseCutHeight => (0.0, 30.0, "mm"),
            BaseHeight => (0.1, 30.0, "mm"),
            BaseChamfer => (0.0, 10.0, "mm"),
            HollowWall => (MIN_WALL_MM, MAX_WALL_MM, "mm"),
            HollowDrain => (MIN_DRAIN_MM, MAX_DRAIN_MM, "mm"),
            Label => return None,
            LabelLetterHeight => (0.5, 30.0, "mm"),
            LabelDepth => (0.1, 5.0, "mm"),
            LabelModule => (0.6, 5.0, "mm"),
            LabelOffset => (-200.0, 200.0, "mm"),
            LabelRotation => (-360.0, 360.0, "degrees"),
        })
    }

    /// `value` when it is finite and in [`RecipeField::range`].
    fn check(self, value: f32) -> Result<(), RecipeProblem> {
        let Some((min, max, unit)) = self.range() else { return Ok(()) };
        if value.is_finite() && (min..=max).contains(&value) {
            return Ok(());
        }
        Err(RecipeProblem {
            field: self,
            message: format!("{value} is out of range; use a number from {min} to {max} {unit}"),
        })
    }
}

/// Checks every number of `recipe` against its range, and that a label has
/// a base to go on; the first problem, in the recipe's order.
pub fn check_recipe(recipe: &Recipe) -> Result<(), RecipeProblem> {
    use RecipeField::*;
    if let Some(trim) = &recipe.trim {
        TrimOffset.check(trim.offset_mm)?;
    }
    if let Some(base) = &recipe.base {
        BaseCutHeight.check(base.cut_height_mm)?;
        BaseHeight.check(base.base_height_mm)?;
        BaseChamfer.check(base.chamfer_mm)?;
    }
    if let Some(hollow) = &recipe.hollow {
        HollowWall.check(hollow.wall_mm)?;
        HollowDrain.check(hollow.drain_diameter_mm)?;
    }
    if let Some(label) = &recipe.label {
        if recipe.base.is_none() {
            return Err(RecipeProblem { field: Label, message: PrepareError::LabelNeedsBase.to_string() });
        }
        LabelLetterHeight.check(label.letter_height_mm)?;
        LabelDepth.check(label.depth_mm)?;
        LabelModule.check(label.module_mm)?;
        for offset in label.offset_mm {
            LabelOffset.check(offset)?;
        }
        LabelRotation.check(label.rotation_deg)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::{BaseRecipe, LabelRecipe, TrimRecipe};

    fn problem(recipe: &Recipe) -> (&'static str, String) {
        let problem = check_recipe(recipe).unwrap_err();
        (problem.field.path(), problem.message)
    }

    #[test]
    fn the_default_recipe_is_valid() {
        assert_eq!(check_recipe(&Recipe::default()), Ok(()));
    }

    #[test]
    fn numbers_out_of_range_name_their_field_and_the_range() {
        let tall =
            Recipe { base: Some(BaseRecipe { base_height_mm: 500.0, ..BaseRecipe::default() }), ..Recipe::default() };
        assert_eq!(
            problem(&tall),
            ("base.base_height_mm", "500 is out of range; use a number from 0.1 to 30 mm".into())
        );
        let nan = Recipe {
            label: Some(LabelRecipe { letter_height_mm: f32::NAN, ..LabelRecipe::default() }),
            ..Recipe::default()
        };
        assert_eq!(problem(&nan).0, "label.letter_height_mm");
        let turned =
            Recipe { label: Some(LabelRecipe { rotation_deg: 720.0, ..LabelRecipe::default() }), ..Recipe::default() };
        assert_eq!(problem(&turned).0, "label.rotation_deg");
        assert_eq!(RecipeField::LabelRotation.path_in_request(), "recipe.label.rotation_deg");
        for field in RecipeField::ALL {
            assert_eq!(RecipeField::from_path(field.path()), Some(field));
        }
        assert_eq!(RecipeField::from_path("base.nothing"), None);
        let on_the_lowest_points = Recipe { trim: Some(TrimRecipe { offset_mm: 0.0 }), ..Recipe::default() };
        assert_eq!(
            problem(&on_the_lowest_points),
            ("trim.offset_mm", "0 is out of range; use a number from 0.1 to 10 mm".into())
        );
    }

    #[test]
    fn a_label_needs_a_base() {
        let (field, message) = problem(&Recipe { base: None, ..Recipe::default() });
        assert_eq!(field, "label");
        assert!(message.contains("turn the base on, or the label off"), "{message}");
    }
}
