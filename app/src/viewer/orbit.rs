//! The viewer's camera: framing a model, and turning pointer, wheel, touch
//! and key input into orbit, pan and zoom.
//!
//! Pure arithmetic over three-d's camera, with no DOM: the component feeds
//! it deltas in CSS pixels.

use three_d::{Camera, InnerSpace, Vec3, Viewport, degrees, vec3};

use mesh_core::Bounds;

const FIELD_OF_VIEW_DEGREES: f32 = 35.0;
/// Radians of orbit per CSS pixel dragged.
const ORBIT_PER_PIXEL: f32 = 0.008;

/// A camera that looks at a model and can be moved around it.
#[derive(Debug)]
pub(super) struct Orbit {
    pub(super) camera: Camera,
    /// The radius of the model's bounding sphere, which scales every motion.
    radius: f32,
    home: (Vec3, Vec3),
}

impl Orbit {
    /// A camera looking at the whole of `bounds` from the front and above
    /// (dental models are exported with +Z up, towards the occlusal plane).
    pub(super) fn framing(bounds: Bounds, viewport: Viewport) -> Orbit {
        let center = Vec3::from(bounds.center());
        let size = Vec3::from(bounds.size());
        let radius = (size.magnitude() * 0.5).max(1.0);
        let distance = radius / (FIELD_OF_VIEW_DEGREES.to_radians() * 0.5).sin() * 1.05;
        let position = center + vec3(0.0, -0.8, 0.6).normalize() * distance;
        let camera = Camera::new_perspective(
            viewport,
            position,
            center,
            vec3(0.0, 0.0, 1.0),
            degrees(FIELD_OF_VIEW_DEGREES),
            distance * 0.01,
            distance * 20.0,
        );
        Orbit { camera, radius, home: (position, center) }
    }

    pub(super) fn reset(&mut self) {
        let (position, target) = self.home;
        self.camera.set_view(position, target, vec3(0.0, 0.0, 1.0));
    }

    /// Turns the model under a drag of `dx`, `dy` CSS pixels.
    pub(super) fn orbit(&mut self, dx: f32, dy: f32) {
        let target = self.camera.target();
        self.camera.rotate_around_with_fixed_up(target, -dx * ORBIT_PER_PIXEL, dy * ORBIT_PER_PIXEL);
    }

    /// Slides the view so the model follows a drag of `dx`, `dy` CSS pixels.
    pub(super) fn pan(&mut self, dx: f32, dy: f32, viewport_height: f32) {
        let distance = (self.camera.position() - self.camera.target()).magnitude();
        let per_pixel = 2.0 * distance * (FIELD_OF_VIEW_DEGREES.to_radians() * 0.5).tan() / viewport_height.max(1.0);
        let right = self.camera.right_direction();
        let up = right.cross(self.camera.view_direction()).normalize();
        let shift = (right * -dx + up * dy) * per_pixel;
        let (position, target, camera_up) = (self.camera.position(), self.camera.target(), self.camera.up());
        self.camera.set_view(position + shift, target + shift, camera_up);
    }

    /// Zooms by `factor` (> 1 moves closer), within sensible distances.
    pub(super) fn zoom(&mut self, factor: f32) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let distance = (self.camera.position() - self.camera.target()).magnitude();
        let delta = distance - distance / factor;
        self.camera.zoom(delta, self.radius * 0.05, self.radius * 10.0);
    }
}
