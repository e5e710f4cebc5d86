//! The indexed triangle mesh every reader produces and every operation takes.

/// A triangle mesh with shared (welded) vertices.
///
/// Invariant: every index in `triangles` is `< positions.len()`, and every
/// coordinate is finite. Readers establish both; operations keep them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexedMesh {
    /// Vertex positions in millimetres.
    pub positions: Vec<[f32; 3]>,
    /// Counter-clockwise (seen from outside) vertex indices of each face.
    pub triangles: Vec<[u32; 3]>,
}

/// An axis-aligned box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: [f32; 3],
    pub max: [f32; 3],
}

impl IndexedMesh {
    pub fn triangle_count(&self) -> usize {
        self.triangles.len()
    }

    pub fn vertex_count(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.triangles.is_empty()
    }

    /// The triangles `range` as a mesh of their own, with only the vertices
    /// they use (in order of first use). A range past the end is cut to it.
    pub fn submesh(&self, range: std::ops::Range<usize>) -> IndexedMesh {
        let end = range.end.min(self.triangles.len());
        let triangles = self.triangles.get(range.start.min(end)..end).unwrap_or_default();
        let mut index_of = vec![u32::MAX; self.positions.len()];
        let mut mesh = IndexedMesh::default();
        for triangle in triangles {
            let triangle = triangle.map(|i| {
                let new = &mut index_of[i as usize];
                if *new == u32::MAX {
                    // Fewer vertices than the whole mesh, which has fewer than 2³².
                    *new = mesh.positions.len() as u32;
                    mesh.positions.push(self.positions[i as usize]);
                }
                *new
            });
            mesh.triangles.push(triangle);
        }
        mesh
    }

    /// Adds `other`'s vertices and faces after this mesh's own (its vertex
    /// numbers moved past this mesh's).
    pub(crate) fn append(&mut self, other: &IndexedMesh) {
        let offset = self.positions.len() as u32;
        self.positions.extend_from_slice(&other.positions);
        self.triangles.extend(other.triangles.iter().map(|t| t.map(|v| v + offset)));
    }

    /// Removes the faces `faces` (indices into `triangles`); the others keep their order.
    pub(crate) fn remove_faces(&mut self, faces: &[u32]) {
        let mut removed = vec![false; self.triangles.len()];
        for &face in faces {
            if let Some(slot) = removed.get_mut(face as usize) {
                *slot = true;
            }
        }
        let mut face = 0;
        self.triangles.retain(|_| {
            face += 1;
            !removed[face - 1]
        });
    }

    /// The smallest box holding every vertex, or `None` for a mesh without vertices.
    pub fn bounds(&self) -> Option<Bounds> {
        let (first, rest) = self.positions.split_first()?;
        let mut bounds = Bounds { min: *first, max: *first };
        for p in rest {
            bounds.min = [0, 1, 2].map(|axis| bounds.min[axis].min(p[axis]));
            bounds.max = [0, 1, 2].map(|axis| bounds.max[axis].max(p[axis]));
        }
        Some(bounds)
    }
}

impl Bounds {
    pub fn size(&self) -> [f32; 3] {
        [0, 1, 2].map(|axis| self.max[axis] - self.min[axis])
    }

    pub fn center(&self) -> [f32; 3] {
        [0, 1, 2].map(|axis| 0.5 * (self.min[axis] + self.max[axis]))
    }
}
