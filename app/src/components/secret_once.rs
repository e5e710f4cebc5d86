//! A secret the server answers once (an API token, a webhook's signing
//! key, a new password): shown in a read-only field with a Copy button and
//! a plain warning that it cannot be shown again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// What the Copy button last did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copied {
    NotYet,
    Done,
    Refused,
}

#[component]
pub(crate) fn SecretOnce(
    /// The field's label: "API token".
    label: &'static str,
    secret: String,
    /// What the secret is for and what to do with it, said above it.
    #[prop(into)]
    explanation: String,
) -> impl IntoView {
    let copied = RwSignal::new(Copied::NotYet);
    let text = secret.clone();
    let copy = move |_| {
        let text = text.clone();
        spawn_local(async move {
            copied.set(if write_clipboard(&text).await { Copied::Done } else { Copied::Refused });
        });
    };
    view! {
        <div class="secret-once">
            <p>{explanation}</p>
            <p class="secret-warning" data-testid="secret-warning">
                <strong>"Copy it now: you will not see it again."</strong>
                " Trayforge keeps only a fingerprint of it."
            </p>
            <label class="secret-label" for="secret-value">{label}</label>
            <div class="secret-row">
                <input
                    id="secret-value"
                    class="secret-value"
                    data-testid="secret-value"
                    readonly
                    spellcheck="false"
                    autocomplete="off"
                    prop:value=secret
                    on:focus=move |ev| {
                        event_target::<web_sys::HtmlInputElement>(&ev).select();
                    }
                />
                <button type="button" class="primary" data-testid="copy-secret" on:click=copy>"Copy"</button>
            </div>
            <p class="secret-copied" role="status">
                {move || match copied.get() {
                    Copied::NotYet => "",
                    Copied::Done => "Copied.",
                    Copied::Refused => "This browser did not allow copying: select the text and copy it by hand.",
                }}
            </p>
        </div>
    }
}

/// Puts `text` on the clipboard; `false` when the browser refuses.
async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    JsFuture::from(window.navigator().clipboard().write_text(text)).await.is_ok()
}
