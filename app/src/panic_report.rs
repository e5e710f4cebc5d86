//! What the app does when it panics (a bug, never bad input): the details
//! still go to the console (`console_error_panic_hook`), and the person
//! using it is told, in a banner that stays (`role=alert`), that something
//! broke, that their data on the server is safe, and to reload (a Reload
//! link to the same address).
//!
//! The banner is built with plain DOM calls, not Leptos: after a panic the
//! app's own state cannot be trusted to render anything.

use std::any::Any;

use wasm_bindgen::JsCast;

/// The banner's `id`: there is only ever one, whatever panics follow.
const BANNER_ID: &str = "panic-banner";

/// Installs the hook; call once, first thing in `main`.
pub(crate) fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&banner_text(&payload_message(info.payload())));
    }));
}

/// The panic's message, when it carries one as text.
fn payload_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unexpected problem".to_owned())
}

/// The sentence the banner says.
fn banner_text(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let message = if message.is_empty() { "an unexpected problem" } else { message };
    format!("Trayforge hit an internal error: {message}. Your data on the server is safe; reload the page.")
}

/// Adds the banner to the page, unless one is there already. Does nothing
/// where there is no document (the hook must never panic itself).
fn show_banner(text: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let built = (|| {
        let banner = document.create_element("div").ok()?;
        banner.set_id(BANNER_ID);
        banner.set_class_name("panic-banner");
        banner.set_attribute("role", "alert").ok()?;
        banner.set_attribute("data-testid", "panic-banner").ok()?;
        let message = document.create_element("p").ok()?;
        message.set_text_content(Some(text));
        // A link to this very page (path and query: a link to the same
        // fragment would only scroll), not a button calling back into the
        // WebAssembly that just panicked: it reloads with no code of ours.
        let location = web_sys::window()?.location();
        let here = format!("{}{}", location.pathname().ok()?, location.search().ok()?);
        let reload = document.create_element("a").ok()?;
        reload.set_attribute("href", &here).ok()?;
        // The router leaves `rel=external` links to the browser: a real page load.
        reload.set_attribute("rel", "external").ok()?;
        reload.set_attribute("data-testid", "panic-reload").ok()?;
        reload.set_class_name("button primary");
        reload.set_text_content(Some("Reload"));
        banner.append_child(&message).ok()?;
        banner.append_child(&reload).ok()?;
        document.body()?.prepend_with_node_1(&banner).ok()?;
        reload.dyn_into::<web_sys::HtmlElement>().ok()?.focus().ok()
    })();
    if built.is_none() {
        web_sys::console::error_1(&text.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_says_what_broke_that_data_is_safe_and_to_reload() {
        assert_eq!(
            banner_text("index out of bounds: the len is 3 but the index is 7."),
            "Trayforge hit an internal error: index out of bounds: the len is 3 but the index is 7. \
             Your data on the server is safe; reload the page."
        );
        assert!(banner_text("  ").contains("internal error: an unexpected problem."));
    }

    #[test]
    fn the_message_comes_from_a_str_or_string_payload() {
        let literal: Box<dyn Any + Send> = Box::new("boom");
        assert_eq!(payload_message(literal.as_ref()), "boom");
        let formatted: Box<dyn Any + Send> = Box::new(format!("stage {} missing", 3));
        assert_eq!(payload_message(formatted.as_ref()), "stage 3 missing");
        let other: Box<dyn Any + Send> = Box::new(42_u32);
        assert_eq!(payload_message(other.as_ref()), "an unexpected problem");
    }
}
