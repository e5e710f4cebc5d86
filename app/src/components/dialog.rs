//! A modal dialog on the browser's own `<dialog>` (`showModal`): the page
//! behind it is inert, focus moves into it (its first field or button),
//! Escape closes it, and closing gives focus back to what had it before.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub(crate) fn Dialog(
    /// Whether it is open; the dialog sets it to `false` when it closes itself (Escape).
    open: RwSignal<bool>,
    /// The element id, also its `data-testid`; the heading is `{id}-title`.
    id: &'static str,
    /// The heading, which names the dialog for screen readers.
    #[prop(into)]
    title: Signal<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move || {
        let wanted = open.get();
        let Some(dialog) = node.get() else {
            return;
        };
        if wanted && !dialog.open() {
            opener.set_value(focused_element());
            if dialog.show_modal().is_ok() {
                focus_first_control(&dialog);
            }
        } else if !wanted && dialog.open() {
            dialog.close();
        }
    });
    let closed = move |_| {
        open.set(false);
        if let Some(element) = opener.get_value() {
            let _ = element.focus();
        }
    };
    let title_id = format!("{id}-title");
    view! {
        <dialog node_ref=node class="dialog" id=id data-testid=id aria-labelledby=title_id.clone() on:close=closed>
            <h2 id=title_id.clone()>{move || title.get()}</h2>
            {move || open.get().then(|| children())}
        </dialog>
    }
}

fn focused_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?.document()?.active_element()?.dyn_into::<web_sys::HtmlElement>().ok()
}

/// The first field, or else the first button: where typing should start.
fn focus_first_control(dialog: &web_sys::HtmlDialogElement) {
    let first = ["[autofocus]", "input:not([readonly]), select, textarea", "input, button"]
        .into_iter()
        .find_map(|selector| dialog.query_selector(selector).ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = first {
        let _ = element.focus();
    }
}
