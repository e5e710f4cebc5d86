//! `/healthz`, `/readyz` and the API's JSON errors.

use trayforge_wire::{DatabaseState, ErrorBody, Readiness};

use crate::support::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["status"], "ok");
}

#[tokio::test]
async fn readyz_reports_a_migrated_database() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let readiness: Readiness = response.json().await.unwrap();
    assert!(readiness.ready);
    assert!(matches!(readiness.database, DatabaseState::Migrated { migrations } if migrations >= 1));
}

#[tokio::test]
async fn unknown_api_path_is_a_json_404_not_the_client() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("x-request-id"));
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, "not_found");
}
