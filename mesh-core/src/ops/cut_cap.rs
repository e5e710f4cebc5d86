//! Plane cut with cap: cut a model by any plane, keep the side the normal
//! points away from, and close the cut with flat faces in the plane.
//!
//! The cut ([`super::half_space`]) shares one new vertex per crossing edge
//! between the two faces of that edge, so the outline on the plane is made
//! of closed loops wherever the model was closed; the cap
//! ([`super::cap`]) is triangulated on exactly those vertices. The result
//! is closed and consistently wound by construction, facing outward when
//! the model did: the cap faces the plane's normal.

use super::cap::{CapFailure, cap_each_piece};
use super::half_space::{Extent, clip, sides};
use super::outline::{Loops, chain, twice_signed_area};
use super::plane::{Plane, UnitPlane};
use crate::{IndexedMesh, Orientation, validate};

/// How to cut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneCutOptions {
    /// The cutting plane; what its normal points to is removed.
    pub plane: Plane,
    /// Close the cut with faces in the plane (the default). Without a cap
    /// the kept part is left open along the cut, as a surface.
    pub cap: bool,
}

impl PlaneCutOptions {
    /// A capped cut by `plane`.
    pub fn new(plane: Plane) -> Self {
        PlaneCutOptions { plane, cap: true }
    }
}

/// The kept part of the model and what the cut left on the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaneCut {
    pub mesh: IndexedMesh,
    pub outline: CutOutline,
    /// Faces added to close the cut (0 without a cap).
    pub cap_faces: usize,
}

/// The loops the cut leaves on the plane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CutOutline {
    /// Closed loops in all.
    pub loops: usize,
    /// Loops that bound a region of the cap from outside …
    pub outer: usize,
    /// … and loops that bound a hole in one (a cut through a ring gives one of each).
    pub holes: usize,
    /// Outline edges that do not close into a loop: the cut crosses a hole
    /// of the model. Only an uncapped cut can have them.
    pub open_edges: usize,
}

/// Why a model could not be cut (or the cut not closed).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaneCutError {
    #[error(
        "the cutting plane's normal ({}, {}, {}) has no direction; give a normal that is not zero, such as (0, 0, 1)",
        normal[0], normal[1], normal[2]
    )]
    DegenerateNormal { normal: [f32; 3] },
    #[error("the cutting plane's point ({}, {}, {}) is not a finite position; give a point in mm", origin[0], origin[1], origin[2])]
    InvalidOrigin { origin: [f32; 3] },
    #[error("the model has no triangles, so there is nothing to cut; open a model first")]
    EmptyModel,
    #[error("the plane at {plane} lies above the model ({model}), so nothing would be cut off; move it into the model")]
    AboveModel { plane: String, model: String },
    #[error(
        "the plane at {plane} lies below the model ({model}), so all of it would be cut off; move it into the model"
    )]
    BelowModel { plane: String, model: String },
    #[error(
        "the model is not closed (it has {holes} {}) and the cut crosses an opening, so the cut cannot be closed; \
         repair the model first (close its holes), or move the plane past the opening",
        if *holes == 1 { "hole" } else { "holes" }
    )]
    NotClosed { holes: usize },
    #[error(
        "the model's faces disagree on which way they face ({misoriented_edges} edges), so the cut's outline does not \
         close; repair the model first (fix its orientation)"
    )]
    InconsistentWinding { misoriented_edges: usize },
    #[error(
        "the cut's outline touches itself at ({:.2}, {:.2}, {:.2}) because the model touches itself there; \
         repair the model, or move the plane a little",
        at[0], at[1], at[2]
    )]
    TouchingOutline { at: [f32; 3] },
    #[error(
        "the cut's outline crosses itself near ({:.2}, {:.2}, {:.2}) because the model intersects itself there; \
         repair the model, or move the plane a little",
        at[0], at[1], at[2]
    )]
    CrossingOutline { at: [f32; 3] },
    #[error(
        "the cut's outline has overlapping loops near ({:.2}, {:.2}, {:.2}): the model has overlapping pieces or \
         faces that face inward; repair the model (fix its orientation), or move the plane",
        at[0], at[1], at[2]
    )]
    OverlappingOutline { at: [f32; 3] },
}

/// Cuts `mesh` by `options.plane`, keeping the side its normal points away
/// from, and closes the cut unless `options.cap` is off.
///
/// A vertex within rounding of the plane counts as on it and is used as it
/// is. Errors: a plane that misses the model, and, with a cap, a cut that
/// crosses a hole of the model or an outline that cannot be closed (a
/// model touching or intersecting itself at the plane).
pub fn plane_cut(mesh: &IndexedMesh, options: &PlaneCutOptions) -> Result<PlaneCut, PlaneCutError> {
    let plane = check_plane(&options.plane)?;
    if mesh.is_empty() {
        return Err(PlaneCutError::EmptyModel);
    }
    let sides = sides(mesh, &plane);
    check_extent(&plane, &sides.extent)?;
    let clipped = clip(mesh, &sides);
    let loops = chain(&clipped.outline);
    let mut kept = clipped.mesh;
    let mut cap_faces = 0;
    if options.cap {
        if loops.open_edges > 0 {
            return Err(not_closed(mesh));
        }
        let faces = cap_each_piece(&kept, &clipped.outline, &clipped.outline_faces, &plane).map_err(cap_error)?;
        cap_faces = faces.len();
        kept.triangles.extend(faces);
    }
    let outline = summarise(&kept.positions, &plane, &loops);
    Ok(PlaneCut { mesh: kept, outline, cap_faces })
}

/// The plane with a unit normal, or the error naming what is wrong with it.
pub(crate) fn check_plane(plane: &Plane) -> Result<UnitPlane, PlaneCutError> {
    plane.checked().ok_or_else(|| {
        if plane.origin.iter().all(|c| c.is_finite()) {
            PlaneCutError::DegenerateNormal { normal: plane.normal }
        } else {
            PlaneCutError::InvalidOrigin { origin: plane.origin }
        }
    })
}

/// An error unless the plane has part of the model on each side.
pub(crate) fn check_extent(plane: &UnitPlane, extent: &Extent) -> Result<(), PlaneCutError> {
    let describe = || (plane.describe_level(plane.level()), plane.describe_range(extent.lowest, extent.highest));
    if !extent.any_in_front {
        let (plane, model) = describe();
        return Err(PlaneCutError::AboveModel { plane, model });
    }
    if !extent.any_behind {
        let (plane, model) = describe();
        return Err(PlaneCutError::BelowModel { plane, model });
    }
    Ok(())
}

/// Why the cut's outline did not close, from the model's own report
/// (worked out only now: a closed model never pays for it).
pub(crate) fn not_closed(mesh: &IndexedMesh) -> PlaneCutError {
    let report = validate(mesh);
    match report.orientation {
        Orientation::Inconsistent { misoriented_edges } if report.boundary_loops.is_empty() => {
            PlaneCutError::InconsistentWinding { misoriented_edges }
        }
        _ => PlaneCutError::NotClosed { holes: report.boundary_loops.len().max(1) },
    }
}

pub(crate) fn cap_error(failure: CapFailure) -> PlaneCutError {
    match failure {
        CapFailure::Coincident { at } => PlaneCutError::TouchingOutline { at },
        CapFailure::Crossing { at } => PlaneCutError::CrossingOutline { at },
        CapFailure::Overlapping { at } => PlaneCutError::OverlappingOutline { at },
    }
}

/// Loops counted as outer boundaries and holes by the sign of their area.
pub(crate) fn summarise(positions: &[[f32; 3]], plane: &UnitPlane, loops: &Loops) -> CutOutline {
    let outer = loops.closed.iter().filter(|l| twice_signed_area(positions, plane, l) > 0.0).count();
    CutOutline { loops: loops.closed.len(), outer, holes: loops.closed.len() - outer, open_edges: loops.open_edges }
}
