//! Sending one file to the server, as the import page and the case page's
//! single uploads both do: progress as it goes, retries after network and
//! server failures ([`super::retry`]), a pause while the browser is offline
//! that ends by itself when it is back (or when the user presses Resume),
//! and no duplicate version when a lost answer hid a finished upload.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use trayforge_wire::FileView;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::file_names::Arch;
use super::retry::{AfterFailure, after_failure};
use crate::api::{Api, ClientError};

/// Where a file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Model { arch: Arch, stage: u32 },
    Photo,
}

/// A file to send.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub(crate) target: Target,
    pub(crate) file_name: String,
    pub(crate) blob: web_sys::Blob,
    /// The content's SHA-256 when known (the worker's): after a lost
    /// answer, the case is asked whether the stage already has it.
    pub(crate) sha256: Option<String>,
    /// For a prepared model: the id of the original version it was made from.
    pub(crate) prepared_from: Option<String>,
}

/// How a file's upload is going, for its row and the progress bar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Progress {
    /// Bytes sent so far (of the file's size).
    Sending(f64),
    /// A try failed; the next one starts after the pause.
    Retrying { tries: u32 },
    /// The browser is offline: waiting for the network.
    Paused,
}

/// The pause while offline: ends at the browser's `online` event, or when
/// [`Network::resume`] is called (the Resume button).
#[derive(Debug, Clone, Default)]
pub(crate) struct Network {
    waiting: Rc<RefCell<Vec<Function>>>,
}

impl Network {
    pub(crate) fn online() -> bool {
        web_sys::window().is_none_or(|window| window.navigator().on_line())
    }

    /// Ends every pause now.
    pub(crate) fn resume(&self) {
        for resolve in self.waiting.take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }

    async fn wait(&self) {
        let waiting = Rc::clone(&self.waiting);
        let promise = Promise::new(&mut |resolve, _| waiting.borrow_mut().push(resolve));
        let network = self.clone();
        let on_online = Closure::once(move || network.resume());
        if let Some(window) = web_sys::window() {
            let options = web_sys::AddEventListenerOptions::new();
            options.set_once(true);
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                "online",
                on_online.as_ref().unchecked_ref(),
                &options,
            );
        }
        let _ = JsFuture::from(promise).await;
        // Left registered when Resume ended the pause: harmless, it resumes nothing.
        on_online.forget();
    }
}

/// Sends `upload` to the case, trying again as [`after_failure`] says;
/// the stored file, or the error of the last try.
pub(crate) async fn send(
    api: Api,
    case_id: &str,
    upload: &Upload,
    network: &Network,
    report: impl Fn(Progress) + Clone + 'static,
) -> Result<FileView, ClientError> {
    let mut tries = 0;
    loop {
        if !Network::online() {
            report(Progress::Paused);
            network.wait().await;
        }
        tries += 1;
        report(Progress::Sending(0.0));
        let on_progress = {
            let report = report.clone();
            move |sent| report(Progress::Sending(sent))
        };
        let result = match upload.target {
            Target::Model { arch, stage } => {
                let to = crate::api::ModelTarget {
                    case_id,
                    arch: arch.as_str(),
                    index: stage,
                    file_name: &upload.file_name,
                    prepared_from: upload.prepared_from.as_deref(),
                };
                api.upload_model(&to, &upload.blob, on_progress).await
            }
            Target::Photo => api.upload_photo(case_id, &upload.file_name, &upload.blob, on_progress).await,
        };
        let error = match result {
            Ok(file) => return Ok(file),
            Err(error) => error,
        };
        match after_failure(&error, tries, Network::online()) {
            AfterFailure::GiveUp => return Err(error),
            AfterFailure::WaitForNetwork => {
                tries -= 1;
                report(Progress::Paused);
                network.wait().await;
            }
            AfterFailure::RetryAfterMs(ms) => {
                report(Progress::Retrying { tries });
                sleep(ms).await;
            }
        }
        // The answer was lost, not necessarily the upload: never store it twice.
        if error == ClientError::Unreachable
            && let Some(stored) = already_stored(api, case_id, upload).await
        {
            return Ok(stored);
        }
    }
}

/// The version of the upload's stage with its content, if the server has one.
async fn already_stored(api: Api, case_id: &str, upload: &Upload) -> Option<FileView> {
    let (Target::Model { arch, stage }, Some(sha256)) = (upload.target, upload.sha256.as_deref()) else { return None };
    let detail = api.case(case_id).await.ok()?;
    detail
        .stages
        .into_iter()
        .filter(|view| view.arch == arch.as_str() && u32::try_from(view.index).ok() == Some(stage))
        .flat_map(|view| view.models)
        .rfind(|model| model.sha256 == sha256)
}

/// Waits `ms` milliseconds without blocking the page.
async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        let timer = web_sys::window().and_then(|window| {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.min(i32::MAX as u32) as i32).ok()
        });
        if timer.is_none() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
