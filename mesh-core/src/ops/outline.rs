//! The outline a cut leaves on its plane: directed edges chained into
//! loops, each loop an outer boundary or a hole by the sign of its area.

use super::plane::UnitPlane;

/// The outline's edges chained into loops of vertex indices.
#[derive(Debug, Default)]
pub(crate) struct Loops {
    /// Closed loops, each vertex followed by the next (the last by the first).
    pub(crate) closed: Vec<Vec<u32>>,
    /// Edges that did not close into a loop (the model has a hole the cut crosses).
    pub(crate) open_edges: usize,
}

/// Chains directed edges `[from, to]` into loops; where several edges leave
/// a vertex (loops touching there) any unused one is taken.
pub(crate) fn chain(edges: &[[u32; 2]]) -> Loops {
    let mut by_start: Vec<(u32, u32)> = edges.iter().enumerate().map(|(i, e)| (e[0], i as u32)).collect();
    by_start.sort_unstable();
    let mut used = vec![false; edges.len()];
    let mut loops = Loops::default();
    for first in 0..edges.len() {
        if used[first] {
            continue;
        }
        let start = edges[first][0];
        let mut vertices = Vec::new();
        let mut current = first;
        let closed = loop {
            used[current] = true;
            vertices.push(edges[current][0]);
            let to = edges[current][1];
            if to == start {
                break true;
            }
            let at = by_start.partition_point(|&(from, _)| from < to);
            let next = by_start[at..].iter().take_while(|&&(from, _)| from == to).find(|&&(_, i)| !used[i as usize]);
            match next {
                Some(&(_, i)) => current = i as usize,
                None => break false,
            }
        };
        if closed {
            loops.closed.push(vertices);
        } else {
            loops.open_edges += vertices.len();
        }
    }
    loops
}

/// Twice the signed area of a loop in the plane's coordinates: positive
/// when it runs counter-clockwise seen from the normal's side (an outer
/// boundary of a cap facing the normal), negative for a hole.
pub(crate) fn twice_signed_area(positions: &[[f32; 3]], plane: &UnitPlane, vertices: &[u32]) -> f64 {
    let points: Vec<[f64; 2]> = vertices.iter().map(|&v| plane.in_plane(positions[v as usize])).collect();
    (0..points.len())
        .map(|i| {
            let (p, q) = (points[i], points[(i + 1) % points.len()]);
            p[0] * q[1] - q[0] * p[1]
        })
        .sum()
}
