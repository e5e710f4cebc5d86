//! The OpenAPI document at `/api/v1/openapi.json` is valid enough to be
//! useful, and Swagger UI at `/api/docs` is served whole by this server.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{TestApp, spawn_app};

const DOCUMENT: &str = "/api/v1/openapi.json";
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async fn document(app: &TestApp) -> Value {
    let response = app.get(DOCUMENT).await;
    assert_eq!(response.status(), 200, "served without sign-in");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    serde_json::from_str(&response.text().await.unwrap()).expect("the document is JSON")
}

/// Every operation of the document: "METHOD path" and the operation object.
fn operations(document: &Value) -> Vec<(String, &Value)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| METHODS.contains(&method.as_str()))
                .map(move |(method, operation)| (format!("{} {path}", method.to_uppercase()), operation))
        })
        .collect()
}

/// What a local `$ref` (`#/components/…`) points to.
fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    document.pointer(reference.strip_prefix('#')?)
}

/// Follows `value`'s `$ref`, if it has one.
fn dereferenced<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(document, reference).unwrap_or(&Value::Null),
        None => value,
    }
}

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference.clone());
            }
            map.values().for_each(|value| references(value, found));
        }
        Value::Array(items) => items.iter().for_each(|value| references(value, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_every_reference_resolved() {
    let app = spawn_app().await;
    let document = document(&app).await;
    let version = document["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1."), "openapi: {version}");
    assert_eq!(document["info"]["title"], "Trayforge API");
    let description = document["info"]["description"].as_str().unwrap_or_default();
    for needed in ["tenant", "X-CSRF-Token", r#"{"error": {"code""#] {
        assert!(description.contains(needed), "the description explains {needed:?}");
    }

    let mut found = Vec::new();
    references(&document, &mut found);
    let dangling: BTreeSet<&String> =
        found.iter().filter(|reference| resolve(&document, reference).is_none()).collect();
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");

    let mut ids = BTreeSet::new();
    for (name, operation) in operations(&document) {
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(ids.insert(id.to_owned()), "{name}: operationId {id:?} is used twice; give it its own");
        assert!(operation["tags"].as_array().is_some_and(|tags| !tags.is_empty()), "{name} has a tag");
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{name} has a summary (doc comment)");
    }
    assert!(ids.len() >= 8, "the document lists the API's operations: {ids:?}");
}

#[tokio::test]
async fn every_error_response_of_every_operation_has_the_error_shape() {
    let app = spawn_app().await;
    let document = document(&app).await;
    let error_schema = "#/components/schemas/ErrorBody";
    assert!(resolve(&document, error_schema).is_some(), "ErrorBody is a component schema");
    for (name, operation) in operations(&document) {
        let responses = operation["responses"].as_object().expect("responses");
        let errors: Vec<&String> = responses.keys().filter(|status| status.starts_with(['4', '5'])).collect();
        assert!(!errors.is_empty(), "{name} declares no error response");
        for status in errors {
            let response = dereferenced(&document, &responses[status]);
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(schema, error_schema, "{name} {status}: the body is the error shape");
        }
    }
}

#[tokio::test]
async fn every_path_parameter_is_declared_and_every_declared_one_is_in_the_path() {
    let app = spawn_app().await;
    let document = document(&app).await;
    for (path, item) in document["paths"].as_object().unwrap() {
        let in_template: BTreeSet<&str> =
            path.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name).collect();
        for (method, operation) in item.as_object().unwrap().iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let parameters = item["parameters"].as_array().into_iter().chain(operation["parameters"].as_array());
            let declared: Vec<&Value> = parameters
                .flatten()
                .map(|parameter| dereferenced(&document, parameter))
                .filter(|parameter| parameter["in"] == "path")
                .collect();
            for parameter in &declared {
                assert_eq!(parameter["required"], true, "{method} {path}: a path parameter is required");
            }
            let declared: BTreeSet<&str> = declared.iter().filter_map(|p| p["name"].as_str()).collect();
            assert_eq!(declared, in_template, "{method} {path}: path parameters declared and in the template");
        }
    }
}

#[tokio::test]
async fn security_names_declared_schemes_and_signed_in_writes_need_the_csrf_header() {
    let app = spawn_app().await;
    let document = document(&app).await;
    let schemes = document["components"]["securitySchemes"].as_object().expect("security schemes");
    assert_eq!(schemes["bearer_token"]["scheme"], "bearer");
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["csrf_token"]["name"], "X-CSRF-Token");
    for (name, operation) in operations(&document) {
        let writes = !name.starts_with("GET ") && !name.starts_with("HEAD ");
        for requirement in operation["security"].as_array().into_iter().flatten() {
            let requirement = requirement.as_object().unwrap();
            for scheme in requirement.keys() {
                assert!(schemes.contains_key(scheme), "{name}: security names {scheme}, which is not declared");
            }
            if requirement.contains_key("session_cookie") {
                assert_eq!(
                    requirement.contains_key("csrf_token"),
                    writes,
                    "{name}: csrf_token with the cookie on writes"
                );
            }
        }
    }
}

/// The `src` and `href` values of an HTML page.
fn linked_assets(html: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| html.split(attribute).skip(1).filter_map(|rest| rest.split('"').next()))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn api_docs_serve_swagger_ui_whose_every_asset_this_server_serves() {
    let app = spawn_app().await;
    let page = app.get("/api/docs").await;
    assert_eq!(page.url().path(), "/api/docs/", "/api/docs redirects to the folder its assets are relative to");
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui") && !html.contains("<title>Trayforge</title>"), "Swagger UI, not the client");

    let assets = linked_assets(&html);
    assert!(assets.iter().any(|asset| asset.ends_with("swagger-ui-bundle.js")), "{assets:?}");
    assert!(assets.iter().any(|asset| asset.ends_with(".css")), "{assets:?}");
    for asset in &assets {
        assert!(!asset.contains("://") && !asset.starts_with("//"), "{asset}: served from elsewhere (offline?)");
        let path = format!("/api/docs/{}", asset.trim_start_matches("./"));
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        let expected = match path.rsplit('.').next() {
            Some("js") => "javascript",
            Some("css") => "text/css",
            Some("png") => "image/png",
            _ => "",
        };
        assert!(content_type.contains(expected), "{path}: {content_type}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path} is empty");
    }
    let initializer = app.get("/api/docs/swagger-initializer.js").await.text().await.unwrap();
    assert!(initializer.contains(DOCUMENT), "Swagger UI loads our document: {initializer}");

    // A file Swagger UI does not have is a 404, not the client's index.html.
    let missing = app.get("/api/docs/no-such-file.js").await;
    assert_eq!(missing.status(), 404);
}
