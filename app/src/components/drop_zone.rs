//! A place to drop a file, which is also a button that opens the file
//! picker (keyboard and touch users never need to drag).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub(crate) fn DropZone(
    /// Called with the file the user dropped or picked.
    on_file: impl Fn(web_sys::File) + Clone + 'static,
    /// A file is being read: say so.
    busy: Signal<bool>,
) -> impl IntoView {
    let hovering = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();

    let on_drop = {
        let on_file = on_file.clone();
        move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            hovering.set(false);
            if let Some(file) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|files| files.get(0)) {
                on_file(file);
            }
        }
    };
    let on_change = move |ev: web_sys::Event| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        if let Some(file) = target.files().and_then(|files| files.get(0)) {
            on_file(file);
        }
        // Picking the same file again must read it again.
        target.set_value("");
    };
    let open_picker = move |_| {
        if let Some(input) = input.get() {
            input.click();
        }
    };

    view! {
        <div
            class="drop-zone"
            class:hovering=move || hovering.get()
            class:busy=move || busy.get()
            data-testid="drop-zone"
            on:dragenter=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                hovering.set(true);
            }
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:dragleave=move |_| hovering.set(false)
            on:drop=on_drop
        >
            <p class="drop-title">"Drop an STL, OBJ, PLY or 3MF file here"</p>
            <button type="button" class="primary" on:click=open_picker>"Choose a file…"</button>
            <input
                node_ref=input
                type="file"
                accept=".stl,.obj,.ply,.3mf,model/stl,model/obj,model/3mf,application/sla"
                class="visually-hidden"
                tabindex="-1"
                aria-label="STL, OBJ, PLY or 3MF file"
                data-testid="file-input"
                on:change=on_change
            />
        </div>
    }
}
