//! Exact-position vertex welding, shared by every reader that sees a
//! triangle soup.
//!
//! This is the hot loop of reading STL: every corner of every triangle is
//! looked up once. A general-purpose hash map spends most of that time on
//! its own bookkeeping, so the table here is open addressing over vertex
//! indices alone, with keys compared against the positions already stored.
//! Meshes are spatially coherent (a vertex comes back within a few hundred
//! triangles), so the slots and positions a lookup touches are mostly in
//! cache.

use crate::IndexedMesh;

const EMPTY: u32 = u32::MAX;
/// No corner has these keys: the bits of a NaN, which readers refuse.
const NO_PREVIOUS: ([[u32; 3]; 3], [u32; 3]) = ([[u32::MAX; 3]; 3], [EMPTY; 3]);

/// Builds an indexed mesh from triangles given by their corner positions,
/// giving bit-identical positions one shared vertex.
///
/// `-0.0` and `0.0` are the same position: they compare equal, so a mesh
/// must not be split along a plane through the origin because of them.
#[derive(Debug, Default)]
pub(crate) struct Welder {
    /// Vertex indices by hash, `EMPTY` where free; the length is a power of
    /// two at least twice the number of vertices.
    slots: Vec<u32>,
    /// The previous triangle's corners (keys and indices): neighbouring
    /// triangles in a file share corners, and this spares their lookups.
    previous: ([[u32; 3]; 3], [u32; 3]),
    mesh: IndexedMesh,
}

impl Welder {
    pub(crate) fn with_capacity(triangles: usize) -> Self {
        // Closed meshes have about half as many vertices as triangles.
        let vertices = triangles / 2 + 16;
        Welder {
            slots: vec![EMPTY; (vertices * 2).next_power_of_two()],
            previous: NO_PREVIOUS,
            mesh: IndexedMesh { positions: Vec::with_capacity(vertices), triangles: Vec::with_capacity(triangles) },
        }
    }

    /// A welder for about `vertices` distinct positions given one by one.
    pub(crate) fn for_vertices(vertices: usize) -> Self {
        Welder {
            slots: vec![EMPTY; (vertices.max(8) * 2).next_power_of_two()],
            previous: NO_PREVIOUS,
            mesh: IndexedMesh { positions: Vec::with_capacity(vertices), triangles: Vec::new() },
        }
    }

    /// The index of the vertex at `position`, added if new.
    pub(crate) fn add_vertex(&mut self, position: [f32; 3]) -> u32 {
        // Adding 0.0 turns -0.0 into 0.0 and leaves every other value as it is.
        let position = position.map(|c| c + 0.0);
        self.vertex(position.map(f32::to_bits), position)
    }

    #[inline]
    pub(crate) fn push_triangle(&mut self, corners: [[f32; 3]; 3]) {
        let mut triangle = [0; 3];
        let mut keys = [[0; 3]; 3];
        for corner in 0..3 {
            let [x, y, z] = corners[corner];
            // Adding 0.0 turns -0.0 into 0.0 and leaves every other value as it is.
            let position = [x + 0.0, y + 0.0, z + 0.0];
            let key = [position[0].to_bits(), position[1].to_bits(), position[2].to_bits()];
            let (previous_keys, previous_indices) = (&self.previous.0, &self.previous.1);
            triangle[corner] = if key == previous_keys[0] {
                previous_indices[0]
            } else if key == previous_keys[1] {
                previous_indices[1]
            } else if key == previous_keys[2] {
                previous_indices[2]
            } else {
                self.vertex(key, position)
            };
            keys[corner] = key;
        }
        self.previous = (keys, triangle);
        self.mesh.triangles.push(triangle);
    }

    /// Adds the triangles of a welder that read the next part of the same
    /// file. The result is the same mesh, vertex order included, as one
    /// welder reading both parts in turn.
    #[cfg_attr(target_family = "wasm", allow(dead_code))]
    pub(crate) fn append(&mut self, next: Welder) {
        let index_of: Vec<u32> =
            next.mesh.positions.iter().map(|&position| self.vertex(position.map(f32::to_bits), position)).collect();
        self.mesh.triangles.extend(next.mesh.triangles.iter().map(|t| t.map(|i| index_of[i as usize])));
        self.previous = NO_PREVIOUS;
    }

    pub(crate) fn finish(self) -> IndexedMesh {
        self.mesh
    }

    /// The index of the vertex at `position` (whose bits are `key`), added if new.
    #[inline]
    fn vertex(&mut self, key: [u32; 3], position: [f32; 3]) -> u32 {
        let mask = self.slots.len() - 1;
        let mut slot = hash(key) & mask;
        loop {
            let index = self.slots[slot];
            if index == EMPTY {
                break;
            }
            let [x, y, z] = self.mesh.positions[index as usize];
            if [x.to_bits(), y.to_bits(), z.to_bits()] == key {
                return index;
            }
            slot = (slot + 1) & mask;
        }
        // A mesh with more than u32::MAX vertices cannot come from a file
        // whose triangle count is itself a u32 within memory limits.
        let index = self.mesh.positions.len() as u32;
        self.slots[slot] = index;
        self.mesh.positions.push(position);
        if self.mesh.positions.len() * 2 > self.slots.len() {
            self.grow();
        }
        index
    }

    /// Doubles the table and places every vertex again.
    #[cold]
    fn grow(&mut self) {
        self.slots = vec![EMPTY; self.slots.len() * 2];
        let mask = self.slots.len() - 1;
        for (index, position) in self.mesh.positions.iter().enumerate() {
            let mut slot = hash(position.map(f32::to_bits)) & mask;
            while self.slots[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = index as u32;
        }
    }
}

/// Mixes the three coordinates' bits so that nearby positions land far apart.
#[inline]
fn hash([x, y, z]: [u32; 3]) -> usize {
    let h = u64::from(x).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(y).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ u64::from(z).wrapping_mul(0x1656_67B1_9E37_79F9);
    // The high bits are the best mixed; fold them down.
    (h ^ (h >> 32)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_corners_become_one_vertex_and_negative_zero_is_zero() {
        let mut welder = Welder::with_capacity(2);
        welder.push_triangle([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        welder.push_triangle([[-0.0, 1.0, 0.0], [1.0, 0.0, -0.0], [1.0, 1.0, 0.0]]);
        let mesh = welder.finish();
        assert_eq!(mesh.triangles, [[0, 1, 2], [2, 1, 3]]);
        assert!(mesh.positions.iter().flatten().all(|c| c.is_sign_positive()));
    }

    #[test]
    fn a_soup_of_distinct_corners_grows_the_table_and_keeps_every_vertex() {
        let mut welder = Welder::with_capacity(1);
        for i in 0..10_000 {
            let f = i as f32;
            welder.push_triangle([[f, 0.0, 0.0], [f, 1.0, 0.0], [f, 0.0, 1.0]]);
        }
        let mesh = welder.finish();
        assert_eq!(mesh.positions.len(), 30_000);
        assert_eq!(mesh.triangles[9_999], [29_997, 29_998, 29_999]);
    }
}
