//! Extractors: who is asking (`Identity`, from an API token or a session
//! cookie with its CSRF check), the client's address, and JSON bodies and
//! query strings whose rejections speak the API's error shape.
//!
//! Invariant: a cookie-authenticated request with a method that changes
//! something (anything but GET, HEAD, OPTIONS, TRACE) is refused unless its
//! `X-CSRF-Token` header hashes to the session's CSRF hash. Bearer tokens
//! need no CSRF token: a browser never sends them on its own.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use ipnet::IpNet;
use serde::de::DeserializeOwned;

use super::{ApiError, AppState};
use crate::domain::{Identity, TokenHash};
use crate::storage::{sessions, tokens};

/// The session cookie over TLS: `__Host-` makes the browser refuse it
/// unless it is Secure, for this exact host, with `Path=/`.
pub const SESSION_COOKIE_SECURE: &str = "__Host-trayforge_session";
/// The session cookie over plain HTTP (local use), where a `__Host-` cookie
/// would be refused by the browser.
pub const SESSION_COOKIE_PLAIN: &str = "trayforge_session";
/// Readable by the client's script, which echoes it as `X-CSRF-Token`.
pub const CSRF_COOKIE: &str = "trayforge_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

impl FromRequestParts<AppState> for Identity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Identity, ApiError> {
        if let Some(value) = parts.headers.get(AUTHORIZATION) {
            let secret = value
                .to_str()
                .ok()
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|secret| !secret.is_empty())
                .ok_or_else(ApiError::unauthenticated)?;
            let token =
                tokens::authenticate(&state.db, &TokenHash::of(secret)).await?.ok_or_else(ApiError::unauthenticated)?;
            return Ok(Identity::token(token.clinic_id, token.id, token.scopes));
        }
        let secret = session_cookie(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let session =
            sessions::find_active(&state.db, &TokenHash::of(&secret)).await?.ok_or_else(ApiError::unauthenticated)?;
        if !parts.method.is_safe() {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok());
            if !sent.is_some_and(|sent| TokenHash::of(sent).matches(&session.csrf_hash)) {
                return Err(ApiError::csrf_mismatch());
            }
        }
        Ok(Identity::session(session.clinic_id, session.user_id, session.role))
    }
}

/// The session token from the `Cookie` header, under either cookie name.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    let cookies: Vec<(&str, &str)> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .collect();
    [SESSION_COOKIE_SECURE, SESSION_COOKIE_PLAIN].into_iter().find_map(|name| {
        cookies.iter().find(|(key, value)| *key == name && !value.is_empty()).map(|(_, value)| (*value).to_owned())
    })
}

/// The client's address: the peer that connected, or, when that peer is
/// a trusted proxy (`[server] trusted_proxies`), the address its
/// `X-Forwarded-For` gives for the client.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ClientAddress, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        let address = peer.map(|peer| client_ip(peer, &parts.headers, &state.trusted_proxies));
        Ok(ClientAddress(address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())))
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy;
/// else the rightmost `X-Forwarded-For` entry that is not a trusted proxy
/// (each proxy appends the address it saw, so entries left of it could be
/// made up by the client), or the leftmost when all are trusted.
fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    forwarded.iter().rev().find(|ip| !is_trusted(ip)).or(forwarded.first()).copied().unwrap_or(peer)
}

/// `axum::Json` whose rejections are `ApiError::BadRequest` with the reason.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + serde::Serialize, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, ApiError> {
        match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => super::json::from_object(value).map(JsonBody).map_err(ApiError::BadRequest),
            Err(rejection) => Err(ApiError::BadRequest(json_problem(&rejection))),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => "send the body as JSON with Content-Type: application/json".into(),
        other => other.body_text(),
    }
}

/// `axum::extract::Query` whose rejections are `ApiError::BadRequest` with the reason.
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<QueryParams<T>, ApiError> {
        // As in bodies (`json.rs`): no text holds the NUL character.
        if parts.uri.query().is_some_and(|query| query.to_ascii_lowercase().contains("%00")) {
            return Err(ApiError::BadRequest("a query parameter holds the NUL character (%00); remove it".into()));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => Err(ApiError::BadRequest(query_problem(&rejection))),
        }
    }
}

fn query_problem(rejection: &QueryRejection) -> String {
    format!("{}; check the query parameters against /api/v1/openapi.json", rejection.body_text())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let headers = forwarded("203.0.113.7");
        assert_eq!(client_ip(ip("198.51.100.2"), &headers, &proxies), ip("198.51.100.2"));
        assert_eq!(client_ip(ip("10.1.2.3"), &headers, &proxies), ip("203.0.113.7"));
        assert_eq!(client_ip(ip("10.1.2.3"), &HeaderMap::new(), &proxies), ip("10.1.2.3"));
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_sending_the_header_itself() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // The client sent "1.2.3.4"; the proxy appended the address it saw, then another proxy its own.
        let headers = forwarded("1.2.3.4, 203.0.113.7, 10.0.0.5");
        assert_eq!(client_ip(ip("10.0.0.9"), &headers, &proxies), ip("203.0.113.7"));
        assert_eq!(client_ip(ip("10.0.0.9"), &forwarded("10.0.0.5, junk"), &proxies), ip("10.0.0.5"));
    }
}
