//! The 3D viewer: a `<canvas>` drawn by three-d over WebGL2, with orbit
//! (drag), pan (right-drag or Shift-drag, two fingers), zoom (wheel, pinch,
//! +/−), keyboard control, and reset (double-click, Home or R).
//!
//! It draws only when something changes, so an idle viewer costs nothing;
//! the canvas's `data-frames` attribute counts frames drawn with a model.

mod gl;
mod orbit;
mod scene;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use mesh_core::IndexedMesh;
use three_d::Viewport;

use orbit::CameraMove;
use scene::Scene;

/// The viewer's state that lives outside Leptos's reactive system (WebGL
/// objects are neither `Send` nor `Clone`).
#[derive(Debug, Default)]
struct ViewerState {
    scene: Option<Scene>,
    /// Active pointers by id: position in CSS pixels.
    pointers: BTreeMap<i32, (f32, f32)>,
    frames: u32,
    frame_requested: bool,
}

type Shared = Rc<RefCell<ViewerState>>;

#[component]
pub(crate) fn Viewer(mesh: Signal<Option<Arc<IndexedMesh>>>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let state = StoredValue::new_local(Shared::default());
    let failure = RwSignal::new(None::<String>);
    let has_model = RwSignal::new(false);

    // Start the GL context once the canvas is in the page, then show every
    // mesh the page hands over.
    Effect::new(move |_| {
        let mesh = mesh.get();
        let Some(element) = canvas.get() else { return };
        let shared = state.get_value();
        let mut viewer = shared.borrow_mut();
        if viewer.scene.is_none() {
            match gl::context_for(&element) {
                Ok(context) => viewer.scene = Some(Scene::new(context)),
                Err(message) => {
                    failure.set(Some(message));
                    return;
                }
            }
        }
        let (width, height) = sync_size(&element);
        if let Some(scene) = viewer.scene.as_mut() {
            scene.show(mesh.as_deref(), Viewport::new_at_origo(width, height));
            has_model.set(scene.has_model());
        }
        drop(viewer);
        request_frame(&shared, &element);
    });

    let redraw = move || {
        if let Some(element) = canvas.get_untracked() {
            request_frame(&state.get_value(), &element);
        }
    };
    let move_camera = move |change: CameraMove| {
        let Some(element) = canvas.get_untracked() else { return };
        let shared = state.get_value();
        let height = element.client_height() as f32;
        if let Some(orbit) = shared.borrow_mut().scene.as_mut().and_then(Scene::orbit_mut) {
            orbit.apply(change, height);
        }
        request_frame(&shared, &element);
    };

    let on_pointer_down = move |ev: web_sys::PointerEvent| {
        if let Some(element) = canvas.get_untracked() {
            let _ = element.set_pointer_capture(ev.pointer_id());
            let _ = element.focus();
        }
        state.get_value().borrow_mut().pointers.insert(ev.pointer_id(), (ev.client_x() as f32, ev.client_y() as f32));
    };
    let on_pointer_move = move |ev: web_sys::PointerEvent| {
        let position = (ev.client_x() as f32, ev.client_y() as f32);
        let change = {
            let shared = state.get_value();
            let mut viewer = shared.borrow_mut();
            let Some(previous) = viewer.pointers.get(&ev.pointer_id()).copied() else { return };
            let others: Vec<(f32, f32)> =
                viewer.pointers.iter().filter(|(id, _)| **id != ev.pointer_id()).map(|(_, p)| *p).collect();
            viewer.pointers.insert(ev.pointer_id(), position);
            CameraMove::from_pointer(previous, position, &others, ev.shift_key() || ev.buttons() & 2 != 0)
        };
        move_camera(change);
    };
    let on_pointer_up = move |ev: web_sys::PointerEvent| {
        state.get_value().borrow_mut().pointers.remove(&ev.pointer_id());
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        move_camera(CameraMove::Zoom((-(ev.delta_y() as f32) * 0.0015).exp()));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if let Some(change) = CameraMove::from_key(&ev.key()) {
            ev.prevent_default();
            move_camera(change);
        }
    };
    let on_resize = move |_| redraw();
    let resize_handle = window_event_listener(leptos::ev::resize, on_resize);
    on_cleanup(move || resize_handle.remove());

    view! {
        <div class="viewer">
            <canvas
                node_ref=canvas
                data-testid="viewer"
                data-frames="0"
                tabindex="0"
                aria-label="3D view of the model: drag to turn, right-drag or Shift-drag to move, wheel or pinch to zoom, arrow keys and +/− too, Home to reset"
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_up
                on:wheel=on_wheel
                on:keydown=on_key
                on:dblclick=move |_| move_camera(CameraMove::Reset)
                on:contextmenu=move |ev: web_sys::MouseEvent| ev.prevent_default()
            ></canvas>
            <Show when=move || !has_model.get() && failure.get().is_none()>
                <p class="viewer-empty">"The model appears here."</p>
            </Show>
            {move || failure.get().map(|message| view! { <p class="viewer-failure" role="alert">{message}</p> })}
        </div>
    }
}

/// Matches the drawing buffer to the canvas's displayed size in device pixels.
fn sync_size(canvas: &web_sys::HtmlCanvasElement) -> (u32, u32) {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let width = ((f64::from(canvas.client_width()) * ratio).round() as u32).max(1);
    let height = ((f64::from(canvas.client_height()) * ratio).round() as u32).max(1);
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    (width, height)
}

/// Draws on the next animation frame, once however many changes came first.
fn request_frame(shared: &Shared, canvas: &web_sys::HtmlCanvasElement) {
    if std::mem::replace(&mut shared.borrow_mut().frame_requested, true) {
        return;
    }
    let shared = shared.clone();
    let canvas = canvas.clone();
    request_animation_frame(move || {
        let mut viewer = shared.borrow_mut();
        viewer.frame_requested = false;
        let (width, height) = sync_size(&canvas);
        let Some(scene) = viewer.scene.as_mut() else { return };
        scene.render(width, height);
        if scene.has_model() {
            viewer.frames += 1;
            let _ = canvas.set_attribute("data-frames", &viewer.frames.to_string());
        }
    });
}
