//! The surface where a field on a grid crosses zero: marching tetrahedra.
//!
//! Every cube of the grid is split into the same six tetrahedra round its
//! main diagonal (Kuhn's triangulation, which neighbouring cubes share
//! face for face), and in each tetrahedron the field is taken as linear
//! between its corners. The surface is then the zero set of one piecewise
//! linear function over a triangulation of space, with no corner exactly
//! on it (zero counts as outside): a closed 2-manifold, made of one
//! triangle or one quad per tetrahedron it passes through, the pieces of
//! neighbouring tetrahedra meeting on their shared faces at the same edge
//! points (one vertex per grid edge, shared). Each piece lies inside its
//! own tetrahedron, so the surface cannot intersect itself.
//!
//! Unlike a marching-cubes table, there is no ambiguous case to get wrong.
//! Faces are wound so that their normals point towards positive values.

use rustc_hash::FxHashMap;

use super::grid::Grid;
use crate::IndexedMesh;

/// The six tetrahedra of a cube, as corners (bit 0: +X, bit 1: +Y, bit 2:
/// +Z), each positively oriented (its fourth corner on the side its first
/// three run counter-clockwise round).
const TETRAHEDRA: [[usize; 4]; 6] = kuhn_tetrahedra();

const fn kuhn_tetrahedra() -> [[usize; 4]; 6] {
    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut tetrahedra = [[0; 4]; 6];
    let mut t = 0;
    while t < 6 {
        let [a, b, _] = orders[t];
        let first = 1 << a;
        let second = first | (1 << b);
        // Even orders of the axes give positive tetrahedra; odd ones swap two corners.
        let even = t == 0 || t == 3 || t == 4;
        tetrahedra[t] = if even { [0, first, second, 7] } else { [0, second, first, 7] };
        t += 1;
    }
    tetrahedra
}

/// The surface where `field` (one value per grid point) crosses zero, its
/// faces' normals pointing towards positive values. Points on the grid's
/// outermost layer must be negative, so that the surface is closed.
pub(super) fn contour(grid: &Grid, field: &[f32]) -> IndexedMesh {
    let [nx, ny, nz] = grid.dims;
    let mut surface = Surface { grid, field, mesh: IndexedMesh::default(), on_edge: FxHashMap::default() };
    let offsets: [usize; 8] = std::array::from_fn(|c| (c & 1) + nx * (((c >> 1) & 1) + ny * ((c >> 2) & 1)));
    for k in 0..nz.saturating_sub(1) {
        for j in 0..ny.saturating_sub(1) {
            for i in 0..nx.saturating_sub(1) {
                let first = grid.index(i, j, k);
                let corners = offsets.map(|o| first + o);
                let positive = corners.map(|c| field[c] > 0.0);
                if positive.iter().all(|&p| p) || positive.iter().all(|&p| !p) {
                    continue;
                }
                for tetrahedron in TETRAHEDRA {
                    surface.tetrahedron(tetrahedron.map(|c| corners[c]));
                }
            }
        }
    }
    surface.mesh
}

struct Surface<'a> {
    grid: &'a Grid,
    field: &'a [f32],
    mesh: IndexedMesh,
    /// The vertex made on each grid edge, by its two points (lower first).
    on_edge: FxHashMap<u64, u32>,
}

impl Surface<'_> {
    /// The faces in the positively oriented tetrahedron `corners` (grid points).
    fn tetrahedron(&mut self, corners: [usize; 4]) {
        let positive = corners.map(|c| self.field[c] > 0.0);
        let count = positive.iter().filter(|&&p| p).count();
        if count == 0 || count == 4 {
            return;
        }
        // An even ordering (i, j, k, l) of the corners, the positive ones first
        // when two are, the odd one out first when one or three are.
        let first: Vec<usize> = (0..4).filter(|&c| positive[c] == (count <= 2)).collect();
        let rest: Vec<usize> = (0..4).filter(|&c| positive[c] != (count <= 2)).collect();
        let mut order = if count == 2 {
            [first[0], first[1], rest[0], rest[1]]
        } else {
            let odd = first[0];
            let others: Vec<usize> = (0..4).filter(|&c| c != odd).collect();
            [odd, others[0], others[1], others[2]]
        };
        if !is_even(order) {
            order.swap(2, 3);
        }
        let [i, j, k, l] = order.map(|c| corners[c]);
        match count {
            // The normal of (ij, il, ik) points to i, the positive corner.
            1 => self.face([(i, j), (i, l), (i, k)]),
            // The normal of (ij, ik, il) points away from i, the negative corner.
            3 => self.face([(i, j), (i, k), (i, l)]),
            // i and j positive: the quad (ik, jk, jl, il) faces them.
            _ => {
                self.face([(i, k), (j, k), (j, l)]);
                self.face([(i, k), (j, l), (i, l)]);
            }
        }
    }

    fn face(&mut self, edges: [(usize, usize); 3]) {
        let face = edges.map(|(a, b)| self.vertex(a, b));
        self.mesh.triangles.push(face);
    }

    /// The vertex where the field crosses zero on the grid edge `a`–`b`.
    fn vertex(&mut self, a: usize, b: usize) -> u32 {
        let (a, b) = (a.min(b), a.max(b));
        let key = (a as u64) << 32 | b as u64;
        if let Some(&v) = self.on_edge.get(&key) {
            return v;
        }
        let (fa, fb) = (f64::from(self.field[a]), f64::from(self.field[b]));
        // The ends are on opposite sides of zero, so fa ≠ fb. Kept off the
        // ends, so no two vertices of a face meet.
        let t = (fa / (fa - fb)).clamp(0.01, 0.99);
        let (p, q) = (self.grid.point(self.grid.coordinates(a)), self.grid.point(self.grid.coordinates(b)));
        let position = [0, 1, 2].map(|axis| (p[axis] + t * (q[axis] - p[axis])) as f32);
        let v = self.mesh.positions.len() as u32;
        self.mesh.positions.push(position);
        self.on_edge.insert(key, v);
        v
    }
}

/// Whether the permutation `order` of 0..4 is even.
fn is_even(order: [usize; 4]) -> bool {
    let mut inversions = 0;
    for a in 0..4 {
        for b in a + 1..4 {
            if order[a] > order[b] {
                inversions += 1;
            }
        }
    }
    inversions % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::{cross, dot, sub};

    fn volume(a: [usize; 3], b: [usize; 3], c: [usize; 3], d: [usize; 3]) -> f64 {
        let p = |c: [usize; 3]| c.map(|x| x as f64);
        dot(cross(sub(p(b), p(a)), sub(p(c), p(a))), sub(p(d), p(a)))
    }

    #[test]
    fn the_six_tetrahedra_fill_the_cube_each_positively_oriented() {
        let corner = |c: usize| [c & 1, (c >> 1) & 1, (c >> 2) & 1];
        let mut total = 0.0;
        for [a, b, c, d] in TETRAHEDRA {
            let v = volume(corner(a), corner(b), corner(c), corner(d));
            assert!(v > 0.0, "{a} {b} {c} {d}");
            total += v / 6.0;
        }
        assert!((total - 1.0).abs() < 1e-12);
    }
}
