//! Hole filling: each rim of boundary edges, up to a size, closed with new
//! faces wound like the faces around it.
//!
//! A rim is followed around each of its vertices through the faces there,
//! so rims that touch at a vertex come apart as they look, and a rim that
//! passes a vertex twice is cut there into simple loops. A loop is
//! projected onto its best-fit plane (the Newell normal) and ear-clipped in
//! 2D, best-shaped ear first; when the projection folds (the loop is not
//! flat enough) and the loop is small, a minimum-area triangulation by
//! dynamic programming is used instead. Neither ever adds an edge the mesh
//! already has, which would make it non-manifold.

use rustc_hash::{FxHashMap, FxHashSet};

use super::edges::{EdgeTable, edge_key, face_edges};
use super::{degenerate_area_limit, dot, sorted_face, sub, triangle_area};
use crate::IndexedMesh;
use crate::vector::plane_axes;

/// The largest loop the dynamic programming takes (its cost grows with the cube of the length).
const MAX_DYNAMIC_PROGRAMMING_EDGES: usize = 200;

/// What [`IndexedMesh::fill_holes`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HoleFilling {
    pub filled: Vec<FilledHole>,
    pub unfilled: Vec<UnfilledHole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilledHole {
    /// The length of its rim.
    pub edges: usize,
    /// The faces added.
    pub faces: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnfilledHole {
    /// The length of its rim.
    pub edges: usize,
    pub reason: UnfilledReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnfilledReason {
    /// More edges than the limit: an opening by design (the open base of a
    /// scan) rather than a defect, or too large to close without a shape to follow.
    LargerThan { max_edges: usize },
    /// No triangulation without folding or without repeating an existing edge.
    NoTriangulation,
    /// The boundary edges do not close into a loop (faces that disagree on their winding).
    OpenRim,
    /// The rim is the rim of one face lying alone: filling it would only
    /// put a second face on the first.
    LoneFace,
}

impl HoleFilling {
    pub fn is_empty(&self) -> bool {
        self.filled.is_empty() && self.unfilled.is_empty()
    }
}

impl IndexedMesh {
    /// Closes every hole whose rim has at most `max_edges` edges; larger
    /// ones, and ones that cannot be triangulated, are reported. Orient the
    /// mesh first ([`IndexedMesh::orient_consistently`]): the new faces
    /// follow the winding of the faces around the hole. Faces are appended;
    /// no vertex is added.
    pub fn fill_holes(&mut self, max_edges: usize) -> HoleFilling {
        let mut filling = HoleFilling::default();
        let table = EdgeTable::new(&self.triangles);
        let boundary: Vec<BoundaryEdge> = self
            .triangles
            .iter()
            .enumerate()
            .flat_map(|(face, t)| face_edges(*t).map(|(from, to)| BoundaryEdge { from, to, face: face as u32 }))
            .filter(|e| e.from != e.to && table.face_count(e.from, e.to) == 1)
            .collect();
        if boundary.is_empty() {
            return filling;
        }

        let min_area = degenerate_area_limit(self);
        let mut existing: FxHashSet<u64> = table.groups().map(|group| group[0].0).collect();
        for rim in rims(&self.triangles, &table, &boundary) {
            let loops = match rim {
                Rim::Open { edges } => {
                    filling.unfilled.push(UnfilledHole { edges, reason: UnfilledReason::OpenRim });
                    continue;
                }
                Rim::Closed(vertices) => simple_loops(&vertices),
            };
            for rim in loops {
                let edges = rim.len();
                let reason = if edges > max_edges {
                    UnfilledReason::LargerThan { max_edges }
                } else if is_face(&self.triangles, &table, &rim) {
                    UnfilledReason::LoneFace
                } else {
                    // The new faces run the rim backwards: its edges belong to the faces around.
                    let polygon: Vec<u32> = rim.iter().rev().copied().collect();
                    match triangulate(&self.positions, &polygon, &existing, min_area) {
                        Some(faces) => {
                            for t in &faces {
                                existing.extend(face_edges(*t).map(|(a, b)| edge_key(a, b)));
                            }
                            filling.filled.push(FilledHole { edges, faces: faces.len() });
                            self.triangles.extend(faces);
                            continue;
                        }
                        None => UnfilledReason::NoTriangulation,
                    }
                };
                filling.unfilled.push(UnfilledHole { edges, reason });
            }
        }
        filling
    }
}

/// A directed edge of one face, with no other face on its undirected edge.
#[derive(Debug, Clone, Copy)]
struct BoundaryEdge {
    from: u32,
    to: u32,
    face: u32,
}

#[derive(Debug)]
enum Rim {
    /// The rim's vertices in the direction its faces run it.
    Closed(Vec<u32>),
    Open {
        edges: usize,
    },
}

/// Chains the boundary edges into rims. At a vertex the next edge is found
/// by turning through the faces around it from the edge that arrived,
/// which keeps to the hole being followed where several holes meet; where
/// that walk fails (non-manifold or misoriented faces) any unused edge
/// leaving the vertex is taken.
fn rims(triangles: &[[u32; 3]], table: &EdgeTable, boundary: &[BoundaryEdge]) -> Vec<Rim> {
    let mut leaving: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    let mut boundary_edge_at: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    for (i, e) in boundary.iter().enumerate() {
        leaving.entry(e.from).or_default().push(i);
        boundary_edge_at.insert((e.from, e.to), i);
    }
    let mut used = vec![false; boundary.len()];
    let mut rims = Vec::new();
    for start in 0..boundary.len() {
        if used[start] {
            continue;
        }
        let mut vertices = Vec::new();
        let mut current = start;
        let closed = loop {
            used[current] = true;
            vertices.push(boundary[current].from);
            let next = turn_to_next_boundary_edge(triangles, table, &boundary_edge_at, boundary[current])
                .filter(|&next| next == start || !used[next])
                .or_else(|| {
                    let to = boundary[current].to;
                    leaving.get(&to).and_then(|edges| edges.iter().copied().find(|&e| !used[e] || e == start))
                });
            match next {
                Some(next) if next == start => break true,
                Some(next) => current = next,
                None => break false,
            }
        };
        rims.push(if closed { Rim::Closed(vertices) } else { Rim::Open { edges: vertices.len() } });
    }
    rims
}

/// The boundary edge leaving `arrived.to` on the same side of the surface
/// as `arrived`: the faces around that vertex are walked from `arrived`'s
/// face, across manifold edges, until an edge with no other face.
fn turn_to_next_boundary_edge(
    triangles: &[[u32; 3]],
    table: &EdgeTable,
    boundary_edge_at: &FxHashMap<(u32, u32), usize>,
    arrived: BoundaryEdge,
) -> Option<usize> {
    let vertex = arrived.to;
    let mut face = arrived.face;
    // Bounded: a vertex has no more faces around it than the mesh has.
    for _ in 0..=triangles.len() {
        let (_, leaving_to) = face_edges(*triangles.get(face as usize)?).into_iter().find(|&(a, _)| a == vertex)?;
        let mut faces = table.faces(vertex, leaving_to);
        face = match (faces.next(), faces.next(), faces.next()) {
            (Some(_), None, _) => return boundary_edge_at.get(&(vertex, leaving_to)).copied(),
            (Some(first), Some(second), None) => {
                let other = if first == face { second } else { first };
                // The neighbour must run the edge back, or the walk has lost its side.
                if !face_edges(triangles[other as usize]).contains(&(leaving_to, vertex)) {
                    return None;
                }
                other
            }
            _ => return None,
        };
        if face == arrived.face {
            return None;
        }
    }
    None
}

/// Whether the three vertices of `rim` are those of a face.
fn is_face(triangles: &[[u32; 3]], table: &EdgeTable, rim: &[u32]) -> bool {
    match *rim {
        [a, b, c] => {
            let wanted = sorted_face([a, b, c]);
            table.faces(a, b).any(|f| sorted_face(triangles[f as usize]) == wanted)
        }
        _ => false,
    }
}

/// Cuts a closed rim that passes a vertex more than once into simple loops
/// (each vertex once); loops of fewer than three edges enclose nothing and
/// are dropped.
fn simple_loops(rim: &[u32]) -> Vec<Vec<u32>> {
    let mut loops = Vec::new();
    let mut path: Vec<u32> = Vec::with_capacity(rim.len());
    let mut position: FxHashMap<u32, usize> = FxHashMap::default();
    for &v in rim {
        if let Some(&at) = position.get(&v) {
            let sub_loop: Vec<u32> = path.drain(at..).collect();
            for w in &sub_loop[1..] {
                position.remove(w);
            }
            path.push(v);
            if sub_loop.len() >= 3 {
                loops.push(sub_loop);
            }
        } else {
            position.insert(v, path.len());
            path.push(v);
        }
    }
    if path.len() >= 3 {
        loops.push(path);
    }
    loops
}

/// Triangles closing `polygon` (vertex indices, wound as the new faces
/// must be), none with an edge in `existing` other than the polygon's own,
/// and none with an area at or below `min_area`.
fn triangulate(
    positions: &[[f32; 3]],
    polygon: &[u32],
    existing: &FxHashSet<u64>,
    min_area: f64,
) -> Option<Vec<[u32; 3]>> {
    match *polygon {
        [] | [_] | [_, _] => None,
        [a, b, c] => (triangle_area(positions, [a, b, c]) > min_area).then(|| vec![[a, b, c]]),
        _ => ear_clip(positions, polygon, existing, min_area).or_else(|| {
            (polygon.len() <= MAX_DYNAMIC_PROGRAMMING_EDGES)
                .then(|| minimum_area(positions, polygon, existing, min_area))
                .flatten()
        }),
    }
}

/// Ear clipping of the polygon projected onto its best-fit plane; `None`
/// when the projection folds so that no ear is left.
fn ear_clip(
    positions: &[[f32; 3]],
    polygon: &[u32],
    existing: &FxHashSet<u64>,
    min_area: f64,
) -> Option<Vec<[u32; 3]>> {
    let points: Vec<[f64; 3]> = polygon.iter().map(|&v| positions[v as usize].map(f64::from)).collect();
    // Measured from the centroid, so that far from the origin no precision is lost.
    let centroid = points.iter().fold([0.0; 3], |s, p| [s[0] + p[0], s[1] + p[1], s[2] + p[2]]);
    let centroid = centroid.map(|c| c / points.len() as f64);
    let points: Vec<[f64; 3]> = points.iter().map(|&p| sub(p, centroid)).collect();
    let normal = newell_normal(&points);
    let length = dot(normal, normal).sqrt();
    if length.is_nan() || length <= 0.0 {
        return None;
    }
    // With u × w = normal, the polygon runs counter-clockwise in (u, w).
    let (u, w) = plane_axes(normal.map(|c| c / length));
    let flat: Vec<[f64; 2]> = points.iter().map(|&p| [dot(p, u), dot(p, w)]).collect();
    let extent = flat.iter().fold(0.0f64, |m, p| m.max(p[0].abs()).max(p[1].abs()));
    // Twice the area below which an ear counts as flat.
    let flat_area = extent * extent * 1e-12;

    let mut remaining: Vec<usize> = (0..polygon.len()).collect();
    let mut faces = Vec::with_capacity(polygon.len() - 2);
    while remaining.len() > 3 {
        let n = remaining.len();
        let corner = |i: usize| (remaining[(i + n - 1) % n], remaining[i], remaining[(i + 1) % n]);
        let turn = |(a, b, c): (usize, usize, usize)| cross2(sub2(flat[b], flat[a]), sub2(flat[c], flat[b]));
        // Only a corner that is not strictly convex can lie inside an ear.
        let blockers: Vec<usize> = (0..n).filter(|&i| turn(corner(i)) <= flat_area).map(|i| remaining[i]).collect();
        let mut best: Option<(f64, usize)> = None;
        for i in 0..n {
            let (a, b, c) = corner(i);
            if turn((a, b, c)) <= flat_area
                || existing.contains(&edge_key(polygon[a], polygon[c]))
                || triangle_area(positions, [polygon[a], polygon[b], polygon[c]]) <= min_area
            {
                continue;
            }
            let blocked = blockers.iter().any(|&p| {
                p != a && p != b && p != c && {
                    let q = flat[p];
                    cross2(sub2(flat[b], flat[a]), sub2(q, flat[a])) >= 0.0
                        && cross2(sub2(flat[c], flat[b]), sub2(q, flat[b])) >= 0.0
                        && cross2(sub2(flat[a], flat[c]), sub2(q, flat[c])) >= 0.0
                }
            });
            if blocked {
                continue;
            }
            let quality = shape_quality(flat[a], flat[b], flat[c]);
            if best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, i));
            }
        }
        let (_, i) = best?;
        let (a, b, c) = corner(i);
        faces.push([polygon[a], polygon[b], polygon[c]]);
        remaining.remove(i);
    }
    let [a, b, c] = [remaining[0], remaining[1], remaining[2]];
    if cross2(sub2(flat[b], flat[a]), sub2(flat[c], flat[b])) <= flat_area
        || triangle_area(positions, [polygon[a], polygon[b], polygon[c]]) <= min_area
    {
        return None;
    }
    faces.push([polygon[a], polygon[b], polygon[c]]);
    Some(faces)
}

/// The triangulation of least total area (classic O(n³) dynamic
/// programming over sub-polygons), in 3D: for a loop that is not flat.
/// `None` when every triangulation repeats an existing edge or has a flat face.
fn minimum_area(
    positions: &[[f32; 3]],
    polygon: &[u32],
    existing: &FxHashSet<u64>,
    min_area: f64,
) -> Option<Vec<[u32; 3]>> {
    let n = polygon.len();
    let allowed = |i: usize, j: usize| {
        j - i == 1 || (i == 0 && j == n - 1) || !existing.contains(&edge_key(polygon[i], polygon[j]))
    };
    // cost[i * n + j]: the least area closing the sub-polygon i..=j; choice: its apex.
    let mut cost = vec![f64::INFINITY; n * n];
    let mut choice = vec![usize::MAX; n * n];
    for i in 0..n - 1 {
        cost[i * n + i + 1] = 0.0;
    }
    for span in 2..n {
        for i in 0..n - span {
            let j = i + span;
            if !allowed(i, j) {
                continue;
            }
            for k in i + 1..j {
                let area = triangle_area(positions, [polygon[i], polygon[k], polygon[j]]);
                if area <= min_area {
                    continue;
                }
                let total = cost[i * n + k] + cost[k * n + j] + area;
                if total < cost[i * n + j] {
                    cost[i * n + j] = total;
                    choice[i * n + j] = k;
                }
            }
        }
    }
    if !cost[n - 1].is_finite() {
        return None;
    }
    let mut faces = Vec::with_capacity(n - 2);
    let mut pending = vec![(0, n - 1)];
    while let Some((i, j)) = pending.pop() {
        if j - i < 2 {
            continue;
        }
        let k = choice[i * n + j];
        faces.push([polygon[i], polygon[k], polygon[j]]);
        pending.push((i, k));
        pending.push((k, j));
    }
    Some(faces)
}

/// The Newell normal: twice the vector area of the polygon; it points to
/// the side from which the polygon runs counter-clockwise.
fn newell_normal(points: &[[f64; 3]]) -> [f64; 3] {
    let mut normal = [0.0; 3];
    for (i, p) in points.iter().enumerate() {
        let q = points[(i + 1) % points.len()];
        normal[0] += (p[1] - q[1]) * (p[2] + q[2]);
        normal[1] += (p[2] - q[2]) * (p[0] + q[0]);
        normal[2] += (p[0] - q[0]) * (p[1] + q[1]);
    }
    normal
}

/// 1 for an equilateral triangle, towards 0 for a sliver.
fn shape_quality(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    let twice_area = cross2(sub2(b, a), sub2(c, a)).abs();
    let squares: f64 = [sub2(b, a), sub2(c, b), sub2(a, c)].iter().map(|d| d[0] * d[0] + d[1] * d[1]).sum();
    if squares > 0.0 { 2.0 * 3f64.sqrt() * twice_area / squares } else { 0.0 }
}

fn sub2(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

fn cross2(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}
