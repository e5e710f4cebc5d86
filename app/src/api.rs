//! The only place the client speaks HTTP: typed calls to the server's API
//! under `/api/v1`, with the request and response types of `wire`.
//!
//! Every write sends `X-CSRF-Token`. Every error becomes a [`ClientError`]
//! carrying the server's own message and field. A 401 from any call but
//! sign-in itself marks the session ended (`state::Session`), which sends
//! the user to the login page with the way back.
//!
//! File uploads go through `XMLHttpRequest` instead ([`Api::upload_model`],
//! [`Api::upload_photo`]): it reports upload progress, which `fetch` (and
//! so gloo-net) does not.
//!
//! Model files are read cache-first from the browser's Cache API
//! ([`MODEL_CACHE`]): a stored file's bytes never change (a new upload is
//! a new version with a new id), so a file downloaded once is never
//! downloaded again, across replays and reloads, until signing out
//! empties the cache.

use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use trayforge_wire::{
    ApiTokenView, AuditEventView, CaseDetail, CaseUpdate, CaseView, ChangePasswordRequest, CreatedToken,
    CreatedWebhook, ErrorBody, FileView, LoginRequest, LoginResponse, Me, NewCaseRequest, NewTokenRequest,
    NewUserRequest, NewWebhookRequest, Page, Recipe, ResetPasswordRequest, UpdateUserRequest, UserView, WebhookView,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;

use crate::case_status::CaseStatus;
use crate::query::{encode_component, with_query};
use crate::state::{Account, Session, SignedOutReason};

const API: &str = "/api/v1";
/// The Cache API store of model files, keyed by their download URL.
pub(crate) const MODEL_CACHE: &str = "trayforge-models-v1";

/// The labels' font, copied into the built client from `public/fonts`.
const LABEL_FONT: &str = "/fonts/DejaVuSans-Bold.ttf";

/// Where a model upload goes: the stage, the file's name, and for a
/// prepared model the original version it was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModelTarget<'a> {
    pub(crate) case_id: &'a str,
    /// `upper` or `lower`.
    pub(crate) arch: &'a str,
    pub(crate) index: u32,
    pub(crate) file_name: &'a str,
    pub(crate) prepared_from: Option<&'a str>,
}

impl ModelTarget<'_> {
    fn path(&self) -> String {
        let path = format!(
            "{API}/cases/{}/stages/{}/{}/models",
            encode_component(self.case_id),
            encode_component(self.arch),
            self.index
        );
        with_query(&path, &[("file_name", self.file_name), ("prepared_from", self.prepared_from.unwrap_or(""))])
    }
}

/// What `GET /cases/{id}/export` packs: every stage or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportFormat {
    /// A ZIP of binary STL files.
    StlZip,
    /// One 3MF file, a named object per model.
    ThreeMf,
}

/// Why a call did not give its answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ClientError {
    /// 401: the session ended; the app is already on its way to the login page.
    #[error("your session has ended; sign in again")]
    SignedOut,
    /// The server refused, saying why (`wire::ErrorBody`).
    #[error("{message}")]
    Refused {
        status: u16,
        /// e.g. `invalid_credentials`, `rate_limited`, `validation_failed`, `not_found`.
        code: String,
        message: String,
        /// The request field at fault, e.g. `patient.date_of_birth`.
        field: Option<String>,
    },
    #[error("the server cannot be reached; check the network connection and try again")]
    Unreachable,
    #[error("the server answered {status} in a way this app does not understand; reload the page and try again")]
    Unexpected { status: u16 },
}

impl ClientError {
    /// The request field the server blamed, if any.
    pub(crate) fn field(&self) -> Option<&str> {
        match self {
            ClientError::Refused { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, ClientError::Refused { status: 404, .. })
    }

    /// 403: the signed-in role may not do this; the message says why.
    pub(crate) fn is_forbidden(&self) -> bool {
        matches!(self, ClientError::Refused { status: 403, .. })
    }

    /// Whether trying again may work: the network failed or the server
    /// failed (5xx). A refusal (4xx) will be refused again.
    pub(crate) fn is_worth_retrying(&self) -> bool {
        match self {
            ClientError::Unreachable => true,
            ClientError::Refused { status, .. } | ClientError::Unexpected { status } => *status >= 500,
            ClientError::SignedOut => false,
        }
    }
}

/// The error a non-2xx answer stands for, from its status and body.
fn refusal(status: u16, body: &str) -> ClientError {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody { error }) => {
            ClientError::Refused { status, code: error.code, message: error.message, field: error.field }
        }
        Err(_) => ClientError::Unexpected { status },
    }
}

/// What the board asks for: `GET /cases?q=&status=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseQuery {
    /// Part of a case code, title or patient name; empty for all.
    pub(crate) text: String,
    pub(crate) status: Option<CaseStatus>,
    pub(crate) limit: u32,
}

impl CaseQuery {
    fn path(&self) -> String {
        let limit = self.limit.to_string();
        let status = self.status.map_or("", CaseStatus::as_str);
        with_query(&format!("{API}/cases"), &[("q", self.text.trim()), ("status", status), ("limit", &limit)])
    }
}

/// Which page of a list to ask for: `?page=&limit=` (pages count from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub(crate) number: u32,
    pub(crate) limit: u32,
}

impl PageRequest {
    fn path(self, base: &str) -> String {
        let (number, limit) = (self.number.to_string(), self.limit.to_string());
        with_query(base, &[("page", &number), ("limit", &limit)])
    }
}

/// The API, for the pages: `use_api()`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Api {
    session: Session,
}

pub(crate) fn use_api() -> Api {
    expect_context::<Api>()
}

/// Whether a 401 means "the session ended" (every call but sign-in, where
/// it means a wrong email or password).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unauthorized {
    EndsSession,
    IsTheAnswer,
}

impl Api {
    pub(crate) fn new(session: Session) -> Api {
        Api { session }
    }

    /// `POST /auth/login`: signs in, and the app state with it.
    pub(crate) async fn login(self, email: &str, password: &str) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest { email: email.trim().to_owned(), password: password.to_owned() };
        let request = Request::post(&format!("{API}/auth/login")).json(&body).map_err(|_| ClientError::Unreachable)?;
        let login: LoginResponse = self.answer(request, Unauthorized::IsTheAnswer).await?;
        self.session.signed_in(&login);
        Ok(login)
    }

    /// `POST /auth/logout`; signed out in the app whatever the server says.
    pub(crate) async fn logout(self) -> Result<(), ClientError> {
        let sent = self.write(Request::post(&format!("{API}/auth/logout"))).build();
        let result = match sent {
            Ok(request) => self.exchange(request, Unauthorized::IsTheAnswer).await.map(drop),
            Err(_) => Err(ClientError::Unreachable),
        };
        self.session.signed_out(SignedOutReason::ByUser);
        forget_model_files().await;
        match result {
            // Already ended on the server: that is what was asked.
            Err(ClientError::Refused { status: 401, .. }) => Ok(()),
            other => other,
        }
    }

    /// `GET /me`: confirms the session this browser already has.
    pub(crate) async fn check_session(self) {
        match self.get::<Me>(&format!("{API}/me")).await {
            Ok(me) => self.session.confirmed(Account::from_me(&me)),
            Err(ClientError::SignedOut) => self.session.signed_out(SignedOutReason::NotYet),
            Err(_) => self.session.signed_out(SignedOutReason::Unreachable),
        }
    }

    pub(crate) async fn cases(self, query: &CaseQuery) -> Result<Page<CaseView>, ClientError> {
        self.get(&query.path()).await
    }

    pub(crate) async fn create_case(self, case: &NewCaseRequest) -> Result<CaseDetail, ClientError> {
        self.send_json(Request::post(&format!("{API}/cases")), case).await
    }

    pub(crate) async fn case(self, id: &str) -> Result<CaseDetail, ClientError> {
        self.get(&format!("{API}/cases/{}", encode_component(id))).await
    }

    pub(crate) async fn update_case(self, id: &str, update: &CaseUpdate) -> Result<CaseDetail, ClientError> {
        self.send_json(Request::patch(&format!("{API}/cases/{}", encode_component(id))), update).await
    }

    /// `GET /cases/{id}/activity`: a page of what happened to the case, newest first.
    pub(crate) async fn case_activity(self, id: &str, page: PageRequest) -> Result<Page<AuditEventView>, ClientError> {
        self.get(&page.path(&format!("{API}/cases/{}/activity", encode_component(id)))).await
    }

    /// `POST /me/password`: the signed-in person's own password.
    pub(crate) async fn change_own_password(self, change: &ChangePasswordRequest) -> Result<(), ClientError> {
        self.send_json_empty(Request::post(&format!("{API}/me/password")), change).await
    }

    pub(crate) async fn users(self, page: PageRequest) -> Result<Page<UserView>, ClientError> {
        self.get(&page.path(&format!("{API}/users"))).await
    }

    pub(crate) async fn create_user(self, user: &NewUserRequest) -> Result<UserView, ClientError> {
        self.send_json(Request::post(&format!("{API}/users")), user).await
    }

    pub(crate) async fn update_user(self, id: &str, update: &UpdateUserRequest) -> Result<UserView, ClientError> {
        self.send_json(Request::patch(&format!("{API}/users/{}", encode_component(id))), update).await
    }

    /// `POST /users/{id}/password`: a new password for a colleague, who is signed out everywhere.
    pub(crate) async fn reset_password(self, id: &str, reset: &ResetPasswordRequest) -> Result<(), ClientError> {
        self.send_json_empty(Request::post(&format!("{API}/users/{}/password", encode_component(id))), reset).await
    }

    pub(crate) async fn tokens(self, page: PageRequest) -> Result<Page<ApiTokenView>, ClientError> {
        self.get(&page.path(&format!("{API}/tokens"))).await
    }

    pub(crate) async fn create_token(self, token: &NewTokenRequest) -> Result<CreatedToken, ClientError> {
        self.send_json(Request::post(&format!("{API}/tokens")), token).await
    }

    pub(crate) async fn revoke_token(self, id: &str) -> Result<(), ClientError> {
        self.delete(&format!("{API}/tokens/{}", encode_component(id))).await
    }

    /// `GET /webhooks`: every webhook of the clinic (at most 20, so not paged).
    pub(crate) async fn webhooks(self) -> Result<Vec<WebhookView>, ClientError> {
        self.get(&format!("{API}/webhooks")).await
    }

    pub(crate) async fn create_webhook(self, hook: &NewWebhookRequest) -> Result<CreatedWebhook, ClientError> {
        self.send_json(Request::post(&format!("{API}/webhooks")), hook).await
    }

    pub(crate) async fn delete_webhook(self, id: &str) -> Result<(), ClientError> {
        self.delete(&format!("{API}/webhooks/{}", encode_component(id))).await
    }

    /// `POST /cases/{id}/stages/{arch}/{index}/models?file_name=[&prepared_from=]`:
    /// the stage's next model version. `progress` hears the bytes sent so far.
    pub(crate) async fn upload_model(
        self,
        to: &ModelTarget<'_>,
        body: &web_sys::Blob,
        progress: impl Fn(f64) + 'static,
    ) -> Result<FileView, ClientError> {
        self.upload(&to.path(), body, progress).await
    }

    /// `GET /recipe`: the clinic's preparation recipe (the default until one is saved).
    pub(crate) async fn recipe(self) -> Result<Recipe, ClientError> {
        self.get(&format!("{API}/recipe")).await
    }

    /// `PUT /recipe`: the clinic's recipe from now on (owner, admin, technician).
    pub(crate) async fn save_recipe(self, recipe: &Recipe) -> Result<Recipe, ClientError> {
        self.send_json(Request::put(&format!("{API}/recipe")), recipe).await
    }

    /// The labels' font (`public/fonts`, served with the client), for the mesh worker.
    pub(crate) async fn label_font(self) -> Result<Vec<u8>, ClientError> {
        let request = Request::get(LABEL_FONT).build().map_err(|_| ClientError::Unreachable)?;
        let response: web_sys::Response = self.exchange(request, Unauthorized::EndsSession).await?.into();
        body_bytes(&response).await.ok_or(ClientError::Unreachable)
    }

    /// `POST /cases/{id}/photos?file_name=`: a photo of the case.
    pub(crate) async fn upload_photo(
        self,
        case_id: &str,
        file_name: &str,
        body: &web_sys::Blob,
        progress: impl Fn(f64) + 'static,
    ) -> Result<FileView, ClientError> {
        let path = format!("{API}/cases/{}/photos", encode_component(case_id));
        self.upload(&with_query(&path, &[("file_name", file_name)]), body, progress).await
    }

    /// Sends `body` by `XMLHttpRequest`, with the CSRF token, reporting
    /// progress; the answer as [`Api::answer`] would give it.
    async fn upload<T: DeserializeOwned>(
        self,
        url: &str,
        body: &web_sys::Blob,
        progress: impl Fn(f64) + 'static,
    ) -> Result<T, ClientError> {
        let request = web_sys::XmlHttpRequest::new().map_err(|_| ClientError::Unreachable)?;
        request.open("POST", url).map_err(|_| ClientError::Unreachable)?;
        let _ = request.set_request_header("Content-Type", "application/octet-stream");
        if let Some(token) = self.session.csrf_token() {
            let _ = request.set_request_header("X-CSRF-Token", &token);
        }
        let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            progress(event.loaded())
        });
        if let Ok(upload) = request.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        // Settled by load (any answer) or by error, abort and timeout (none).
        let mut settle = None;
        let finished = js_sys::Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        let (resolve, reject) = settle.ok_or(ClientError::Unreachable)?;
        request.set_onload(Some(&resolve));
        request.set_onerror(Some(&reject));
        request.set_onabort(Some(&reject));
        request.set_ontimeout(Some(&reject));
        request.send_with_opt_blob(Some(body)).map_err(|_| ClientError::Unreachable)?;
        let answered = JsFuture::from(finished).await;
        drop(on_progress);
        answered.map_err(|_| ClientError::Unreachable)?;
        let status = request.status().map_err(|_| ClientError::Unreachable)?;
        let text = request.response_text().ok().flatten().unwrap_or_default();
        match status {
            0 => Err(ClientError::Unreachable),
            200..=299 => serde_json::from_str(&text).map_err(|_| ClientError::Unexpected { status }),
            401 => {
                self.session.signed_out(SignedOutReason::Expired);
                Err(ClientError::SignedOut)
            }
            _ => Err(refusal(status, &text)),
        }
    }

    /// `GET /files/{id}/content` of a model: the bytes, from the model cache
    /// when they are there, else downloaded (and then stored there).
    pub(crate) async fn model_bytes(self, file: &FileView) -> Result<Vec<u8>, ClientError> {
        let url = file.download_url.as_str();
        let cache = model_cache().await;
        if let Some(bytes) = match &cache {
            Some(cache) => cached_bytes(cache, url).await,
            None => None,
        } {
            return Ok(bytes);
        }
        let request = Request::get(url).build().map_err(|_| ClientError::Unreachable)?;
        let response: web_sys::Response = self.exchange(request, Unauthorized::EndsSession).await?.into();
        if let (Some(cache), Ok(copy)) = (&cache, response.clone()) {
            // A cache that refuses (storage full, private mode) only costs a later download.
            let _ = JsFuture::from(cache.put_with_str(url, &copy)).await;
        }
        body_bytes(&response).await.ok_or(ClientError::Unreachable)
    }

    /// Drops `file` from the model cache: its stored bytes could not be read,
    /// so the next attempt downloads it again.
    pub(crate) async fn forget_model_file(self, file: &FileView) {
        if let Some(cache) = model_cache().await {
            let _ = JsFuture::from(cache.delete_with_str(&file.download_url)).await;
        }
    }

    async fn get<T: DeserializeOwned>(self, path: &str) -> Result<T, ClientError> {
        let request = Request::get(path).build().map_err(|_| ClientError::Unreachable)?;
        self.answer(request, Unauthorized::EndsSession).await
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        self,
        builder: RequestBuilder,
        body: &B,
    ) -> Result<T, ClientError> {
        let request = self.write(builder).json(body).map_err(|_| ClientError::Unreachable)?;
        self.answer(request, Unauthorized::EndsSession).await
    }

    /// A write whose success answers no body (204).
    async fn send_json_empty<B: Serialize>(self, builder: RequestBuilder, body: &B) -> Result<(), ClientError> {
        let request = self.write(builder).json(body).map_err(|_| ClientError::Unreachable)?;
        self.exchange(request, Unauthorized::EndsSession).await.map(drop)
    }

    async fn delete(self, path: &str) -> Result<(), ClientError> {
        let request = self.write(Request::delete(path)).build().map_err(|_| ClientError::Unreachable)?;
        self.exchange(request, Unauthorized::EndsSession).await.map(drop)
    }

    /// A change: it carries the CSRF token of the session.
    fn write(self, builder: RequestBuilder) -> RequestBuilder {
        match self.session.csrf_token() {
            Some(token) => builder.header("X-CSRF-Token", &token),
            None => builder,
        }
    }

    async fn answer<T: DeserializeOwned>(self, request: Request, unauthorized: Unauthorized) -> Result<T, ClientError> {
        let response = self.exchange(request, unauthorized).await?;
        let status = response.status();
        response.json().await.map_err(|_| ClientError::Unexpected { status })
    }

    /// Sends the request; a 2xx response, or the error it stands for.
    async fn exchange(self, request: Request, unauthorized: Unauthorized) -> Result<Response, ClientError> {
        let response = request.send().await.map_err(|_| ClientError::Unreachable)?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        if status == 401 && unauthorized == Unauthorized::EndsSession {
            self.session.signed_out(SignedOutReason::Expired);
            return Err(ClientError::SignedOut);
        }
        let body = response.text().await.unwrap_or_default();
        Err(refusal(status, &body))
    }
}

/// The model cache, where the browser has one (secure pages only).
async fn model_cache() -> Option<web_sys::Cache> {
    let caches = web_sys::window()?.caches().ok()?;
    JsFuture::from(caches.open(MODEL_CACHE)).await.ok()?.dyn_into().ok()
}

/// The bytes stored under `url`, if any.
async fn cached_bytes(cache: &web_sys::Cache, url: &str) -> Option<Vec<u8>> {
    let found = JsFuture::from(cache.match_with_str(url)).await.ok()?;
    body_bytes(&found.dyn_into().ok()?).await
}

/// A response's whole body; `None` if it broke off.
async fn body_bytes(response: &web_sys::Response) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Empties the model cache: the next person on this browser downloads for themselves.
async fn forget_model_files() {
    if let Some(caches) = web_sys::window().and_then(|window| window.caches().ok()) {
        let _ = JsFuture::from(caches.delete(MODEL_CACHE)).await;
    }
}

/// Where the case's models are downloaded from, packed as `format`: every
/// arch and stage, or only `arch` and `stage` when given. A plain link,
/// like [`download_href`]: the latest prepared version of each model (else
/// the latest).
pub(crate) fn export_href(case_id: &str, format: ExportFormat, arch: Option<&str>, stage: Option<u32>) -> String {
    let format = match format {
        ExportFormat::StlZip => "zip",
        ExportFormat::ThreeMf => "3mf",
    };
    let stage = stage.map(|stage| stage.to_string()).unwrap_or_default();
    with_query(
        &format!("{API}/cases/{}/export", encode_component(case_id)),
        &[("format", format), ("arch", arch.unwrap_or("")), ("stage", &stage)],
    )
}

/// Where a file's bytes are downloaded from: a plain link, which carries
/// the session cookie (a GET needs no CSRF token); the server audits it.
pub(crate) fn download_href(file: &FileView) -> String {
    file.download_url.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_body_keeps_the_servers_message_and_field() {
        let body = r#"{"error":{"code":"validation_failed","message":"an aligner is worn for 1 to 60 days","field":"days_per_aligner"}}"#;
        let error = refusal(422, body);
        assert_eq!(error.to_string(), "an aligner is worn for 1 to 60 days");
        assert_eq!(error.field(), Some("days_per_aligner"));
        let limited =
            refusal(429, r#"{"error":{"code":"rate_limited","message":"too many attempts; wait 42 s and try again"}}"#);
        assert_eq!(limited.to_string(), "too many attempts; wait 42 s and try again");
        assert_eq!(limited.field(), None);
    }

    #[test]
    fn a_body_that_is_not_an_error_body_names_the_status() {
        let error = refusal(502, "<html>Bad Gateway</html>");
        assert_eq!(error, ClientError::Unexpected { status: 502 });
        assert!(error.to_string().contains("502"));
    }

    #[test]
    fn only_404_is_not_found() {
        assert!(refusal(404, r#"{"error":{"code":"not_found","message":"no such resource"}}"#).is_not_found());
        assert!(!refusal(403, r#"{"error":{"code":"forbidden","message":"no"}}"#).is_not_found());
    }

    #[test]
    fn only_403_is_forbidden() {
        assert!(refusal(403, r#"{"error":{"code":"forbidden","message":"owners and admins only"}}"#).is_forbidden());
        assert!(!refusal(404, r#"{"error":{"code":"not_found","message":"no such resource"}}"#).is_forbidden());
    }

    #[test]
    fn a_page_request_names_its_page_and_size() {
        assert_eq!(PageRequest { number: 1, limit: 25 }.path("/api/v1/users"), "/api/v1/users?page=1&limit=25");
        let third = PageRequest { number: 3, limit: 10 };
        assert_eq!(third.path("/api/v1/cases/x/activity"), "/api/v1/cases/x/activity?page=3&limit=10");
    }

    #[test]
    fn only_network_and_server_failures_are_worth_retrying() {
        assert!(ClientError::Unreachable.is_worth_retrying());
        assert!(ClientError::Unexpected { status: 502 }.is_worth_retrying());
        assert!(refusal(503, r#"{"error":{"code":"unavailable","message":"busy"}}"#).is_worth_retrying());
        assert!(!refusal(422, r#"{"error":{"code":"unreadable","message":"truncated"}}"#).is_worth_retrying());
        assert!(!refusal(413, r#"{"error":{"code":"too_large","message":"too large"}}"#).is_worth_retrying());
        assert!(!ClientError::SignedOut.is_worth_retrying());
    }

    #[test]
    fn a_prepared_model_names_its_original_and_an_original_does_not() {
        let original =
            ModelTarget { case_id: "c 1", arch: "upper", index: 7, file_name: "U 07.stl", prepared_from: None };
        assert_eq!(original.path(), "/api/v1/cases/c%201/stages/upper/7/models?file_name=U%2007.stl");
        let prepared = ModelTarget { prepared_from: Some("f-9"), ..original };
        assert_eq!(prepared.path(), "/api/v1/cases/c%201/stages/upper/7/models?file_name=U%2007.stl&prepared_from=f-9");
    }

    #[test]
    fn an_export_asks_for_the_whole_case_or_one_stage() {
        assert_eq!(export_href("c1", ExportFormat::StlZip, None, None), "/api/v1/cases/c1/export?format=zip");
        assert_eq!(
            export_href("c1", ExportFormat::ThreeMf, Some("lower"), Some(3)),
            "/api/v1/cases/c1/export?format=3mf&arch=lower&stage=3"
        );
    }

    #[test]
    fn the_board_query_sends_only_what_is_asked() {
        let all = CaseQuery { text: "  ".into(), status: None, limit: 200 };
        assert_eq!(all.path(), "/api/v1/cases?limit=200");
        let search = CaseQuery { text: "k7q 4m2".into(), status: Some(CaseStatus::ModelsReady), limit: 50 };
        assert_eq!(search.path(), "/api/v1/cases?q=k7q%204m2&status=models_ready&limit=50");
    }
}
