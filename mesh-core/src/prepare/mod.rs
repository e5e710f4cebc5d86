//! Recipes: the preparation a clinic applies to every model of a case, in
//! one fixed order — repair, union, trim, flat base, hollow, label — each
//! step one of this crate's operations with the recipe's settings, in the
//! arch's own frame (`ops::find_arch_frame`), the result checked printable
//! and stood on its base.
//!
//! The recipe is the same value in the browser (the Prepare page runs it
//! in the mesh worker) and on the server (the prepare job), so a model
//! prepared in either place is the same model. `recipe.rs` is the recipe
//! and its defaults, `part.rs` what differs per model (arch, label text,
//! code), `check.rs` the ranges a recipe's numbers must lie in (named by
//! field), `run.rs` the pipeline (the frame found or set, repair, union of
//! overlapping pieces, trim, base, union again, hollow, label, and the
//! check that the result is one closed solid facing outward),
//! `placement.rs` where the result stands, `error.rs` why a step failed and
//! `polyline.rs` the trim line as a file for trimming machines.

mod check;
mod error;
mod part;
mod placement;
mod polyline;
mod recipe;
mod run;

pub use check::{RecipeField, RecipeProblem, check_recipe};
pub use error::{PrepareError, Step};
pub use part::Part;
pub use placement::Placement;
pub use polyline::write_polyline;
#[cfg(feature = "openapi")]
pub use recipe::LabelOffsetMm;
pub use recipe::{BaseRecipe, HollowRecipe, LabelRecipe, Recipe, TrimRecipe};
pub use run::{Prepared, prepare};
