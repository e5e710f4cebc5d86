//! Serving the built client: files, the SPA fallback, cache headers.

use crate::support::spawn_app;

#[tokio::test]
async fn client_routes_fall_back_to_index_html_revalidated() {
    let app = spawn_app().await;
    for path in ["/", "/cases/K7Q-4M2", "/inspect"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(response.text().await.unwrap().contains("<title>Trayforge</title>"), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_others_revalidate() {
    let app = spawn_app().await;
    let hashed = app.get("/trayforge-app-0123456789abcdef.js").await;
    assert_eq!(hashed.status(), 200);
    assert_eq!(hashed.headers()["cache-control"], "public, max-age=31536000, immutable");
    let manifest = app.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status(), 200);
    assert_eq!(manifest.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn a_missing_file_is_404_not_the_index() {
    let app = spawn_app().await;
    let response = app.get("/trayforge-app-ffffffffffffffff.js").await;
    assert_eq!(response.status(), 404);
}
