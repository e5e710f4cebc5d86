//! The clinic's preparation recipe: what the prepare job runs when a
//! request names none, and what the Prepare page starts from.

use axum::Json;
use axum::extract::State;
use trayforge_wire::Recipe;

use super::access::require;
use super::extract::{ClientAddress, JsonBody};
use super::openapi::{BadRequest, Forbidden, Unauthenticated, ValidationFailed};
use super::{ApiError, AppState};
use crate::domain::{Access, Identity, RecipeProblem, check_recipe, recipe_text};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::recipes;

/// The clinic's preparation recipe: the saved one, or the default when none is saved.
///
/// Every signed-in role; tokens with `read`.
#[utoipa::path(
    get, path = "/recipe", tag = "preparation", operation_id = "get_recipe",
    security(("bearer_token" = ["read"]), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The clinic's recipe.", body = Recipe),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    ),
)]
pub(super) async fn get(State(state): State<AppState>, identity: Identity) -> Result<Json<Recipe>, ApiError> {
    require(&identity, Access::ReadRecipe)?;
    let recipe = recipes::effective(&state.db, identity.clinic_id).await.map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(recipe))
}

/// Save the clinic's preparation recipe; the change is audited.
///
/// Numbers are millimetres (degrees for `label.rotation_deg`), finite and
/// in range; a label needs a base. Technicians, admins and owners; tokens
/// with `write`.
#[utoipa::path(
    put, path = "/recipe", tag = "preparation", operation_id = "save_recipe",
    request_body = Recipe,
    security(("bearer_token" = ["write"]), ("session_cookie" = ["owner", "admin", "technician"], "csrf_token" = [])),
    responses(
        (status = 200, description = "The saved recipe.", body = Recipe),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn save(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    JsonBody(recipe): JsonBody<Recipe>,
) -> Result<Json<Recipe>, ApiError> {
    require(&identity, Access::SaveRecipe)?;
    check_recipe(&recipe).map_err(|problem| invalid(&problem, false))?;
    let mut tx = state.db.begin_write().await?;
    recipes::save(&mut tx, identity.clinic_id, &recipe, identity.user_id).await?;
    let entry = Entry::recipe("recipe.save", identity.clinic_id).with("recipe", recipe_text(&recipe));
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    Ok(Json(recipe))
}

/// The 422 for a recipe that breaks a rule, naming its field (inside a
/// request's `recipe` when `in_request`).
pub(super) fn invalid(problem: &RecipeProblem, in_request: bool) -> ApiError {
    let field = if in_request { problem.field.path_in_request() } else { problem.field.path() };
    ApiError::Validation { field, message: format!("{field}: {}", problem.message) }
}
