//! Integration tests of mesh-core, run against the shared STL corpus.

// In tests a panic is the failure report: helpers unwrap freely.
#![allow(clippy::unwrap_used)]

mod corpus;
mod diff;
mod hollow;
mod hollow_properties;
mod label;
mod label_properties;
mod plate;
mod ply;
mod prep;
mod prep_properties;
mod prepare;
mod random;
mod read;
mod realistic;
mod realistic_properties;
mod repair;
mod robust;
mod solids;
mod surface;
mod threemf;
mod trim;
mod trim_properties;
mod validate;
mod write;
