//! Signed-in clients for the account tests: a seeded clinic owner,
//! sessions with their CSRF token, API tokens, and the requests the tests
//! repeat.

use std::net::IpAddr;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use trayforge_server::admin_command;
use trayforge_wire::{ErrorBody, LoginResponse, UserView};

use crate::support::{TestApp, TestDatabase, connect, spawn_app_with};

pub(crate) const PASSWORD: &str = "correct horse battery";
pub(crate) const NEW_PASSWORD: &str = "a different passphrase";

/// A signed-in browser: its session cookie, CSRF token and user id.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
    pub(crate) user_id: String,
}

/// A clinic with its owner, made the way `create-admin` makes them.
pub(crate) async fn seed_owner(database: &TestDatabase, clinic: &str, email: &str) {
    let db = connect(database).await;
    db.migrate().await.unwrap();
    admin_command::create_admin(&db, clinic, email, Some(PASSWORD)).await.unwrap();
    db.close().await;
}

/// The application with a login limit no test here reaches by accident.
pub(crate) async fn spawn(database: &TestDatabase) -> TestApp {
    spawn_app_with(Some(database), |settings| settings.server.login_attempts_per_minute = 1000).await
}

pub(crate) async fn login_response(app: &TestApp, email: &str, password: &str) -> Response {
    login_from(&app.client, app, email, password).await
}

pub(crate) async fn login_from(client: &reqwest::Client, app: &TestApp, email: &str, password: &str) -> Response {
    client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn login_with(app: &TestApp, email: &str, password: &str) -> Session {
    let response = login_response(app, email, password).await;
    assert_eq!(response.status(), 200, "login as {email}");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap())
        .find(|cookie| cookie.starts_with("trayforge_session="))
        .and_then(|cookie| cookie.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let login: LoginResponse = response.json().await.unwrap();
    Session { cookie, csrf: login.csrf_token, user_id: login.user.id }
}

pub(crate) async fn login(app: &TestApp, email: &str) -> Session {
    login_with(app, email, PASSWORD).await
}

/// A request with the session cookie and its CSRF header.
pub(crate) fn as_session(app: &TestApp, session: &Session, method: Method, path: &str) -> RequestBuilder {
    app.client
        .request(method, format!("{}{path}", app.address))
        .header("cookie", &session.cookie)
        .header("x-csrf-token", &session.csrf)
}

pub(crate) fn as_token(app: &TestApp, secret: &str, method: Method, path: &str) -> RequestBuilder {
    app.client.request(method, format!("{}{path}", app.address)).bearer_auth(secret)
}

pub(crate) async fn error(response: Response) -> ErrorBody {
    response.json().await.unwrap()
}

/// Adds a user to the session's clinic; their id.
pub(crate) async fn create_user(app: &TestApp, session: &Session, email: &str, role: &str) -> String {
    let response = as_session(app, session, Method::POST, "/api/v1/users")
        .json(&json!({ "email": email, "role": role, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "create {email}");
    response.json::<UserView>().await.unwrap().id
}

pub(crate) async fn patch_user(app: &TestApp, session: &Session, user_id: &str, body: Value) -> Response {
    as_session(app, session, Method::PATCH, &format!("/api/v1/users/{user_id}")).json(&body).send().await.unwrap()
}

pub(crate) async fn reset_password(app: &TestApp, session: &Session, user_id: &str, new_password: &str) -> Response {
    as_session(app, session, Method::POST, &format!("/api/v1/users/{user_id}/password"))
        .json(&json!({ "new_password": new_password }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn change_own_password(app: &TestApp, session: &Session, current: &str, new: &str) -> Response {
    as_session(app, session, Method::POST, "/api/v1/me/password")
        .json(&json!({ "current_password": current, "new_password": new }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn me_status(app: &TestApp, session: &Session) -> StatusCode {
    as_session(app, session, Method::GET, "/api/v1/me").send().await.unwrap().status()
}

pub(crate) async fn users(app: &TestApp, session: &Session) -> Vec<UserView> {
    let response = as_session(app, session, Method::GET, "/api/v1/users").send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) async fn create_token(app: &TestApp, session: &Session, scopes: &[&str]) -> Value {
    let response = as_session(app, session, Method::POST, "/api/v1/tokens")
        .json(&json!({ "name": "practice system", "scopes": scopes }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Asserts a 409 with `code`, and gives its message.
pub(crate) async fn conflict(response: Response, code: &str) -> String {
    assert_eq!(response.status(), 409);
    let body = error(response).await;
    assert_eq!(body.error.code, code, "{}", body.error.message);
    body.error.message
}

/// A client whose requests come from `address` (any of 127.0.0.0/8 reaches
/// the server on 127.0.0.1), so that one test can be several clients.
pub(crate) fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::from(address)).build().unwrap()
}
