//! Probes for supervisors and load balancers: `/healthz` says the process
//! answers, `/readyz` says it can serve (database reachable and migrated).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use trayforge_wire::{DatabaseState, Readiness};

use super::AppState;

pub(super) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub(super) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let database = state.db.state().await;
    let ready = matches!(database, DatabaseState::Migrated { .. });
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Readiness { ready, database }))
}
