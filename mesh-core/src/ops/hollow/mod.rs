//! Hollowing: a wall of a given thickness is left inside the model's
//! surface, the rest of the inside is taken out, and drain holes of a given
//! diameter open each hollow through the flat bottom, so that resin drains
//! out while printing and the model uses less of it.
//!
//! The outer surface is kept exactly. The hollow's surface is made from
//! voxels, one step per file: `grid.rs` decides which grid points lie
//! inside (winding along scanlines), `distance.rs` gives each its exact
//! Euclidean distance to the outside, `drain.rs` finds the hollows (points
//! farther than the wall) and a place for each one's drain and adds the
//! holes to the field, `contour.rs` makes the surface where the field
//! crosses zero (marching tetrahedra: closed, manifold, never crossing
//! itself), and `bottom.rs` cuts it at the bottom and triangulates the
//! bottom again with the drains' openings as holes.
//!
//! Invariants: on a closed, manifold, outward model the result is closed,
//! manifold and outward. The hollow's surface is about the wall from the
//! outer surface (at least the wall less half a voxel), so it cannot meet
//! it; where the model is thinner than twice the wall there is no hollow.
//! Each hollow gets a drain, or, when none fits under it, is left solid
//! (and counted in [`Hollowed::left_solid`]).
//!
//! Overlapping pieces (crowns standing on a plate) are hollowed one by
//! one: a hollow keeps its wall from every face, those inside the solid
//! too, so it never crosses one. A drain hole cannot pass through such a
//! face (the piece it enters would stay closed round the hole), so a
//! hollow reached only that way is left solid, and a model where every
//! hollow is is refused ([`HollowError::OverlappingPieces`]).
//!
//! Without a flat bottom there is no hollowing: a hollow without a drain
//! traps uncured resin, so [`HollowOptions::bottom`] is required and the
//! recipe refuses hollowing without a base.
//!
//! Large models: the grid holds at most 24 million points; a model
//! too large for that at the voxel size is hollowed with larger voxels (up
//! to half the wall, reported in [`Hollowed::voxel_mm`]), and beyond that
//! refused with the wall that would do ([`HollowError::GridTooLarge`]).

mod bottom;
mod contour;
mod distance;
mod drain;
mod error;
mod grid;

pub use drain::KeepClear;
pub use error::HollowError;

use self::bottom::{Unjoinable, open_through_bottom};
use self::drain::{Bore, Bottom, Drain, Fit, Voxels};
use self::grid::Grid;
use super::cap::CapFailure;
use super::plane::Plane;
use crate::label::{LabelFrame, flat_regions};
use crate::{IndexedMesh, Orientation, validate};

/// The thinnest and thickest walls, in mm.
pub(crate) const MIN_WALL_MM: f32 = 0.5;
pub(crate) const MAX_WALL_MM: f32 = 10.0;
/// The narrowest and widest drain holes, in mm: resin does not drain through less.
pub(crate) const MIN_DRAIN_MM: f32 = 1.0;
pub(crate) const MAX_DRAIN_MM: f32 = 10.0;
/// The smallest voxel, in mm.
pub(crate) const MIN_VOXEL_MM: f32 = 0.05;
/// The most grid points one model may use (about 5 bytes each).
pub(crate) const MAX_GRID_POINTS: usize = 24_000_000;
/// How many places under a hollow are tried for its drain.
const DRAIN_TRIES: usize = 2000;

/// How to hollow.
#[derive(Debug, Clone, PartialEq)]
pub struct HollowOptions {
    /// The flat bottom the drain holes go through: a point of it and its
    /// outward normal (`FlatBase::bottom`). It must be the model's lowest face.
    pub bottom: Plane,
    /// The wall left inside the surface, in mm (0.5 to 10).
    pub wall_mm: f32,
    /// The drain holes' diameter, in mm (1 to 10).
    pub drain_diameter_mm: f32,
    /// Where drain holes go (any point above the place on the bottom); a
    /// hollow that none of them reaches gets one placed automatically.
    pub drain_points: Vec<[f32; 3]>,
    /// Rectangles on the bottom that holes keep out of (the label's place).
    pub keep_clear: Vec<KeepClear>,
    /// The voxel size, in mm: smaller follows the surface more closely and
    /// takes longer (at most half the wall is used).
    pub voxel_mm: f32,
}

impl HollowOptions {
    /// A 2 mm wall and 3 mm drains placed automatically, on 0.3 mm voxels.
    pub fn new(bottom: Plane) -> Self {
        HollowOptions {
            bottom,
            wall_mm: 2.0,
            drain_diameter_mm: 3.0,
            drain_points: Vec::new(),
            keep_clear: Vec::new(),
            voxel_mm: 0.3,
        }
    }
}

/// The hollowed model and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Hollowed {
    pub mesh: IndexedMesh,
    /// The model's volume before and after, in mm³.
    pub volume_before_mm3: f64,
    pub volume_after_mm3: f64,
    /// The centre of each drain hole's opening on the bottom.
    pub drains: Vec<[f32; 3]>,
    /// Hollows too small for a drain hole, left solid.
    pub left_solid: usize,
    /// The voxel size used, in mm.
    pub voxel_mm: f32,
}

impl Hollowed {
    /// The share of the volume taken out, in percent.
    pub fn saved_percent(&self) -> f64 {
        if self.volume_before_mm3 > 0.0 { 100.0 * (1.0 - self.volume_after_mm3 / self.volume_before_mm3) } else { 0.0 }
    }
}

/// Hollows `mesh` as `options` say. The model must be closed, manifold and
/// outward (repair it first) and stand on the flat bottom `options.bottom`.
pub fn hollow(mesh: &IndexedMesh, options: &HollowOptions) -> Result<Hollowed, HollowError> {
    let wall = options.wall_mm;
    if !(wall.is_finite() && (MIN_WALL_MM..=MAX_WALL_MM).contains(&wall)) {
        return Err(HollowError::Wall { got: wall });
    }
    let diameter = options.drain_diameter_mm;
    if !(diameter.is_finite() && (MIN_DRAIN_MM..=MAX_DRAIN_MM).contains(&diameter)) {
        return Err(HollowError::DrainDiameter { got: diameter });
    }
    let voxel = options.voxel_mm;
    if !(voxel.is_finite() && voxel >= MIN_VOXEL_MM) {
        return Err(HollowError::VoxelSize { got: voxel });
    }
    let (origin, normal) = (options.bottom.origin, options.bottom.normal);
    let plane = options.bottom.checked().ok_or(HollowError::InvalidBottom { origin, normal })?;
    if let Some(&at) = options.drain_points.iter().find(|p| p.iter().any(|c| !c.is_finite())) {
        return Err(HollowError::DrainMisplaced { at, clearance_mm: 0.0 });
    }
    let Some(bounds) = mesh.bounds().filter(|_| !mesh.is_empty()) else { return Err(HollowError::Empty) };
    let before = validate(mesh);
    if !before.watertight {
        let holes = before.boundary_loops.iter().sum();
        return Err(HollowError::NotClosed { holes, non_manifold: before.non_manifold_edges });
    }
    if before.orientation != (Orientation::Consistent { outward: true }) {
        return Err(HollowError::NotOutward);
    }

    // The bottom: the model's lowest face, flat, with room for the openings.
    let size = bounds.size().iter().map(|&s| f64::from(s)).fold(1.0, f64::max);
    let tolerance = 1e-5 * size;
    let lowest = mesh.positions.iter().max_by(|a, b| plane.distance(**a).total_cmp(&plane.distance(**b)));
    if let Some(&at) = lowest.filter(|&&p| plane.distance(p) > tolerance) {
        return Err(HollowError::BelowBottom { below: plane.distance(at), at });
    }
    let frame = LabelFrame::new(&plane, 0.0);
    let regions = flat_regions(mesh, &plane, &frame, tolerance);
    if regions.is_empty() {
        return Err(HollowError::BottomNotFound { origin, normal });
    }

    let (min, max) = (bounds.min.map(f64::from), bounds.max.map(f64::from));
    let mut step = f64::from(voxel).min(f64::from(wall) / 2.0);
    let points = Grid::points_around(min, max, step);
    if points > MAX_GRID_POINTS as f64 {
        // Larger voxels, by the cube root of the excess and a little more for the padding.
        step *= (points / MAX_GRID_POINTS as f64).cbrt() * 1.02;
        if step > f64::from(wall) / 2.0 {
            return Err(HollowError::GridTooLarge { size_mm: bounds.size(), wall, least_wall: 2.0 * step });
        }
    }
    let grid = Grid::around(min, max, step);
    let inside = grid.inside(&mesh.positions, &mesh.triangles);
    let near = grid.near_surface(&mesh.positions, &mesh.triangles);
    let interior: Vec<bool> = inside.iter().zip(&near).map(|(&inside, &near)| inside && !near).collect();
    let distance = distance::squared_distance_to_outside(&grid, &interior);
    drop(interior);
    // Distances run from grid points within a step of the surface, on
    // either side of it: the surface is within a step of the nearest.
    let level = f64::from(wall);
    let mut field: Vec<f32> = distance.iter().map(|&d| (f64::from(d).sqrt() * step - level) as f32).collect();
    drop(distance);

    let hollows = drain::hollows(&grid, &field);
    if hollows.is_empty() {
        let deepest = field.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        return Err(HollowError::TooThin { wall, thickest_mm: 2.0 * (f64::from(deepest) + level + step / 2.0) });
    }
    let bottom = Bottom { origin: plane.origin, up: plane.normal.map(|c| -c) };
    let radius = f64::from(diameter) / 2.0;
    let bore = Bore { radius, clearance: (f64::from(wall) / 2.0).max(2.0 * step) };

    let voxels = Voxels { grid: &grid, inside: &inside, near: &near, bottom };
    // Holes at the chosen points first; each drains the hollow it reaches.
    let mut drains: Vec<Drain> = Vec::new();
    let mut drained = vec![false; hollows.len()];
    for &at in &options.drain_points {
        let misplaced = HollowError::DrainMisplaced { at, clearance_mm: bore.clearance };
        let (drain, top_point) =
            drain::chosen(&grid, &field, &bottom, radius, at.map(f64::from)).ok_or(misplaced.clone())?;
        if voxels.fit(bore, drain.foot, drain.top) != Fit::Fits {
            return Err(misplaced);
        }
        if options.keep_clear.iter().any(|area| area.meets(drain.foot, radius)) {
            return Err(HollowError::DrainInKeepClear { at });
        }
        if let Some(h) = hollows.iter().position(|h| h.contains(&top_point)) {
            drained[h] = true;
        }
        drains.push(drain);
    }
    let mut left_solid = 0;
    let mut crossed_face = false;
    for (hollow, drained) in hollows.iter().zip(&drained) {
        if *drained {
            continue;
        }
        match voxels.place(bore, hollow, &options.keep_clear, DRAIN_TRIES) {
            Ok(drain) => drains.push(drain),
            Err(crossed) => {
                crossed_face |= crossed;
                left_solid += 1;
                for &p in hollow {
                    field[p] = -level as f32;
                }
            }
        }
    }
    if drains.is_empty() && crossed_face {
        return Err(HollowError::OverlappingPieces { hollows: hollows.len() });
    }
    if drains.is_empty() {
        return Err(HollowError::NoRoomForDrain { hollows: hollows.len(), diameter, clearance_mm: bore.clearance });
    }
    for drain in &drains {
        drain::bore(&grid, &mut field, &bottom, radius, *drain);
    }
    drop((inside, near));

    let surface = contour::contour(&grid, &field);
    let result = open_through_bottom(mesh, &surface, &plane, &frame, &regions).map_err(|failure| {
        let at = match failure {
            Unjoinable::OffTheBottom { at } => at,
            Unjoinable::Cap(
                CapFailure::Coincident { at } | CapFailure::Crossing { at } | CapFailure::Overlapping { at },
            ) => at,
        };
        HollowError::Unbuildable { at }
    })?;
    let after = validate(&result);
    Ok(Hollowed {
        mesh: result,
        volume_before_mm3: before.signed_volume,
        volume_after_mm3: after.signed_volume,
        drains: drains.iter().map(|d| d.foot.map(|c| c as f32)).collect(),
        left_solid,
        voxel_mm: step as f32,
    })
}
