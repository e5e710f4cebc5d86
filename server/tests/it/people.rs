//! People and credentials for the black-box tests: clinics with an owner,
//! signing in, users of each role, API tokens, and requests made as them.

use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use trayforge_server::admin_command;
use trayforge_wire::{ErrorBody, LoginResponse};

use crate::support::{TestApp, TestDatabase, connect, spawn_app_with};

pub(crate) const PASSWORD: &str = "correct horse battery";

/// A signed-in browser: its session cookie and CSRF token.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
    pub(crate) login: LoginResponse,
}

/// A clinic with its owner, made the way `create-admin` makes them.
pub(crate) async fn seed_owner(database: &TestDatabase, clinic: &str, email: &str) {
    let db = connect(database).await;
    db.migrate().await.unwrap();
    admin_command::create_admin(&db, clinic, email, Some(PASSWORD)).await.unwrap();
    db.close().await;
}

pub(crate) async fn login_response(app: &TestApp, email: &str, password: &str) -> Response {
    app.client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

pub(crate) fn set_cookies(response: &Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

pub(crate) async fn login(app: &TestApp, email: &str) -> Session {
    let response = login_response(app, email, PASSWORD).await;
    assert_eq!(response.status(), 200, "login as {email}");
    let session =
        set_cookies(&response).into_iter().find(|c| c.contains("trayforge_session=")).expect("a session cookie");
    let cookie = session.split(';').next().unwrap().to_owned();
    let login: LoginResponse = response.json().await.unwrap();
    Session { cookie, csrf: login.csrf_token.clone(), login }
}

/// A request carrying the session cookie and, when `csrf`, its CSRF header.
pub(crate) fn as_session(app: &TestApp, session: &Session, method: Method, path: &str, csrf: bool) -> RequestBuilder {
    let request = app.client.request(method, format!("{}{path}", app.address)).header("cookie", &session.cookie);
    if csrf { request.header("x-csrf-token", &session.csrf) } else { request }
}

pub(crate) fn as_token(app: &TestApp, secret: &str, method: Method, path: &str) -> RequestBuilder {
    app.client.request(method, format!("{}{path}", app.address)).bearer_auth(secret)
}

pub(crate) async fn error_code(response: Response) -> String {
    response.json::<ErrorBody>().await.unwrap().error.code
}

pub(crate) async fn create_user(app: &TestApp, session: &Session, email: &str, role: &str) -> Response {
    as_session(app, session, Method::POST, "/api/v1/users", true)
        .json(&json!({ "email": email, "role": role, "password": PASSWORD }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn create_token(app: &TestApp, session: &Session, scopes: &[&str]) -> Value {
    let response = as_session(app, session, Method::POST, "/api/v1/tokens", true)
        .json(&json!({ "name": "lab integration", "scopes": scopes }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

pub(crate) async fn spawn(database: &TestDatabase) -> TestApp {
    spawn_app_with(Some(database), |_| {}).await
}
