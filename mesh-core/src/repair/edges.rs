//! The faces around each undirected edge, for the repair steps that walk
//! from a face to its neighbours.
//!
//! One sort of the half-edges by undirected edge; a lookup is a binary
//! search. The table stays true while faces are flipped (a flip keeps a
//! face's edges) but not when faces are added or removed.

/// Every face edge, grouped by undirected edge.
#[derive(Debug)]
pub(super) struct EdgeTable {
    /// `(edge key, face)`, sorted by key.
    entries: Vec<(u64, u32)>,
}

/// The key of the undirected edge between `a` and `b`.
pub(super) fn edge_key(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

/// The three directed edges of a face, in its winding order.
pub(super) fn face_edges(t: [u32; 3]) -> [(u32, u32); 3] {
    [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])]
}

impl EdgeTable {
    pub(super) fn new(triangles: &[[u32; 3]]) -> Self {
        let mut entries: Vec<(u64, u32)> = triangles
            .iter()
            .enumerate()
            .flat_map(|(face, t)| {
                face_edges(*t)
                    .into_iter()
                    // A collapsed face has no edge where two corners coincide.
                    .filter(|(a, b)| a != b)
                    .map(move |(a, b)| (edge_key(a, b), face as u32))
            })
            .collect();
        entries.sort_unstable();
        EdgeTable { entries }
    }

    /// The faces having the edge between `a` and `b`, by increasing index.
    pub(super) fn faces(&self, a: u32, b: u32) -> impl Iterator<Item = u32> + '_ {
        let key = edge_key(a, b);
        let start = self.entries.partition_point(|(k, _)| *k < key);
        self.entries[start..].iter().take_while(move |(k, _)| *k == key).map(|(_, face)| *face)
    }

    /// How many faces have the edge between `a` and `b`.
    pub(super) fn face_count(&self, a: u32, b: u32) -> usize {
        self.faces(a, b).count()
    }

    /// Each undirected edge once, as the faces that have it.
    pub(super) fn groups(&self) -> impl Iterator<Item = &[(u64, u32)]> {
        self.entries.chunk_by(|a, b| a.0 == b.0)
    }
}
