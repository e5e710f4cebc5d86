//! The JavaScript entry point that benchmarks and browser tests call to run
//! the client's mesh reader on bytes, without the UI around it.
//!
//! Trunk hands every `#[wasm_bindgen]` export to the page as
//! `window.wasmBindings`, so `end2end/bench/mesh.mjs` calls
//! `window.wasmBindings.readMeshForBenchmark(bytes)` on the very code the
//! Inspect page runs when a file is dropped.

use wasm_bindgen::prelude::*;

/// Reads a mesh with `mesh_core::read` and returns `[triangles, vertices]`
/// (welded vertices) as a `Uint32Array`.
///
/// Returning the counts makes the result depend on the whole read, so the
/// work cannot be optimised away, and lets a caller check that the reader
/// did the same job as the one it is compared with. A file that cannot be
/// read throws an `Error` carrying the reader's message.
#[wasm_bindgen(js_name = readMeshForBenchmark)]
pub fn read_mesh_for_benchmark(bytes: &[u8]) -> Result<Vec<u32>, JsError> {
    let outcome = mesh_core::read(bytes).map_err(|error| JsError::new(&error.to_string()))?;
    let mesh = &outcome.mesh;
    Ok(vec![count(mesh.triangle_count())?, count(mesh.vertex_count())?])
}

/// A count as `u32`, which every count of a mesh with `u32` indices fits.
fn count(value: usize) -> Result<u32, JsError> {
    u32::try_from(value).map_err(|_| JsError::new(&format!("count {value} does not fit in 32 bits")))
}
