//! The headers every response carries so that a browser keeps the app's
//! pages to themselves: what may run in them, no framing, no sniffing, no
//! referrer beyond the site, TLS only once seen over TLS, and no caching of
//! API answers (they carry patient data).
//!
//! Content-Security-Policy by kind of response: the API's answers may load
//! nothing (`API_POLICY`); the client's files get `app_policy`, whose
//! `script-src` allows this origin's files, WebAssembly compilation
//! (`'wasm-unsafe-eval'`) and, by their SHA-256, the inline scripts of the
//! page being served (Trunk's start-up script, the service worker's
//! registration); Swagger UI gets `DOCS_POLICY`. A response that set its
//! own policy keeps it.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// API answers: JSON and files, which nothing should run or frame.
pub(super) const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Swagger UI (served from the binary): its own scripts and styles, and
/// the inline styles and data images it uses.
pub(super) const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

/// The client's policy, allowing the inline scripts given by their hashes
/// (`'sha256-…'` sources from [`inline_script_hashes`]).
pub(super) fn app_policy(script_hashes: &[String]) -> String {
    let hashes: String = script_hashes.iter().map(|hash| format!(" '{hash}'")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `sha256-<base64>` of every inline `<script>` of an HTML page (those
/// without `src`), as a policy names them.
pub(super) fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else { break };
        let open_tag = &rest[..open_end];
        let body_and_after = &rest[open_end + 1..];
        let Some(close) = body_and_after.find("</script>") else { break };
        if !open_tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_after.as_bytes()[..close]);
            hashes.push(format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &body_and_after[close..];
    }
    hashes
}

/// Adds the headers to every response of `router` that lacks them; HSTS
/// only when `hsts` (the deployment is served over TLS: secure cookies on).
pub(super) fn layer<S: Clone + Send + Sync + 'static>(router: Router<S>, hsts: bool) -> Router<S> {
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, API_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    let mut router = router;
    for (name, value) in fixed {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    if hsts {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_files_are_not() {
        let html = "<head><script type=\"module\">init();</script><script src=\"/a.js\"></script>\
                    <script>\n  register();\n</script></head>";
        let hashes = inline_script_hashes(html);
        let expected = |body: &str| {
            format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())))
        };
        assert_eq!(hashes, [expected("init();"), expected("\n  register();\n")]);
        assert!(app_policy(&hashes).contains(&format!("'{}'", hashes[0])));
    }
}
