//! Analysis of a mesh: what a technician needs to decide "print it, repair
//! it, or ask for a new export".

mod buckets;
mod edges;
mod report;

pub use report::{HeightCheck, Orientation, ValidationReport, validate};
