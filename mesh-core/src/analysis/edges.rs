//! The edge structure of a triangle mesh, from its directed half-edges
//! grouped by undirected edge: boundary edges (one face), manifold edges (two faces) and
//! non-manifold edges (three or more), and whether neighbours agree on
//! their winding.

use super::buckets::Buckets;
use crate::IndexedMesh;

/// A half-edge: the directed edge `from → to` of one face.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HalfEdge {
    pub(super) from: u32,
    pub(super) to: u32,
    pub(super) face: u32,
}

#[derive(Debug, Default)]
pub(super) struct EdgeCensus {
    /// Half-edges whose undirected edge has no other face.
    pub(super) boundary: Vec<HalfEdge>,
    /// Edges of three or more faces, as (lower, upper) vertex indices.
    pub(super) non_manifold: Vec<[u32; 2]>,
    /// Manifold edges whose two faces run them the same way (one face is flipped).
    pub(super) misoriented: usize,
    /// Pairs of faces sharing an edge, for connectivity.
    pub(super) neighbours: Vec<(u32, u32)>,
}

pub(super) fn census(mesh: &IndexedMesh) -> EdgeCensus {
    // Half-edges grouped by their lower vertex, then sorted by the upper one
    // within each (small) group: the same order as sorting all of them by
    // undirected edge, for a fraction of the cost.
    let half_edges = || {
        mesh.triangles.iter().enumerate().flat_map(|(face, t)| {
            [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])]
                .into_iter()
                // A collapsed face has no edge where two corners coincide.
                .filter(|(from, to)| from != to)
                .map(move |(from, to)| (from.min(to), HalfEdge { from, to, face: face as u32 }))
        })
    };
    let mut buckets = Buckets::new(mesh.positions.len(), half_edges);

    let mut census = EdgeCensus::default();
    for group in buckets.groups_mut() {
        group.sort_unstable_by_key(|e| e.from.max(e.to));
        for edge in group.chunk_by(|a, b| a.from.max(a.to) == b.from.max(b.to)) {
            match edge {
                [only] => census.boundary.push(*only),
                [a, b] => {
                    if a.from == b.from {
                        census.misoriented += 1;
                    }
                    census.neighbours.push((a.face, b.face));
                }
                _ => {
                    census.non_manifold.push([edge[0].from.min(edge[0].to), edge[0].from.max(edge[0].to)]);
                    census.neighbours.extend(edge.windows(2).map(|pair| (pair[0].face, pair[1].face)));
                }
            }
        }
    }
    census
}

/// Chains boundary half-edges into closed loops; returns each loop's length in edges.
pub(super) fn boundary_loops(boundary: &[HalfEdge]) -> Vec<usize> {
    let mut by_start: Vec<(u32, usize)> = boundary.iter().enumerate().map(|(i, e)| (e.from, i)).collect();
    by_start.sort_unstable();
    let mut used = vec![false; boundary.len()];
    let mut loops = Vec::new();
    for first in 0..boundary.len() {
        if used[first] {
            continue;
        }
        let mut length = 0;
        let mut current = first;
        loop {
            used[current] = true;
            length += 1;
            let to = boundary[current].to;
            let start = by_start.partition_point(|(from, _)| *from < to);
            let next = by_start[start..].iter().take_while(|(from, _)| *from == to).find(|(_, i)| !used[*i]);
            match next {
                Some(&(_, i)) => current = i,
                None => break,
            }
        }
        loops.push(length);
    }
    loops
}
