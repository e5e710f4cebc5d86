//! Faces that print nothing: collapsed faces, faces of zero area, and
//! faces repeating another.

use rustc_hash::FxHashSet;

use super::{degenerate_area_limit, sorted_face, triangle_area};
use crate::IndexedMesh;

/// What [`IndexedMesh::remove_degenerate_faces`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DegenerateRemoval {
    /// Faces naming one vertex twice.
    pub collapsed_faces: usize,
    /// Faces with three distinct vertices on one line (no area at the model's scale).
    pub zero_area_faces: usize,
    /// Faces with the same three vertices as an earlier face, in any order.
    pub duplicate_faces: usize,
}

impl DegenerateRemoval {
    /// Faces without area, collapsed or flat: what the validation report counts as degenerate.
    pub fn degenerate_faces(&self) -> usize {
        self.collapsed_faces + self.zero_area_faces
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl IndexedMesh {
    /// Removes faces without area and faces repeating an earlier one; the
    /// faces kept stay in their order. "Without area" is relative to the
    /// model's size, the same measure the validation report uses, so a
    /// mesh this leaves has no degenerate face in its report.
    pub fn remove_degenerate_faces(&mut self) -> DegenerateRemoval {
        let limit = degenerate_area_limit(self);
        let mut removal = DegenerateRemoval::default();
        let mut seen = FxHashSet::with_capacity_and_hasher(self.triangles.len(), Default::default());
        let positions = &self.positions;
        self.triangles.retain(|&t| {
            if t[0] == t[1] || t[1] == t[2] || t[2] == t[0] {
                removal.collapsed_faces += 1;
                false
            } else if triangle_area(positions, t) <= limit {
                removal.zero_area_faces += 1;
                false
            } else if !seen.insert(sorted_face(t)) {
                removal.duplicate_faces += 1;
                false
            } else {
                true
            }
        });
        removal
    }
}
