//! Reusable pieces of pages.

mod drop_zone;
mod mesh_facts;
mod repair_panel;

pub(crate) use drop_zone::DropZone;
pub(crate) use mesh_facts::MeshFacts;
pub(crate) use repair_panel::{RepairPanel, RepairState};
