//! Operations on meshes: each takes meshes and options and gives a result
//! or an error that says what to change.

mod diff;

pub use diff::{DiffError, SurfaceDistances, surface_distances};
