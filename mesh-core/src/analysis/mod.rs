//! Analysis of a mesh: what a technician needs to decide "print it, repair
//! it, or ask for a new export".

mod buckets;
mod edges;
mod problem_edges;
mod readiness;
mod report;

pub(crate) use problem_edges::rim_vertices;
pub use problem_edges::{ProblemEdges, problem_edges};
pub use readiness::{OPEN_RIM_EDGES, Readiness, ReadinessProblem, readiness};
pub use report::{HeightCheck, Orientation, ValidationReport, validate};
