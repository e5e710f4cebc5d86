//! The 3D viewer: a `<canvas>` drawn by three-d over WebGL2, with orbit
//! (drag), pan (right-drag or Shift-drag, two fingers), zoom (wheel, pinch,
//! +/−), keyboard control, and reset (double-click, Home or R). A page
//! hands it a [`ViewerContent`] (one model on the Inspect page, two arches
//! with marks and highlights on the case page), may steer the camera through
//! a [`ViewerControl`], and may ask for the model point under a tap.
//!
//! It draws only when something changes, so an idle viewer costs nothing;
//! the canvas's `data-frames` attribute counts frames drawn with a model.

mod content;
pub(crate) mod difference;
mod gl;
mod orbit;
pub(crate) mod pick;
mod scene;
mod views;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use mesh_core::Bounds;
use three_d::Viewport;

pub(crate) use content::{Layer, MODEL_COLOUR, Marks, Paint, SECOND_MODEL_COLOUR, ViewerContent, union};
use orbit::CameraMove;
use scene::Scene;
pub(crate) use views::{Arch, StandardView};

/// A tap that moves less than this (CSS pixels) is a tap, not a drag.
const TAP_SLOP: f32 = 6.0;

/// The viewer's state that lives outside Leptos's reactive system (WebGL
/// objects are neither `Send` nor `Clone`).
#[derive(Debug, Default)]
struct ViewerState {
    scene: Option<Scene>,
    /// Active pointers by id: position in CSS pixels.
    pointers: BTreeMap<i32, (f32, f32)>,
    /// Where the single pointer down went down, while it may still be a tap.
    tap_start: Option<(f32, f32)>,
    frames: u32,
    frame_requested: bool,
}

type Shared = Rc<RefCell<ViewerState>>;

/// A handle on one viewer for the page around it: standard views and reset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViewerControl {
    state: StoredValue<Shared, LocalStorage>,
    canvas: NodeRef<leptos::html::Canvas>,
}

impl ViewerControl {
    pub(crate) fn new() -> ViewerControl {
        ViewerControl { state: StoredValue::new_local(Shared::default()), canvas: NodeRef::new() }
    }

    /// Looks at `bounds` (or all that is framed) from `view`.
    pub(crate) fn look(self, view: StandardView, bounds: Option<Bounds>) {
        self.with_orbit(|orbit, framed| {
            if let Some(bounds) = bounds.or(framed) {
                orbit.look(view, bounds);
            }
        });
    }

    /// Back to the framing the content was shown with.
    pub(crate) fn reset(self) {
        self.with_orbit(|orbit, _| orbit.apply(CameraMove::Reset, 1.0));
    }

    fn with_orbit(self, change: impl FnOnce(&mut orbit::Orbit, Option<Bounds>)) {
        let Some(element) = self.canvas.get_untracked() else { return };
        let Some(shared) = self.state.try_get_value() else { return };
        if let Some(scene) = shared.borrow_mut().scene.as_mut() {
            let framed = scene.framed();
            if let Some(orbit) = scene.orbit_mut() {
                change(orbit, framed);
            }
        }
        request_frame(&shared, &element);
    }
}

#[component]
pub(crate) fn Viewer(
    /// What to draw.
    #[prop(into)]
    content: Signal<ViewerContent>,
    /// The page's handle on the camera; a viewer of its own when absent.
    #[prop(optional)]
    control: Option<ViewerControl>,
    /// Called with the model point under a tap or click, while `picking` is true.
    #[prop(optional)]
    on_pick: Option<Callback<[f32; 3]>>,
    #[prop(optional, into)] picking: Option<Signal<bool>>,
    /// Describes the view for screen readers.
    #[prop(default = "3D view of the model")]
    label: &'static str,
) -> impl IntoView {
    let control = control.unwrap_or_else(ViewerControl::new);
    let (canvas, state) = (control.canvas, control.state);
    let failure = RwSignal::new(None::<String>);
    let has_model = RwSignal::new(false);
    let picking = move || picking.is_some_and(|picking| picking.get());

    // Start the GL context once the canvas is in the page, then show every
    // content the page hands over.
    Effect::new(move |_| {
        let content = content.get();
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
            scene.show(&content, Viewport::new_at_origo(width, height));
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
        let shared = state.get_value();
        let mut viewer = shared.borrow_mut();
        let position = (ev.client_x() as f32, ev.client_y() as f32);
        viewer.pointers.insert(ev.pointer_id(), position);
        viewer.tap_start = (viewer.pointers.len() == 1).then_some(position);
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
            if viewer.tap_start.is_some_and(|start| spread(start, position) > TAP_SLOP) {
                viewer.tap_start = None;
            }
            CameraMove::from_pointer(previous, position, &others, ev.shift_key() || ev.buttons() & 2 != 0)
        };
        move_camera(change);
    };
    let on_pointer_up = move |ev: web_sys::PointerEvent| {
        let tapped = {
            let shared = state.get_value();
            let mut viewer = shared.borrow_mut();
            viewer.pointers.remove(&ev.pointer_id());
            viewer.tap_start.take().filter(|_| viewer.pointers.is_empty())
        };
        let (Some(_), Some(on_pick), Some(element)) = (tapped, on_pick, canvas.get_untracked()) else { return };
        if !picking() || ev.button() > 0 {
            return;
        }
        let rect = element.get_bounding_client_rect();
        let (x, y) = (ev.client_x() as f32 - rect.left() as f32, ev.client_y() as f32 - rect.top() as f32);
        let point = state
            .get_value()
            .borrow()
            .scene
            .as_ref()
            .and_then(|scene| scene.pick(x, y, rect.width() as f32, rect.height() as f32));
        if let Some(point) = point {
            on_pick.run(point);
        }
    };
    let on_pointer_cancel = move |ev: web_sys::PointerEvent| {
        let shared = state.get_value();
        let mut viewer = shared.borrow_mut();
        viewer.pointers.remove(&ev.pointer_id());
        viewer.tap_start = None;
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        move_camera(CameraMove::Zoom((-(ev.delta_y() as f32) * 0.0015).exp()));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if let Some(change) = CameraMove::from_key(&ev.key()) {
            ev.prevent_default();
            ev.stop_propagation();
            move_camera(change);
        }
    };
    let on_resize = move |_| redraw();
    let resize_handle = window_event_listener(leptos::ev::resize, on_resize);
    on_cleanup(move || resize_handle.remove());

    let aria = format!(
        "{label}: drag to turn, right-drag or Shift-drag to move, wheel or pinch to zoom, arrow keys and +/− too, Home to reset"
    );
    view! {
        <div class="viewer" class:picking=picking>
            <canvas
                node_ref=canvas
                data-testid="viewer"
                data-frames="0"
                tabindex="0"
                aria-label=aria
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_cancel
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

fn spread(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
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
