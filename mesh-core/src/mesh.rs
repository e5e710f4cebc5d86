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

    /// Makes vertices at the same position one (the first), as a reader's
    /// weld would, and removes the faces that collapses: faces naming a
    /// vertex twice, and pairs of faces with the same corners wound against
    /// each other (a fin of no volume). For results computed in `f64` and
    /// stored in `f32` (unions, rigid motions), where two close points can
    /// round to one. Returns how many vertices were merged.
    pub(crate) fn merge_coincident_vertices(&mut self) -> usize {
        let mut first: rustc_hash::FxHashMap<[u32; 3], u32> = rustc_hash::FxHashMap::default();
        let mut merged = 0;
        let target: Vec<u32> = (0..self.positions.len() as u32)
            .map(|v| {
                let key = self.positions[v as usize].map(|c| if c == 0.0 { 0 } else { c.to_bits() });
                let kept = *first.entry(key).or_insert(v);
                merged += usize::from(kept != v);
                kept
            })
            .collect();
        if merged == 0 {
            return 0;
        }
        let mut faces: Vec<[u32; 3]> = self
            .triangles
            .iter()
            .map(|t| t.map(|v| target[v as usize]))
            .filter(|[a, b, c]| a != b && b != c && c != a)
            .collect();
        // Opposite faces on the same corners cancel.
        let mut by_corners: rustc_hash::FxHashMap<[u32; 3], Vec<usize>> = rustc_hash::FxHashMap::default();
        for (i, t) in faces.iter().enumerate() {
            let mut key = *t;
            key.sort_unstable();
            by_corners.entry(key).or_default().push(i);
        }
        let mut dropped = vec![false; faces.len()];
        for group in by_corners.values().filter(|g| g.len() > 1) {
            for (k, &i) in group.iter().enumerate() {
                if dropped[i] {
                    continue;
                }
                let opposite =
                    group[k + 1..].iter().copied().find(|&j| !dropped[j] && !same_winding(faces[i], faces[j]));
                if let Some(j) = opposite {
                    dropped[i] = true;
                    dropped[j] = true;
                }
            }
        }
        let mut i = 0;
        faces.retain(|_| {
            i += 1;
            !dropped[i - 1]
        });
        self.triangles = faces;
        merged
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

/// Whether two faces on the same corners run them the same way round.
fn same_winding(a: [u32; 3], b: [u32; 3]) -> bool {
    (0..3).any(|r| [b[r], b[(r + 1) % 3], b[(r + 2) % 3]] == a)
}

impl Bounds {
    pub fn size(&self) -> [f32; 3] {
        [0, 1, 2].map(|axis| self.max[axis] - self.min[axis])
    }

    pub fn center(&self) -> [f32; 3] {
        [0, 1, 2].map(|axis| 0.5 * (self.min[axis] + self.max[axis]))
    }
}
