//! Reusable pieces of pages.

mod drop_zone;
mod mesh_facts;

pub(crate) use drop_zone::DropZone;
pub(crate) use mesh_facts::MeshFacts;
