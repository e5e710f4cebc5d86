//! The JavaScript entry points that benchmarks call to run the client's
//! mesh code on bytes, without the UI around it.
//!
//! Trunk hands every `#[wasm_bindgen]` export to the page as
//! `window.wasmBindings`, so `end2end/bench/mesh.mjs` calls
//! `window.wasmBindings.readMeshForBenchmark(bytes)` on the very code the
//! Inspect page runs when a file is dropped, and `end2end/bench/viewer.mjs`
//! times the treatment viewer's work on a read mesh (`MeshForBenchmark`):
//! the difference map, the problem edges and a pick; `end2end/bench/prepare.mjs`
//! times model preparation (`prepare`, and the plane cut with cap alone).

use mesh_core::prepare::{Part, Recipe, prepare};
use mesh_core::{Arch, IndexedMesh, Plane, PlaneCutOptions};
use wasm_bindgen::prelude::*;

use crate::viewer::difference::difference_map;
use crate::viewer::pick::first_hit;

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

/// A mesh read once, for timing what the viewer does with it.
#[wasm_bindgen]
#[derive(Debug)]
pub struct MeshForBenchmark {
    mesh: IndexedMesh,
}

#[wasm_bindgen]
impl MeshForBenchmark {
    /// Reads `bytes` as the viewer does; throws the reader's message.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<MeshForBenchmark, JsError> {
        let outcome = mesh_core::read(bytes).map_err(|error| JsError::new(&error.to_string()))?;
        Ok(MeshForBenchmark { mesh: outcome.mesh })
    }

    /// A copy moved by (`dx`, `dy`, `dz`) mm: a later stage to compare with.
    pub fn shifted(&self, dx: f32, dy: f32, dz: f32) -> MeshForBenchmark {
        let mut mesh = self.mesh.clone();
        for p in &mut mesh.positions {
            *p = [p[0] + dx, p[1] + dy, p[2] + dz];
        }
        MeshForBenchmark { mesh }
    }

    /// The difference map of this mesh against `earlier`; returns its largest distance in mm.
    #[wasm_bindgen(js_name = differenceTo)]
    pub fn difference_to(&self, earlier: &MeshForBenchmark) -> Result<f32, JsError> {
        difference_map(&self.mesh, &earlier.mesh).map(|map| map.max_mm).map_err(|message| JsError::new(&message))
    }

    /// Applies the recipe `recipe_json` (a `Recipe` as JSON) to this mesh
    /// as stage 7 of the upper arch of case `K7Q-4M2`, as the Prepare page
    /// does; returns `[triangles, 1 if closed and manifold else 0]`.
    pub fn prepare(&self, recipe_json: &str, font: &[u8]) -> Result<Vec<u32>, JsError> {
        let recipe: Recipe = serde_json::from_str(recipe_json).map_err(|e| JsError::new(&e.to_string()))?;
        let part = Part::aligner("K7Q-4M2", Arch::Upper, 7);
        let prepared = prepare(&self.mesh, &recipe, &part, font).map_err(|e| JsError::new(&e.to_string()))?;
        let report = mesh_core::validate(&prepared.mesh);
        let closed = report.watertight && report.non_manifold_edges == 0;
        Ok(vec![count(prepared.mesh.triangle_count())?, u32::from(closed)])
    }

    /// Cuts this mesh by the plane through `origin` facing `normal` and caps
    /// the cut; returns the triangles kept.
    #[wasm_bindgen(js_name = planeCut)]
    pub fn plane_cut(&self, origin: &[f32], normal: &[f32]) -> Result<u32, JsError> {
        let [Ok(origin), Ok(normal)] = [origin, normal].map(<[f32; 3]>::try_from) else {
            return Err(JsError::new("the plane's origin and normal each take three numbers"));
        };
        let options = PlaneCutOptions::new(Plane::new(origin, normal));
        let cut = mesh_core::plane_cut(&self.mesh, &options).map_err(|e| JsError::new(&e.to_string()))?;
        count(cut.mesh.triangle_count())
    }

    /// How many boundary and non-manifold edges "Show problems" would draw.
    #[wasm_bindgen(js_name = problemEdges)]
    pub fn problem_edges(&self) -> Result<u32, JsError> {
        let edges = mesh_core::problem_edges(&self.mesh);
        count(edges.boundary.len() + edges.non_manifold.len())
    }

    /// Picks along a ray down the occlusal axis (−Y) through the middle of
    /// the face that faces up most (among the first thousand), as a tap on
    /// it would; returns the hit's height, or NaN on a miss.
    #[wasm_bindgen(js_name = pickDown)]
    pub fn pick_down(&self) -> f32 {
        let corner = |i: u32| self.mesh.positions.get(i as usize).copied().unwrap_or_default();
        let facing_up = |t: &[u32; 3]| {
            let [a, b, c] = t.map(corner);
            let (u, v) = ([b[0] - a[0], b[2] - a[2]], [c[0] - a[0], c[2] - a[2]]);
            // The Y part of the face's (unnormalised) normal: its area seen from above.
            (u[1] * v[0] - u[0] * v[1]).abs()
        };
        let Some(face) = self.mesh.triangles.iter().take(1000).max_by(|a, b| facing_up(a).total_cmp(&facing_up(b)))
        else {
            return f32::NAN;
        };
        let [a, b, c] = face.map(corner);
        let Some(bounds) = self.mesh.bounds() else { return f32::NAN };
        let origin = [(a[0] + b[0] + c[0]) / 3.0, bounds.max[1] + 10.0, (a[2] + b[2] + c[2]) / 3.0];
        first_hit(&self.mesh, origin, [0.0, -1.0, 0.0]).map_or(f32::NAN, |hit| hit.point[1])
    }
}
