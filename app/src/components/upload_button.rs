//! One file to a case from its page — a stage's next model version or a
//! photo — with its progress, through the same sending as the plan import
//! (`import::uploads::send`: retries, pause while offline). A model is read
//! in the mesh worker first, so a file that cannot be read is refused here
//! with the reader's words, and its hash guards against a duplicate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{ClientError, use_api};
use crate::display::sentence;
use crate::import::sources::{bytes, from_file};
use crate::import::uploads::{Network, Progress, Target, Upload, send};
use crate::worker;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Reading,
    /// Percent sent.
    Sending(f64),
    Paused,
    Done,
    Failed(String),
}

#[component]
pub(crate) fn UploadButton(
    case_id: String,
    target: Target,
    /// "Upload model", "Add photo".
    label: &'static str,
    /// What the picker offers.
    accept: &'static str,
    /// Names the button for a screen reader: "Upload a model for upper stage 3".
    #[prop(into)]
    description: String,
    /// After a file is stored: the page shows the case again.
    on_uploaded: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let state = RwSignal::new(State::Idle);
    let input = NodeRef::<leptos::html::Input>::new();
    let case_id = StoredValue::new(case_id);
    let network = StoredValue::new_local(Network::default());

    let on_change = move |ev: web_sys::Event| {
        let Some(element) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = element.files().and_then(|files| files.get(0)) else { return };
        element.set_value("");
        let incoming = from_file(file);
        spawn_local(async move {
            let mut sha256 = None;
            if let Target::Model { .. } = target {
                state.set(State::Reading);
                let facts = match bytes(&incoming.blob).await {
                    Ok(buffer) => worker::read_model(&incoming.path, buffer).await.map_err(|e| e.to_string()),
                    Err(message) => Err(message),
                };
                match facts {
                    Ok(facts) => sha256 = Some(facts.sha256),
                    Err(message) => return state.set(State::Failed(sentence(&message))),
                }
            }
            let upload = Upload {
                target,
                file_name: crate::import::plan::file_name(&incoming.path).to_owned(),
                blob: incoming.blob.clone(),
                sha256,
                prepared_from: None,
            };
            let size = incoming.size;
            let report = move |progress: Progress| {
                state.set(match progress {
                    Progress::Sending(sent) if size > 0.0 => State::Sending((sent / size * 100.0).clamp(0.0, 100.0)),
                    Progress::Sending(_) | Progress::Retrying { .. } => State::Sending(0.0),
                    Progress::Paused => State::Paused,
                });
            };
            match send(api, &case_id.get_value(), &upload, &network.get_value(), report).await {
                Ok(_) => {
                    state.set(State::Done);
                    on_uploaded.run(());
                }
                Err(ClientError::SignedOut) => {}
                Err(error) => state.set(State::Failed(sentence(&error.to_string()))),
            }
        });
    };
    let busy = move || matches!(state.get(), State::Reading | State::Sending(_) | State::Paused);

    view! {
        <span class="upload-button">
            <button
                type="button"
                class="quiet small"
                aria-label=description
                data-testid="upload-button"
                disabled=busy
                on:click=move |_| {
                    if let Some(input) = input.get() {
                        input.click();
                    }
                }
            >
                {label}
            </button>
            <input node_ref=input type="file" accept=accept class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=on_change />
            {move || match state.get() {
                State::Idle => None,
                State::Reading => Some(view! { <span class="status" role="status">"Reading…"</span> }.into_any()),
                State::Sending(percent) => Some(view! {
                    <span class="status" role="status" data-testid="upload-status">
                        <progress max="100" value=percent.floor()></progress>
                        {format!(" {} %", percent.floor())}
                    </span>
                }.into_any()),
                State::Paused => Some(view! {
                    <span class="status" role="status">
                        "Paused: offline. "
                        <button type="button" class="quiet small" on:click=move |_| network.with_value(Network::resume)>"Resume"</button>
                    </span>
                }.into_any()),
                State::Done => Some(view! { <span class="saved" role="status" data-testid="upload-status">"Uploaded."</span> }.into_any()),
                State::Failed(message) => Some(view! { <span class="form-error" role="alert" data-testid="upload-status">{message}</span> }.into_any()),
            }}
        </span>
    }
}
