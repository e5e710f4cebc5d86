//! The one JSON text a recipe is kept as (the rules of a valid recipe are
//! mesh-core's `prepare::check_recipe`).

use mesh_core::prepare::Recipe;

/// The recipe as the JSON text that is stored and compared: serde writes
/// the fields in their declared order, so one recipe always gives one text.
pub fn recipe_text(recipe: &Recipe) -> String {
    // A struct of numbers, booleans and options always serializes.
    serde_json::to_string(recipe).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use mesh_core::prepare::check_recipe;

    use super::*;

    #[test]
    fn the_default_recipe_is_valid_and_reads_back_from_its_text() {
        assert_eq!(check_recipe(&Recipe::default()), Ok(()));
        let text = recipe_text(&Recipe::default());
        assert_eq!(serde_json::from_str::<Recipe>(&text).unwrap(), Recipe::default());
    }
}
