//! Getting a three-d context from a `<canvas>`: WebGL2 in the browser.

use std::sync::Arc;

use three_d::Context;
use wasm_bindgen::JsCast;

/// A three-d context drawing into `canvas`, or a message for the user.
pub(super) fn context_for(canvas: &web_sys::HtmlCanvasElement) -> Result<Context, String> {
    let unsupported = || {
        "this browser cannot show 3D models (WebGL2 is off or unsupported); try a current Chrome, Edge, Firefox or Safari"
            .to_owned()
    };
    // Keep the drawn frame: the viewer renders only when something changes,
    // and the last frame must stay readable (screenshots, tests).
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"preserveDrawingBuffer".into(), &true.into()).map_err(|_| unsupported())?;
    js_sys::Reflect::set(&options, &"antialias".into(), &true.into()).map_err(|_| unsupported())?;
    let gl = canvas
        .get_context_with_context_options("webgl2", &options)
        .ok()
        .flatten()
        .and_then(|gl| gl.dyn_into::<web_sys::WebGl2RenderingContext>().ok())
        .ok_or_else(unsupported)?;
    // three-d takes an `Arc`; in the browser there is only one thread to share it with.
    #[allow(clippy::arc_with_non_send_sync)]
    let gl = Arc::new(glow_context(gl)?);
    Context::from_gl_context(gl).map_err(|e| format!("cannot start the 3D view: {e}"))
}

#[cfg(target_arch = "wasm32")]
fn glow_context(gl: web_sys::WebGl2RenderingContext) -> Result<three_d::context::Context, String> {
    Ok(three_d::context::Context::from_webgl2_context(gl))
}

/// Native builds (tests, lints) have no WebGL.
#[cfg(not(target_arch = "wasm32"))]
fn glow_context(_gl: web_sys::WebGl2RenderingContext) -> Result<three_d::context::Context, String> {
    Err("WebGL2 exists only in the browser".to_owned())
}
