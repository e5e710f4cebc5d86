//! A cutting plane: a point on it and the direction of its normal, checked
//! once ([`Plane::checked`]) and then measured against in `f64`.

use crate::vector::{dot, plane_axes, sub};

/// A plane through `origin`, facing `normal` (any length but zero).
///
/// Cuts keep the side the normal points **away from**: the normal points
/// out of what is kept, towards what is cut off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plane {
    /// A point of the plane, in mm.
    pub origin: [f32; 3],
    /// The plane's normal, towards the part that is removed.
    pub normal: [f32; 3],
}

impl Plane {
    pub fn new(origin: [f32; 3], normal: [f32; 3]) -> Self {
        Plane { origin, normal }
    }

    /// The plane through `origin` facing `+axis` (0 = X, 1 = Y, 2 = Z; any
    /// other is Z) when `towards_plus`, else `−axis`.
    pub fn axis_aligned(axis: usize, level_mm: f32, towards_plus: bool) -> Self {
        let axis = axis.min(2);
        let mut origin = [0.0; 3];
        origin[axis] = level_mm;
        let mut normal = [0.0; 3];
        normal[axis] = if towards_plus { 1.0 } else { -1.0 };
        Plane { origin, normal }
    }

    /// The plane in `f64` with a unit normal, or `None` when the normal has
    /// no direction (zero, or not finite) or the origin is not finite.
    pub(crate) fn checked(&self) -> Option<UnitPlane> {
        let normal = self.normal.map(f64::from);
        let length = dot(normal, normal).sqrt();
        let finite = self.origin.iter().chain(&self.normal).all(|c| c.is_finite());
        if !finite || !length.is_finite() || length < 1e-12 {
            return None;
        }
        let normal = normal.map(|c| c / length);
        let origin = self.origin.map(f64::from);
        let (u, w) = plane_axes(normal);
        Some(UnitPlane { origin, normal, offset: dot(origin, normal), u, w })
    }
}

/// A checked plane: unit normal, and two in-plane axes for 2D work.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UnitPlane {
    pub(crate) origin: [f64; 3],
    pub(crate) normal: [f64; 3],
    /// `origin · normal`: the plane's level along the normal.
    offset: f64,
    /// In-plane axes with `u × w = normal`.
    u: [f64; 3],
    w: [f64; 3],
}

impl UnitPlane {
    /// Signed distance of `p` from the plane: positive on the side the normal points to.
    pub(crate) fn distance(&self, p: [f32; 3]) -> f64 {
        dot(p.map(f64::from), self.normal) - self.offset
    }

    /// The level of the plane along its normal (`origin · normal`).
    pub(crate) fn level(&self) -> f64 {
        self.offset
    }

    /// `p` in the plane's own 2D coordinates (counter-clockwise seen from the normal's side).
    pub(crate) fn in_plane(&self, p: [f32; 3]) -> [f64; 2] {
        let d = sub(p.map(f64::from), self.origin);
        [dot(d, self.u), dot(d, self.w)]
    }

    /// The point of the plane at the 2D coordinates `q` ([`UnitPlane::in_plane`]'s inverse).
    pub(crate) fn point_at(&self, q: [f64; 2]) -> [f64; 3] {
        [0, 1, 2].map(|i| self.origin[i] + q[0] * self.u[i] + q[1] * self.w[i])
    }

    /// The same plane moved `by` mm along its normal.
    pub(crate) fn shifted(&self, by: f64) -> UnitPlane {
        let origin = [0, 1, 2].map(|i| self.origin[i] + by * self.normal[i]);
        UnitPlane { origin, offset: self.offset + by, ..*self }
    }

    /// "z = 12.50 mm" for a plane facing an axis, "12.50 mm along (0.60, 0.00, 0.80)" otherwise:
    /// how messages name a level along the normal.
    pub(crate) fn describe_level(&self, level: f64) -> String {
        let axis = self.normal.iter().position(|c| c.abs() > 1.0 - 1e-9);
        match axis {
            Some(axis) => {
                let name = ["x", "y", "z"][axis];
                // Along −axis the level is the coordinate's negative.
                let coordinate = level * self.normal[axis].signum();
                format!("{name} = {coordinate:.2} mm")
            }
            None => {
                let [x, y, z] = self.normal;
                format!("{level:.2} mm along ({x:.2}, {y:.2}, {z:.2})")
            }
        }
    }

    /// Like [`UnitPlane::describe_level`], for the range `from..to` of levels ("z from 0.00 to 10.00 mm").
    pub(crate) fn describe_range(&self, from: f64, to: f64) -> String {
        let axis = self.normal.iter().position(|c| c.abs() > 1.0 - 1e-9);
        match axis {
            Some(axis) => {
                let name = ["x", "y", "z"][axis];
                let sign = self.normal[axis].signum();
                let (a, b) = ((from * sign).min(to * sign), (from * sign).max(to * sign));
                format!("{name} from {a:.2} to {b:.2} mm")
            }
            None => format!("from {from:.2} to {to:.2} mm along the normal"),
        }
    }
}
