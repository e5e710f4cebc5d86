//! Loose pieces: scanner debris and stray triangles floating beside the model.

use super::edges::EdgeTable;
use crate::IndexedMesh;

/// What [`IndexedMesh::remove_small_components`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComponentRemoval {
    /// Pieces removed.
    pub pieces: usize,
    /// Their faces, all together.
    pub faces: usize,
}

impl ComponentRemoval {
    pub fn is_empty(&self) -> bool {
        self.pieces == 0
    }
}

impl IndexedMesh {
    /// Removes the pieces (faces connected through shared edges) with fewer
    /// faces than `min_fraction` of the largest piece's, or fewer than
    /// `min_faces`. A piece as large as the largest is always kept, so a
    /// model made of equal parts keeps them all. Vertices are left in place
    /// (see [`IndexedMesh::remove_unused_vertices`]).
    pub fn remove_small_components(&mut self, min_fraction: f64, min_faces: usize) -> ComponentRemoval {
        let piece = piece_of_each_face(&self.triangles);
        let mut sizes = vec![0usize; self.triangles.len()];
        for &p in &piece {
            sizes[p as usize] += 1;
        }
        let largest = sizes.iter().copied().max().unwrap_or(0);
        // `as` saturates: a NaN or negative fraction asks for nothing.
        let by_fraction = (min_fraction * largest as f64).ceil() as usize;
        let keep_size = |size: usize| size == largest || (size >= min_faces && size >= by_fraction);

        let mut removal =
            ComponentRemoval { pieces: sizes.iter().filter(|&&size| size > 0 && !keep_size(size)).count(), faces: 0 };
        if removal.pieces > 0 {
            let before = self.triangles.len();
            let mut face = 0;
            self.triangles.retain(|_| {
                let keep = keep_size(sizes[piece[face] as usize]);
                face += 1;
                keep
            });
            removal.faces = before - self.triangles.len();
        }
        removal
    }
}

/// A label per face, the same for faces connected through shared edges:
/// the smallest face index of the piece (union-find).
pub(crate) fn piece_of_each_face(triangles: &[[u32; 3]]) -> Vec<u32> {
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut parent: Vec<u32> = (0..triangles.len() as u32).collect();
    for group in EdgeTable::new(triangles).groups() {
        for pair in group.windows(2) {
            let (a, b) = (root(&mut parent, pair[0].1), root(&mut parent, pair[1].1));
            if a != b {
                parent[a.max(b) as usize] = a.min(b);
            }
        }
    }
    (0..triangles.len() as u32).map(|face| root(&mut parent, face)).collect()
}
