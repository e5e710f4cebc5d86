//! The recipe each clinic prepares its models with, kept as the JSON text
//! of mesh-core's `Recipe`. A clinic that saved none has no row.
//!
//! Invariant: every function filters by the caller's clinic.

use mesh_core::prepare::Recipe;
use uuid::Uuid;

use super::backend::{DbId, DbTime, now, on_pool};
use super::transaction::on_tx;
use super::{Database, WriteTx};
use crate::domain::recipe_text;

#[derive(Debug, thiserror::Error)]
pub enum RecipeReadError {
    #[error("the clinic's saved recipe cannot be read ({0}); save it again with PUT /api/v1/recipe")]
    Unreadable(serde_json::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The clinic's saved recipe; `None` when it saved none.
pub async fn get(db: &Database, clinic_id: Uuid) -> Result<Option<Recipe>, RecipeReadError> {
    let text: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT recipe FROM clinic_recipes WHERE clinic_id = $1")
            .bind(DbId(clinic_id))
            .fetch_optional(pool)
            .await?
    });
    text.map(|text| serde_json::from_str(&text).map_err(RecipeReadError::Unreadable)).transpose()
}

/// The clinic's recipe: the saved one, else `Recipe::default()`.
pub async fn effective(db: &Database, clinic_id: Uuid) -> Result<Recipe, RecipeReadError> {
    Ok(get(db, clinic_id).await?.unwrap_or_default())
}

/// Saves `recipe` as the clinic's, replacing the one before.
pub async fn save(
    tx: &mut WriteTx,
    clinic_id: Uuid,
    recipe: &Recipe,
    updated_by: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO clinic_recipes (clinic_id, recipe, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (clinic_id) DO UPDATE SET recipe = excluded.recipe, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(DbId(clinic_id))
        .bind(recipe_text(recipe))
        .bind(updated_by.map(DbId))
        .bind(DbTime(now()))
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}
