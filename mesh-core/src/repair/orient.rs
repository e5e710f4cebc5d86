//! Orientation: neighbouring faces agree on their winding, and closed
//! pieces face outward.
//!
//! Within each piece (faces connected through manifold edges) a walk from
//! one face flips every neighbour that runs a shared edge the same way as
//! the face it was reached from. Of the two consistent windings the walk
//! can give, the one flipping fewer faces is kept. A closed piece whose
//! enclosed volume is then negative is inside out and is flipped whole.

use super::edges::{EdgeTable, face_edges};
use super::{cross, dot, sub};
use crate::IndexedMesh;

/// What [`IndexedMesh::orient_consistently`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrientationChange {
    /// Faces flipped to agree with their neighbours.
    pub flipped_faces: usize,
    /// Closed pieces turned right side out, and their faces.
    pub inverted_pieces: usize,
    pub inverted_piece_faces: usize,
}

impl OrientationChange {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub(super) fn add(&mut self, other: OrientationChange) {
        self.flipped_faces += other.flipped_faces;
        self.inverted_pieces += other.inverted_pieces;
        self.inverted_piece_faces += other.inverted_piece_faces;
    }
}

impl IndexedMesh {
    /// Makes the winding consistent within each piece and turns closed
    /// pieces outward. Open pieces keep the winding most of their faces
    /// had: without an inside there is no outward to check. A piece that
    /// cannot be oriented (a Möbius strip) is left as the walk leaves it.
    pub fn orient_consistently(&mut self) -> OrientationChange {
        let table = EdgeTable::new(&self.triangles);
        const UNSEEN: u32 = u32::MAX;
        let mut piece_of = vec![UNSEEN; self.triangles.len()];
        let mut flipped = vec![false; self.triangles.len()];
        let mut change = OrientationChange::default();
        let mut members = Vec::new();
        let mut stack = Vec::new();

        for seed in 0..self.triangles.len() {
            if piece_of[seed] != UNSEEN {
                continue;
            }
            piece_of[seed] = seed as u32;
            members.clear();
            stack.push(seed as u32);
            let mut closed = true;
            while let Some(face) = stack.pop() {
                members.push(face);
                for (a, b) in face_edges(self.triangles[face as usize]) {
                    if a == b {
                        continue;
                    }
                    let mut faces = table.faces(a, b);
                    match (faces.next(), faces.next(), faces.next()) {
                        (Some(_), None, _) => closed = false,
                        (Some(first), Some(second), None) => {
                            let other = if first == face { second } else { first };
                            if piece_of[other as usize] != UNSEEN {
                                continue;
                            }
                            piece_of[other as usize] = seed as u32;
                            // `face` is already final: its neighbour must run the edge b → a.
                            if runs(self.triangles[other as usize], a, b) {
                                flip(&mut self.triangles[other as usize]);
                                flipped[other as usize] = true;
                            }
                            stack.push(other);
                        }
                        // Non-manifold edges join no piece: which side would agree is undefined.
                        _ => {}
                    }
                }
            }

            let mut flips = members.iter().filter(|&&f| flipped[f as usize]).count();
            if flips * 2 > members.len() {
                // The seed was the odd one out: keep the majority's winding instead.
                for &f in &members {
                    flip(&mut self.triangles[f as usize]);
                }
                flips = members.len() - flips;
            }
            change.flipped_faces += flips;

            if closed && enclosed_volume(self, &members) < 0.0 {
                for &f in &members {
                    flip(&mut self.triangles[f as usize]);
                }
                change.inverted_pieces += 1;
                change.inverted_piece_faces += members.len();
            }
        }
        change
    }
}

/// Whether face `t` has the directed edge `a → b`.
fn runs(t: [u32; 3], a: u32, b: u32) -> bool {
    face_edges(t).contains(&(a, b))
}

fn flip(t: &mut [u32; 3]) {
    t.swap(1, 2);
}

/// The signed volume enclosed by the faces `members`, measured from one of
/// their vertices (the sum does not depend on the point for a closed
/// surface; a point on it keeps the terms small).
fn enclosed_volume(mesh: &IndexedMesh, members: &[u32]) -> f64 {
    let Some(&first) = members.first() else { return 0.0 };
    let at = |i: u32| mesh.positions[i as usize].map(f64::from);
    let origin = at(mesh.triangles[first as usize][0]);
    members
        .iter()
        .map(|&f| {
            let [a, b, c] = mesh.triangles[f as usize].map(|i| sub(at(i), origin));
            dot(a, cross(b, c)) / 6.0
        })
        .sum()
}
