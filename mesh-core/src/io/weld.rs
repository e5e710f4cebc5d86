//! Exact-position vertex welding, shared by every reader that sees a
//! triangle soup.

use rustc_hash::FxHashMap;

use crate::IndexedMesh;

/// Builds an indexed mesh from triangles given by their corner positions,
/// giving bit-identical positions one shared vertex.
///
/// `-0.0` and `0.0` are the same position: they compare equal, so a mesh
/// must not be split along a plane through the origin because of them.
#[derive(Debug, Default)]
pub(crate) struct Welder {
    index_of: FxHashMap<[u32; 3], u32>,
    mesh: IndexedMesh,
}

impl Welder {
    pub(crate) fn with_capacity(triangles: usize) -> Self {
        // Closed meshes have about half as many vertices as triangles.
        let vertices = triangles / 2 + 16;
        let mut index_of = FxHashMap::default();
        index_of.reserve(vertices);
        Welder {
            index_of,
            mesh: IndexedMesh { positions: Vec::with_capacity(vertices), triangles: Vec::with_capacity(triangles) },
        }
    }

    pub(crate) fn push_triangle(&mut self, corners: [[f32; 3]; 3]) {
        let triangle = corners.map(|p| self.vertex(p));
        self.mesh.triangles.push(triangle);
    }

    pub(crate) fn finish(self) -> IndexedMesh {
        self.mesh
    }

    fn vertex(&mut self, position: [f32; 3]) -> u32 {
        let key = position.map(|c| if c == 0.0 { 0 } else { c.to_bits() });
        let positions = &mut self.mesh.positions;
        *self.index_of.entry(key).or_insert_with(|| {
            // A mesh with more than u32::MAX vertices cannot come from a file
            // whose triangle count is itself a u32 within memory limits.
            let index = positions.len() as u32;
            positions.push(position.map(|c| if c == 0.0 { 0.0 } else { c }));
            index
        })
    }
}
