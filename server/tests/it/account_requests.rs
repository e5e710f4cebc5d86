//! The requests the account tests repeat, on top of `people.rs`: changing
//! accounts and passwords, reading who is signed in, and clients that come
//! from other addresses.

use std::net::IpAddr;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use trayforge_wire::{ErrorBody, LoginResponse, Page, UserView};

use crate::people::{Session, as_session, create_user, set_cookies};
use crate::support::{TestApp, TestDatabase, spawn_app_with};

/// A password that meets the rules and differs from `people::PASSWORD`.
pub(crate) const NEW_PASSWORD: &str = "a different passphrase";

/// The application with a login limit no test reaches by accident: these
/// tests sign the same people in many times from one address.
pub(crate) async fn spawn_without_login_limit(database: &TestDatabase) -> TestApp {
    spawn_app_with(Some(database), |settings| settings.server.login_attempts_per_minute = 1000).await
}

/// A sign-in sent by `client` (one from another address, say).
pub(crate) async fn login_from(client: &reqwest::Client, app: &TestApp, email: &str, password: &str) -> Response {
    client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

/// Signs in with `password` (`people::login` uses `people::PASSWORD`).
pub(crate) async fn login_with(app: &TestApp, email: &str, password: &str) -> Session {
    let response = login_from(&app.client, app, email, password).await;
    assert_eq!(response.status(), 200, "login as {email}");
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|cookie| cookie.starts_with("trayforge_session="))
        .and_then(|cookie| cookie.split(';').next().map(str::to_owned))
        .expect("a session cookie");
    let login: LoginResponse = response.json().await.unwrap();
    Session { cookie, csrf: login.csrf_token.clone(), login }
}

/// A client whose requests come from `address` (any of 127.0.0.0/8 reaches
/// the server on 127.0.0.1), so that one test can be several clients.
pub(crate) fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::from(address)).build().unwrap()
}

pub(crate) async fn error(response: Response) -> ErrorBody {
    response.json().await.unwrap()
}

/// Asserts a 409 with `code`, and gives its message.
pub(crate) async fn conflict(response: Response, code: &str) -> String {
    assert_eq!(response.status(), 409);
    let body = error(response).await;
    assert_eq!(body.error.code, code, "{}", body.error.message);
    body.error.message
}

/// Adds a user to the session's clinic; their id.
pub(crate) async fn add_user(app: &TestApp, session: &Session, email: &str, role: &str) -> String {
    let response = create_user(app, session, email, role).await;
    assert_eq!(response.status(), 201, "create {email}");
    response.json::<UserView>().await.unwrap().id
}

pub(crate) async fn users(app: &TestApp, session: &Session) -> Vec<UserView> {
    let response = as_session(app, session, Method::GET, "/api/v1/users", false).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let page: Page<UserView> = response.json().await.unwrap();
    assert_eq!(page.total, page.items.len() as u64, "one page holds them all");
    page.items
}

pub(crate) async fn me_status(app: &TestApp, session: &Session) -> StatusCode {
    as_session(app, session, Method::GET, "/api/v1/me", false).send().await.unwrap().status()
}

pub(crate) async fn patch_user(app: &TestApp, session: &Session, user_id: &str, body: Value) -> Response {
    let path = format!("/api/v1/users/{user_id}");
    as_session(app, session, Method::PATCH, &path, true).json(&body).send().await.unwrap()
}

pub(crate) async fn reset_password(app: &TestApp, session: &Session, user_id: &str, new_password: &str) -> Response {
    as_session(app, session, Method::POST, &format!("/api/v1/users/{user_id}/password"), true)
        .json(&json!({ "new_password": new_password }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn change_own_password(app: &TestApp, session: &Session, current: &str, new: &str) -> Response {
    as_session(app, session, Method::POST, "/api/v1/me/password", true)
        .json(&json!({ "current_password": current, "new_password": new }))
        .send()
        .await
        .unwrap()
}
