//! Questions about a closed surface for tests: whether a point is inside
//! (the winding number along a ray), whether a segment crosses it, and
//! where it crosses itself.

use rustc_hash::{FxHashMap, FxHashSet};

use mesh_core::{IndexedMesh, Plane};

type V = [f64; 3];

fn sub(a: V, b: V) -> V {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: V, b: V) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: V, b: V) -> V {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn corners(mesh: &IndexedMesh, t: usize) -> [V; 3] {
    mesh.triangles[t].map(|v| mesh.positions[v as usize].map(f64::from))
}

/// Where the line `from + s · direction` meets the triangle: `s`, or `None`
/// (Möller–Trumbore, in f64).
fn hit(from: V, direction: V, [a, b, c]: [V; 3]) -> Option<f64> {
    let (e1, e2) = (sub(b, a), sub(c, a));
    let p = cross(direction, e2);
    let det = dot(e1, p);
    // Parallel to the plane (within rounding): no single crossing point.
    let scale = dot(e1, e1).sqrt() * dot(e2, e2).sqrt() * dot(direction, direction).sqrt();
    if det.abs() <= 1e-9 * scale {
        return None;
    }
    let t = sub(from, a);
    let u = dot(t, p) / det;
    let q = cross(t, e1);
    let v = dot(direction, q) / det;
    (u >= 0.0 && v >= 0.0 && u + v <= 1.0).then(|| dot(e2, q) / det)
}

/// How many times the surface winds round `point` (1 inside an outward solid, 0 outside).
pub(crate) fn winding_number(mesh: &IndexedMesh, point: [f32; 3]) -> i32 {
    // An odd direction: a ray through an edge would count twice.
    let direction = [0.823_1, 0.412_7, 0.390_3];
    let from = point.map(f64::from);
    let mut winding = 0;
    for t in 0..mesh.triangles.len() {
        let tri = corners(mesh, t);
        if hit(from, direction, tri).is_some_and(|s| s > 0.0) {
            let normal = cross(sub(tri[1], tri[0]), sub(tri[2], tri[0]));
            winding += if dot(normal, direction) > 0.0 { 1 } else { -1 };
        }
    }
    winding
}

/// Whether the segment `from → to` meets any face.
pub(crate) fn crosses(mesh: &IndexedMesh, from: [f32; 3], to: [f32; 3]) -> bool {
    let (from, to) = (from.map(f64::from), to.map(f64::from));
    let direction = sub(to, from);
    (0..mesh.triangles.len()).any(|t| hit(from, direction, corners(mesh, t)).is_some_and(|s| (0.0..=1.0).contains(&s)))
}

/// Pairs of faces sharing no vertex that cross each other (an edge of one
/// through the other; faces in one plane are not compared), leaving out
/// pairs of faces that were in `before` (a model whose own pieces overlap)
/// or lie in the plane `bottom` (its flat bottom, triangulated again where
/// it was, crossing the walls of overlapping pieces as it did before).
pub(crate) fn self_intersections_beside(mesh: &IndexedMesh, before: &IndexedMesh, bottom: Plane) -> Vec<[usize; 2]> {
    let old: FxHashSet<[u32; 3]> = before.positions.iter().map(|p| p.map(f32::to_bits)).collect();
    let normal = bottom.normal.map(f64::from);
    let level = dot(bottom.origin.map(f64::from), normal);
    let in_bottom = |p: [f32; 3]| (dot(p.map(f64::from), normal) - level).abs() < 1e-4;
    let is_old: Vec<bool> = mesh
        .triangles
        .iter()
        .map(|t| {
            let corners = t.map(|v| mesh.positions[v as usize]);
            corners.iter().all(|p| old.contains(&p.map(f32::to_bits))) || corners.iter().all(|&p| in_bottom(p))
        })
        .collect();
    intersections(mesh, &is_old)
}

/// Pairs of faces sharing no vertex that cross each other.
pub(crate) fn self_intersections(mesh: &IndexedMesh) -> Vec<[usize; 2]> {
    intersections(mesh, &vec![false; mesh.triangles.len()])
}

fn intersections(mesh: &IndexedMesh, skip_pair: &[bool]) -> Vec<[usize; 2]> {
    let Some(bounds) = mesh.bounds() else { return Vec::new() };
    // Cells about twice the mean edge.
    let mean_edge = (0..mesh.triangles.len())
        .map(|t| {
            let [a, b, _] = corners(mesh, t);
            dot(sub(b, a), sub(b, a)).sqrt()
        })
        .sum::<f64>()
        / mesh.triangles.len().max(1) as f64;
    let cell = (2.0 * mean_edge).max(1e-3);
    let key = |p: V| [0, 1, 2].map(|a| ((p[a] - f64::from(bounds.min[a])) / cell).floor() as i64);
    let mut cells: FxHashMap<[i64; 3], Vec<usize>> = FxHashMap::default();
    for t in 0..mesh.triangles.len() {
        let tri = corners(mesh, t);
        let lo = key([0, 1, 2].map(|a| tri.iter().map(|p| p[a]).fold(f64::INFINITY, f64::min)));
        let hi = key([0, 1, 2].map(|a| tri.iter().map(|p| p[a]).fold(f64::NEG_INFINITY, f64::max)));
        for x in lo[0]..=hi[0] {
            for y in lo[1]..=hi[1] {
                for z in lo[2]..=hi[2] {
                    cells.entry([x, y, z]).or_default().push(t);
                }
            }
        }
    }
    let mut found = FxHashSet::default();
    for faces in cells.values() {
        for (n, &s) in faces.iter().enumerate() {
            for &t in &faces[n + 1..] {
                if skip_pair[s] && skip_pair[t] {
                    continue;
                }
                let (ts, tt) = (mesh.triangles[s], mesh.triangles[t]);
                if ts.iter().any(|v| tt.contains(v)) {
                    continue;
                }
                let (a, b) = (corners(mesh, s), corners(mesh, t));
                if edge_through(a, b) || edge_through(b, a) {
                    found.insert([s.min(t), s.max(t)]);
                }
            }
        }
    }
    let mut found: Vec<[usize; 2]> = found.into_iter().collect();
    found.sort_unstable();
    found
}

/// Whether an edge of `a` passes through `b`.
fn edge_through(a: [V; 3], b: [V; 3]) -> bool {
    (0..3).any(|i| {
        let (p, q) = (a[i], a[(i + 1) % 3]);
        hit(p, sub(q, p), b).is_some_and(|s| (0.0..=1.0).contains(&s))
    })
}
