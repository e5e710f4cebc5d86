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
