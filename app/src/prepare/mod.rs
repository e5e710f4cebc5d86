//! The Prepare page's workings: the recipe form's values and their checks
//! (`draft.rs`, no DOM), which model of each stage is prepared and how far
//! the batch is (`batch.rs`, no DOM), a trim line placed point by point
//! (`trim_line.rs`, no DOM), the arrow of the arch's frame
//! (`frame_arrow.rs`, no DOM), and one stage's preparation in the mesh
//! worker (`preparer.rs`).

pub(crate) mod batch;
pub(crate) mod draft;
pub(crate) mod frame_arrow;
pub(crate) mod preparer;
pub(crate) mod trim_line;
