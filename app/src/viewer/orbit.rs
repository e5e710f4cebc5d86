//! The viewer's camera: framing a model, and turning pointer, wheel, touch
//! and key input into orbit, pan and zoom.
//!
//! Pure arithmetic over three-d's camera, with no DOM: the component feeds
//! it deltas in CSS pixels.

use three_d::{Camera, InnerSpace, Vec3, Viewport, degrees, vec3};

use mesh_core::Bounds;

use super::views::{StandardView, UP};

const FIELD_OF_VIEW_DEGREES: f32 = 35.0;
/// Radians of orbit per CSS pixel dragged.
const ORBIT_PER_PIXEL: f32 = 0.008;

/// One change of view, from whichever input asked for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum CameraMove {
    /// Turn around the target by a drag of CSS pixels.
    Orbit { dx: f32, dy: f32 },
    /// Slide the view by a drag of CSS pixels.
    Pan { dx: f32, dy: f32 },
    /// Move closer (factor > 1) or away.
    Zoom(f32),
    /// Two fingers: their spread zooms, their common motion pans.
    PinchPan { zoom: f32, dx: f32, dy: f32 },
    /// Back to the framing the model was shown with.
    Reset,
}

impl CameraMove {
    /// What one pointer's move means, given the other pointers down.
    pub(super) fn from_pointer(previous: (f32, f32), now: (f32, f32), others: &[(f32, f32)], pan: bool) -> Self {
        let (dx, dy) = (now.0 - previous.0, now.1 - previous.1);
        match others.first() {
            Some(&other) => {
                let spread = |p: (f32, f32)| ((p.0 - other.0).powi(2) + (p.1 - other.1).powi(2)).sqrt().max(1.0);
                CameraMove::PinchPan { zoom: spread(now) / spread(previous), dx: dx * 0.5, dy: dy * 0.5 }
            }
            None if pan => CameraMove::Pan { dx, dy },
            None => CameraMove::Orbit { dx, dy },
        }
    }

    /// What a key means to the viewer, if anything.
    pub(super) fn from_key(key: &str) -> Option<Self> {
        const STEP: f32 = 24.0;
        Some(match key {
            "ArrowLeft" => CameraMove::Orbit { dx: -STEP, dy: 0.0 },
            "ArrowRight" => CameraMove::Orbit { dx: STEP, dy: 0.0 },
            "ArrowUp" => CameraMove::Orbit { dx: 0.0, dy: -STEP },
            "ArrowDown" => CameraMove::Orbit { dx: 0.0, dy: STEP },
            "+" | "=" => CameraMove::Zoom(1.2),
            "-" | "_" => CameraMove::Zoom(1.0 / 1.2),
            "Home" | "r" | "R" => CameraMove::Reset,
            _ => return None,
        })
    }
}

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
    /// (scans are exported with +Y the occlusal axis and +Z towards the
    /// incisors: see `views.rs`).
    pub(super) fn framing(bounds: Bounds, viewport: Viewport) -> Orbit {
        let center = Vec3::from(bounds.center());
        let radius = radius_of(bounds);
        let distance = distance_for(radius);
        let position = center + vec3(0.0, 0.6, 0.8).normalize() * distance;
        let camera = Camera::new_perspective(
            viewport,
            position,
            center,
            Vec3::from(UP),
            degrees(FIELD_OF_VIEW_DEGREES),
            distance * 0.01,
            distance * 20.0,
        );
        Orbit { camera, radius, home: (position, center) }
    }

    /// Looks at `bounds` (a part of what was framed) from `view`, whole.
    pub(super) fn look(&mut self, view: StandardView, bounds: Bounds) {
        let center = Vec3::from(bounds.center());
        let distance = distance_for(radius_of(bounds));
        let position = center + Vec3::from(view.towards_camera()) * distance;
        self.camera.set_view(position, center, Vec3::from(view.up()));
    }

    /// The ray under a point of the canvas in CSS pixels from its top left:
    /// origin and unit direction, in model coordinates.
    pub(super) fn ray_at(&self, x: f32, y: f32, css_width: f32, css_height: f32) -> ([f32; 3], [f32; 3]) {
        let viewport = self.camera.viewport();
        let pixel =
            (x / css_width.max(1.0) * viewport.width as f32, (1.0 - y / css_height.max(1.0)) * viewport.height as f32);
        let origin = self.camera.position_at_pixel(pixel);
        let direction = self.camera.view_direction_at_pixel(pixel);
        (origin.into(), direction.into())
    }

    /// The radius of the framed bounds' sphere: the scale of marks drawn over the model.
    pub(super) fn radius(&self) -> f32 {
        self.radius
    }

    /// Applies `change`; `viewport_height` is in CSS pixels.
    pub(super) fn apply(&mut self, change: CameraMove, viewport_height: f32) {
        match change {
            CameraMove::Orbit { dx, dy } => self.orbit(dx, dy),
            CameraMove::Pan { dx, dy } => self.pan(dx, dy, viewport_height),
            CameraMove::Zoom(factor) => self.zoom(factor),
            CameraMove::PinchPan { zoom, dx, dy } => {
                self.zoom(zoom);
                self.pan(dx, dy, viewport_height);
            }
            CameraMove::Reset => self.reset(),
        }
    }

    fn reset(&mut self) {
        let (position, target) = self.home;
        self.camera.set_view(position, target, Vec3::from(UP));
    }

    /// Turns the model under a drag of `dx`, `dy` CSS pixels.
    fn orbit(&mut self, dx: f32, dy: f32) {
        let target = self.camera.target();
        self.camera.rotate_around_with_fixed_up(target, -dx * ORBIT_PER_PIXEL, dy * ORBIT_PER_PIXEL);
    }

    /// Slides the view so the model follows a drag of `dx`, `dy` CSS pixels.
    fn pan(&mut self, dx: f32, dy: f32, viewport_height: f32) {
        let distance = (self.camera.position() - self.camera.target()).magnitude();
        let per_pixel = 2.0 * distance * (FIELD_OF_VIEW_DEGREES.to_radians() * 0.5).tan() / viewport_height.max(1.0);
        let right = self.camera.right_direction();
        let up = right.cross(self.camera.view_direction()).normalize();
        let shift = (right * -dx + up * dy) * per_pixel;
        let (position, target, camera_up) = (self.camera.position(), self.camera.target(), self.camera.up());
        self.camera.set_view(position + shift, target + shift, camera_up);
    }

    /// Zooms by `factor` (> 1 moves closer), within sensible distances.
    fn zoom(&mut self, factor: f32) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let distance = (self.camera.position() - self.camera.target()).magnitude();
        let delta = distance - distance / factor;
        // Never nearer the target than the framed sphere's radius: the camera stays outside the model.
        self.camera.zoom(delta, self.radius, self.radius * 10.0);
    }
}

/// The radius of the sphere around `bounds` (at least 1 mm, so a point still shows).
fn radius_of(bounds: Bounds) -> f32 {
    (Vec3::from(bounds.size()).magnitude() * 0.5).max(1.0)
}

/// How far the camera stands to see a sphere of `radius` whole.
fn distance_for(radius: f32) -> f32 {
    radius / (FIELD_OF_VIEW_DEGREES.to_radians() * 0.5).sin() * 1.05
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::views::Arch;

    fn box_around_origin() -> Bounds {
        Bounds { min: [-30.0, -6.0, -29.0], max: [32.0, 6.0, 19.0] }
    }

    /// The ray through the middle of a 400 × 300 canvas.
    fn centre_ray(orbit: &Orbit) -> ([f32; 3], [f32; 3]) {
        orbit.ray_at(200.0, 150.0, 400.0, 300.0)
    }

    fn assert_near(a: [f32; 3], b: [f32; 3], tolerance: f32) {
        let off = (0..3).map(|i| (a[i] - b[i]).abs()).fold(0.0, f32::max);
        assert!(off < tolerance, "{a:?} is not {b:?}");
    }

    #[test]
    fn the_framed_camera_looks_at_the_middle_of_the_box_from_the_front_and_above() {
        let orbit = Orbit::framing(box_around_origin(), Viewport::new_at_origo(400, 300));
        let (origin, direction) = centre_ray(&orbit);
        assert!(origin[1] > 0.0 && origin[2] > 0.0, "above (+Y) and in front (+Z): {origin:?}");
        // The ray through the middle passes the box's centre.
        let centre = box_around_origin().center();
        let to_centre: [f32; 3] = std::array::from_fn(|i| centre[i] - origin[i]);
        let along: f32 = (0..3).map(|i| to_centre[i] * direction[i]).sum();
        assert_near(std::array::from_fn(|i| origin[i] + direction[i] * along), centre, 1e-3);
    }

    #[test]
    fn standard_views_look_along_their_axis_at_the_box_they_are_given() {
        let mut orbit = Orbit::framing(box_around_origin(), Viewport::new_at_origo(400, 300));
        orbit.look(StandardView::Front, box_around_origin());
        assert_near(centre_ray(&orbit).1, [0.0, 0.0, -1.0], 1e-4);
        let lower = Bounds { min: [0.0, -20.0, 0.0], max: [10.0, -10.0, 10.0] };
        orbit.look(StandardView::Occlusal(Arch::Lower), lower);
        let (origin, direction) = centre_ray(&orbit);
        assert_near(direction, [0.0, -1.0, 0.0], 1e-4);
        assert_near([origin[0], 0.0, origin[2]], [5.0, 0.0, 5.0], 1e-3);
        // The upper arch's teeth face −Y: it is seen from below.
        orbit.look(StandardView::Occlusal(Arch::Upper), lower);
        assert_near(centre_ray(&orbit).1, [0.0, 1.0, 0.0], 1e-4);
    }

    #[test]
    fn zooming_in_stops_outside_the_framed_model() {
        let mut orbit = Orbit::framing(box_around_origin(), Viewport::new_at_origo(400, 300));
        for _ in 0..20 {
            orbit.apply(CameraMove::Zoom(1.5), 300.0);
        }
        let distance = (orbit.camera.position() - orbit.camera.target()).magnitude();
        assert!(
            distance >= orbit.radius() * 0.999,
            "{distance} from the target, the model's radius {}",
            orbit.radius()
        );
    }

    #[test]
    fn a_ray_off_centre_leans_towards_its_side() {
        let mut orbit = Orbit::framing(box_around_origin(), Viewport::new_at_origo(400, 300));
        orbit.look(StandardView::Front, box_around_origin());
        let (_, right) = orbit.ray_at(390.0, 150.0, 400.0, 300.0);
        let (_, top) = orbit.ray_at(200.0, 10.0, 400.0, 300.0);
        assert!(right[0] > 0.1 && top[1] > 0.1, "right {right:?}, top {top:?}");
    }

    #[test]
    fn one_pointer_orbits_and_pans_with_shift() {
        assert_eq!(
            CameraMove::from_pointer((0.0, 0.0), (3.0, 4.0), &[], false),
            CameraMove::Orbit { dx: 3.0, dy: 4.0 }
        );
        assert_eq!(CameraMove::from_pointer((0.0, 0.0), (3.0, 4.0), &[], true), CameraMove::Pan { dx: 3.0, dy: 4.0 });
    }

    #[test]
    fn spreading_two_fingers_zooms_in() {
        let change = CameraMove::from_pointer((10.0, 0.0), (20.0, 0.0), &[(0.0, 0.0)], false);
        assert_eq!(change, CameraMove::PinchPan { zoom: 2.0, dx: 5.0, dy: 0.0 });
    }

    #[test]
    fn keys_map_to_moves_and_others_are_left_alone() {
        assert_eq!(CameraMove::from_key("Home"), Some(CameraMove::Reset));
        assert_eq!(CameraMove::from_key("+"), Some(CameraMove::Zoom(1.2)));
        assert_eq!(CameraMove::from_key("a"), None);
    }
}
