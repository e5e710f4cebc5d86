//! The edge structure of a triangle mesh, from one sort of its directed
//! half-edges: boundary edges (one face), manifold edges (two faces) and
//! non-manifold edges (three or more), and whether neighbours agree on
//! their winding.

use crate::IndexedMesh;

/// A half-edge: the directed edge `from → to` of one face.
#[derive(Debug, Clone, Copy)]
pub(super) struct HalfEdge {
    pub(super) from: u32,
    pub(super) to: u32,
    pub(super) face: u32,
}

#[derive(Debug, Default)]
pub(super) struct EdgeCensus {
    /// Half-edges whose undirected edge has no other face.
    pub(super) boundary: Vec<HalfEdge>,
    pub(super) non_manifold: usize,
    /// Manifold edges whose two faces run them the same way (one face is flipped).
    pub(super) misoriented: usize,
    /// Pairs of faces sharing an edge, for connectivity.
    pub(super) neighbours: Vec<(u32, u32)>,
}

pub(super) fn census(mesh: &IndexedMesh) -> EdgeCensus {
    let mut half_edges: Vec<(u64, HalfEdge)> = Vec::with_capacity(mesh.triangles.len() * 3);
    for (face, t) in mesh.triangles.iter().enumerate() {
        for (from, to) in [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])] {
            if from == to {
                continue; // a collapsed face has no edge here
            }
            let key = (u64::from(from.min(to)) << 32) | u64::from(from.max(to));
            half_edges.push((key, HalfEdge { from, to, face: face as u32 }));
        }
    }
    half_edges.sort_unstable_by_key(|(key, _)| *key);

    let mut census = EdgeCensus::default();
    for group in half_edges.chunk_by(|a, b| a.0 == b.0) {
        match group {
            [(_, only)] => census.boundary.push(*only),
            [(_, a), (_, b)] => {
                if a.from == b.from {
                    census.misoriented += 1;
                }
                census.neighbours.push((a.face, b.face));
            }
            _ => census.non_manifold += 1,
        }
        if group.len() > 2 {
            census.neighbours.extend(group.windows(2).map(|pair| (pair[0].1.face, pair[1].1.face)));
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
