//! Operations on meshes: each takes meshes and options and gives a result
//! or an error that says what to change.
//!
//! Model preparation: [`plane_cut`] (`cut_cap.rs`) cuts by a plane and
//! closes the cut, from `half_space.rs` (the cut, sharing a vertex per
//! crossing edge), `outline.rs` (the cut's edges as loops) and `cap.rs`
//! (the faces closing them); [`flat_base`] (`base.rs`) cuts near the
//! bottom and extrudes the cut into a plinth; [`plate_base`] (`plate.rs`)
//! puts every piece of a model (the separate crowns of an arch) on one
//! plate; [`hollow`] (`hollow/`) takes the inside out behind a wall and
//! opens it through the flat bottom with drain holes. `plane.rs` is the
//! plane they take.
//!
//! Trim along a line: [`propose_trim_line`] (`trim_proposal.rs`) proposes a
//! line round an arch, [`smooth_trim_line`] (`trim_line.rs`) makes points
//! into a smooth closed line on the surface, and [`trim`] (`trim.rs`) cuts
//! along it by the line's height field (`height_field.rs`) with the same
//! clipper, outline and cap as the plane cut. `surface.rs` finds nearest
//! points on a surface (trim lines, stage differences).

mod base;
mod cap;
mod cut_cap;
mod diff;
mod frame;
mod half_space;
mod height_field;
pub(crate) mod hollow;
mod outline;
mod plane;
mod plate;
mod surface;
mod trim;
mod trim_line;
mod trim_proposal;
mod unite;

pub use base::{Arch, BaseError, BaseOptions, BasePlacement, FlatBase, flat_base};
pub use cut_cap::{CutOutline, PlaneCut, PlaneCutError, PlaneCutOptions, plane_cut};
pub use diff::{DiffError, SurfaceDistances, surface_distances};
pub use frame::{ArchFrame, FrameClue, FrameError, find_arch_frame};
pub use hollow::{HollowError, HollowOptions, Hollowed, KeepClear, hollow};
pub use plane::Plane;
pub use plate::{PlateOptions, plate_base};
pub use trim::{TrimError, TrimOptions, Trimmed, trim};
pub use trim_line::{TrimLineOptions, smooth_trim_line};
pub use trim_proposal::{TrimProposal, propose_trim, propose_trim_line};
pub use unite::{UniteError, United, unite};

// For labels, which re-triangulate a flat face and extrude outlines the way a base does.
pub(crate) use base::join_rings;
pub(crate) use cap::{CapFailure, cap};
pub(crate) use plane::UnitPlane;
