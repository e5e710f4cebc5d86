//! The mesh worker: a Web Worker that runs mesh-core off the page's
//! thread, so reading, validating and hashing 30 arch models, unzipping a
//! plan, or comparing two stages never freezes the page.
//!
//! Trunk builds this binary as a worker (`data-type="worker"` in
//! `app/index.html`) beside the app, with the same release profile; the
//! page starts it from `/mesh-worker_loader.js` (`worker/mod.rs`). It
//! shares the message types with the page through `protocol.rs`, and does
//! the jobs in `jobs.rs`.

// Natively only the tests call the jobs; the worker's entry is wasm32's.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod jobs;
// The page's half of the protocol (its side of the messages) is unused here.
#[allow(dead_code)]
mod protocol;

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;

    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| answer(&event.data()));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // Messages sent before the handler was set are lost: the page waits for this.
    let _ = scope.post_message(&wasm_bindgen::JsValue::from_str("ready"));
}

/// Does the job in `data` and posts the answer, its parts transferred.
#[cfg(target_arch = "wasm32")]
fn answer(data: &wasm_bindgen::JsValue) {
    use protocol::{Answer, Head, Job, decode_head, encode_head, js};
    use wasm_bindgen::JsCast;

    let Some(id) = js::id(data) else { return };
    let (answer, parts) = match js::open(data).and_then(|(head, parts)| Ok((decode_head::<Job>(&head)?, parts))) {
        Ok((head, parts)) => {
            let parts: Vec<Vec<u8>> = parts.iter().map(|part| js::part_bytes(&part)).collect();
            jobs::run(&head.body, &parts, &js_sys::Date::now)
        }
        Err(error) => (Answer::Failed { message: error.to_string() }, vec![]),
    };
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let buffers: js_sys::Array = parts.iter().map(|bytes| js::buffer(bytes)).collect();
    let message = encode_head(&Head { id, body: answer }).and_then(|head| js::message(id, &head, &buffers));
    match message {
        Ok(message) => {
            let _ = scope.post_message_with_transfer(&message, &buffers);
        }
        // The page turns a message without a head into an error for this id.
        Err(_) => {
            let _ = scope.post_message(&wasm_bindgen::JsValue::from(id));
        }
    }
}

/// Natively (tests, clippy) there is no worker to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
