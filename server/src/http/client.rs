//! Serving the built client (Trunk's `dist/`): files by path, and
//! `index.html` for every other path so the client's router can take it.
//!
//! Caching: names carrying Trunk's content hash never change, so they are
//! cached for a year; everything else (`index.html`, the manifest, the
//! service worker) is revalidated on every load, so a deploy is seen at once.
//!
//! Every file carries the client's Content-Security-Policy (workers and the
//! service worker take theirs from their own script's response); the page
//! itself allows its inline scripts by their hashes, read from the page
//! served, so a new build needs no configuration.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

use super::security_headers::{app_policy, inline_script_hashes};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

pub(super) fn service(dist_dir: &Path) -> BoxCloneSyncService<Request<Body>, Response, Infallible> {
    let dist_dir = dist_dir.to_owned();
    BoxCloneSyncService::new(tower::service_fn(move |request: Request<Body>| serve(dist_dir.clone(), request)))
}

async fn serve(dist_dir: PathBuf, request: Request<Body>) -> Result<Response, Infallible> {
    let index = dist_dir.join("index.html");
    if !index.is_file() {
        return Ok(client_not_built(&dist_dir));
    }
    let file_name = request.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
    // A path whose last segment has an extension asks for a file, and a
    // missing file is a 404; any other path is a client route.
    let mut response = if file_name.contains('.') && file_name != "index.html" {
        let Ok(response) = ServeDir::new(&dist_dir).oneshot(request).await.map(IntoResponse::into_response);
        response
    } else {
        page(&index).await
    };
    if response.status().is_success() {
        let policy = if is_content_hashed(&file_name) { IMMUTABLE } else { REVALIDATE };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    if !response.headers().contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(&app_policy(&[]))
    {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    Ok(response)
}

/// `index.html`, with the policy that lets its own inline scripts run.
async fn page(index: &Path) -> Response {
    let html = match tokio::fs::read_to_string(index).await {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(index = %index.display(), %error, "cannot read the client's page");
            return (StatusCode::INTERNAL_SERVER_ERROR, "The client's page cannot be read; see the server's log.")
                .into_response();
        }
    };
    let policy = app_policy(&inline_script_hashes(&html));
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

fn client_not_built(dist_dir: &Path) -> Response {
    let message = format!(
        "The Trayforge client is not built: {} has no index.html. Run `cargo xtask run`, or set [server] dist_dir.",
        dist_dir.display()
    );
    (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
}

/// Trunk names built files `name-<16 hex digits>.ext` (or `…_bg.wasm`).
fn is_content_hashed(file_name: &str) -> bool {
    let Some((_, after_dash)) = file_name.rsplit_once('-') else { return false };
    let hash_len = after_dash.bytes().take_while(u8::is_ascii_hexdigit).count();
    hash_len == 16 && matches!(after_dash.as_bytes().get(16), Some(b'.' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_content_hashed("trayforge-app-9f86d081884c7d65.js"));
        assert!(is_content_hashed("trayforge-app-9f86d081884c7d65_bg.wasm"));
        assert!(is_content_hashed("style-0123456789abcdef.css"));
        assert!(!is_content_hashed("index.html"));
        assert!(!is_content_hashed("manifest.webmanifest"));
        assert!(!is_content_hashed("service-worker.js"));
        assert!(!is_content_hashed("icon-192.png"));
    }
}
