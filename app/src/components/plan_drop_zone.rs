//! Where a plan's files come in: drop a folder, a `.zip` or files, or pick
//! files or a folder (buttons, for keyboard and touch). Folders are walked
//! and zips unzipped (in the mesh worker) before the files are handed on.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::import::sources::{self, Incoming};

/// What was given: the files, and what could not be taken, in words.
pub(crate) type Given = (Vec<Incoming>, Vec<String>);

#[component]
pub(crate) fn PlanDropZone(
    /// Called with the files once folders are walked and zips unzipped.
    on_files: Callback<Given>,
    /// No more files are taken (the upload has started).
    #[prop(into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let hovering = RwSignal::new(false);
    let gathering = RwSignal::new(false);
    let files_input = NodeRef::<leptos::html::Input>::new();
    let folder_input = NodeRef::<leptos::html::Input>::new();

    let take = move |dropped: sources::Dropped| {
        gathering.set(true);
        spawn_local(async move {
            let mut problems = Vec::new();
            let files = dropped.files(&mut problems).await;
            let files = sources::expand_zips(files, &mut problems).await;
            gathering.set(false);
            on_files.run((files, problems));
        });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        hovering.set(false);
        if !disabled.get_untracked() {
            take(sources::dropped(&ev));
        }
    };
    let on_change = move |ev: web_sys::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let files = sources::from_list(input.files());
        // Picking the same files again must take them again.
        input.set_value("");
        take(sources::Dropped::Files(files));
    };
    let click = |input: NodeRef<leptos::html::Input>| {
        move |_| {
            if let Some(input) = input.get() {
                input.click();
            }
        }
    };
    // `webkitdirectory` is not in the typed attributes: set it on the element.
    Effect::new(move || {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });

    view! {
        <div
            class="drop-zone plan-drop"
            class:hovering=move || hovering.get()
            class:busy=move || gathering.get()
            data-testid="plan-drop"
            on:dragenter=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                hovering.set(true);
            }
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:dragleave=move |_| hovering.set(false)
            on:drop=on_drop
        >
            <p class="drop-title">"Drop the plan's folder, a .zip or its files here"</p>
            <p class="hint">"STL, PLY, OBJ and 3MF models; each is read and checked in your browser before anything is sent."</p>
            <div class="drop-actions">
                <button type="button" class="primary" disabled=move || disabled.get() on:click=click(folder_input)>
                    "Choose a folder…"
                </button>
                <button type="button" class="quiet" disabled=move || disabled.get() on:click=click(files_input)>"Choose files…"</button>
            </div>
            {move || gathering.get().then(|| view! { <p class="status" role="status">"Looking through the files…"</p> })}
            <input
                node_ref=folder_input
                type="file"
                class="visually-hidden"
                tabindex="-1"
                aria-label="A folder of model files"
                data-testid="folder-input"
                on:change=on_change
            />
            <input
                node_ref=files_input
                type="file"
                multiple
                accept=".stl,.ply,.obj,.3mf,.zip"
                class="visually-hidden"
                tabindex="-1"
                aria-label="Model files or a .zip"
                data-testid="files-input"
                on:change=on_change
            />
        </div>
    }
}
