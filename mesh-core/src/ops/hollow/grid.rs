//! The solid as voxels: a regular grid of points over the model's box and,
//! for each point, whether it lies inside the model.
//!
//! Inside is decided along scanlines: a line through each row of points
//! along X meets the surface where it crosses faces, and a point is inside
//! where the faces crossed before it wind round it (the sum of their
//! signs, entering +1, leaving −1) is not zero. Winding rather than parity
//! makes overlapping closed pieces (neighbouring teeth) one solid.
//!
//! Whether a line crosses a face is decided with each edge's side test
//! written in one fixed order of the edge's two vertices (the lower index
//! first) and, when it is exactly zero, as if the line were moved by an
//! infinitesimal in a fixed direction: the two faces of an edge always
//! agree, so a line through an edge or a vertex crosses the surface once.
//! The grid is also offset by an odd fraction of a step from the model's
//! box, so lines seldom pass that close.

/// A regular grid of points: `origin` is point (0, 0, 0), points are
/// `step` mm apart, `dims` along X, Y and Z. Point (i, j, k) is
/// `i + dims[0] · (j + dims[1] · k)` in every array over the grid.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub(super) origin: [f64; 3],
    pub(super) step: f64,
    pub(super) dims: [usize; 3],
}

/// Points of grid left round the model's box on every side.
const PAD: usize = 3;

/// An odd fraction of a step by which the grid is moved off the model's
/// box, so that grid lines seldom run through flat faces at round sizes.
const OFFSET: f64 = 0.371_3;

impl Grid {
    /// The grid with points `step` mm apart over `min..max` and [`PAD`] more round it.
    pub(super) fn around(min: [f64; 3], max: [f64; 3], step: f64) -> Grid {
        let origin = [0, 1, 2].map(|a| min[a] - (PAD as f64 + OFFSET) * step);
        let dims = [0, 1, 2].map(|a| ((max[a] - origin[a]) / step).ceil() as usize + PAD + 1);
        Grid { origin, step, dims }
    }

    /// How many points a grid [`Grid::around`] the box would have.
    pub(super) fn points_around(min: [f64; 3], max: [f64; 3], step: f64) -> f64 {
        (0..3).map(|a| (max[a] - min[a]) / step + 2.0 * PAD as f64 + 2.0).product()
    }

    pub(super) fn len(&self) -> usize {
        self.dims[0] * self.dims[1] * self.dims[2]
    }

    pub(super) fn index(&self, i: usize, j: usize, k: usize) -> usize {
        i + self.dims[0] * (j + self.dims[1] * k)
    }

    /// The grid coordinates of point `index`.
    pub(super) fn coordinates(&self, index: usize) -> [usize; 3] {
        let [nx, ny, _] = self.dims;
        [index % nx, (index / nx) % ny, index / (nx * ny)]
    }

    pub(super) fn point(&self, at: [usize; 3]) -> [f64; 3] {
        [0, 1, 2].map(|a| self.origin[a] + at[a] as f64 * self.step)
    }

    /// The range of grid indices along `axis` whose points lie in `low..=high` mm.
    pub(super) fn span(&self, axis: usize, low: f64, high: f64) -> std::ops::Range<usize> {
        let first = ((low - self.origin[axis]) / self.step).ceil().max(0.0);
        let last = ((high - self.origin[axis]) / self.step).floor();
        let end = (last + 1.0).clamp(0.0, self.dims[axis] as f64);
        (first.min(end) as usize)..(end as usize)
    }

    /// Which points lie inside the closed surface `triangles` over `positions`.
    pub(super) fn inside(&self, positions: &[[f32; 3]], triangles: &[[u32; 3]]) -> Vec<bool> {
        let mut crossings = self.crossings(0, positions, triangles);
        crossings.sort_unstable();
        let mut inside = vec![false; self.len()];
        for line in crossings.chunk_by(|a, b| a.0 == b.0) {
            let start = line[0].0 as usize;
            let mut winding = 0i32;
            for pair in line.windows(2) {
                winding += i32::from(pair[0].2);
                if winding != 0 {
                    inside[start + pair[0].1 as usize..start + pair[1].1 as usize].fill(true);
                }
            }
        }
        inside
    }

    /// The points next to the surface: the two on either side of every
    /// crossing of a grid line along X, Y or Z. Faces inside the solid
    /// (where closed pieces overlap) have them too, so a hollow keeps its
    /// wall from those as well and never crosses them.
    pub(super) fn near_surface(&self, positions: &[[f32; 3]], triangles: &[[u32; 3]]) -> Vec<bool> {
        let mut near = vec![false; self.len()];
        let strides = [1, self.dims[0], self.dims[0] * self.dims[1]];
        for axis in 0..3 {
            for (start, first, _) in self.crossings(axis, positions, triangles) {
                let first = first as usize;
                for at in [first.wrapping_sub(1), first] {
                    if at < self.dims[axis] {
                        near[start as usize + at * strides[axis]] = true;
                    }
                }
            }
        }
        near
    }

    /// Every crossing of the surface by a grid line along `axis`: the
    /// line's first point, the position along it of the first point after
    /// the crossing, and `+1` where the line enters the solid, `−1` where it leaves.
    fn crossings(&self, axis: usize, positions: &[[f32; 3]], triangles: &[[u32; 3]]) -> Vec<(u32, u32, i8)> {
        // The line's axis and the other two in cyclic order, so that
        // (axis, u, v) is as right-handed as (x, y, z).
        let (u, v) = ((axis + 1) % 3, (axis + 2) % 3);
        let strides = [1, self.dims[0], self.dims[0] * self.dims[1]];
        let mut crossings = Vec::new();
        for &triangle in triangles {
            let corners = triangle.map(|c| {
                let p = positions[c as usize].map(f64::from);
                [p[axis], p[u], p[v]]
            });
            let low = |a: usize| corners.iter().map(|p| p[a]).fold(f64::INFINITY, f64::min);
            let high = |a: usize| corners.iter().map(|p| p[a]).fold(f64::NEG_INFINITY, f64::max);
            for k in self.span(v, low(2), high(2)) {
                for j in self.span(u, low(1), high(1)) {
                    let at = [self.origin[u] + j as f64 * self.step, self.origin[v] + k as f64 * self.step];
                    let Some((x, sign)) = crossing(triangle, &corners, at) else { continue };
                    let first = ((x - self.origin[axis]) / self.step).floor() + 1.0;
                    let first = first.clamp(0.0, self.dims[axis] as f64) as u32;
                    crossings.push(((j * strides[u] + k * strides[v]) as u32, first, sign));
                }
            }
        }
        crossings
    }
}

/// Where the line along X through `(y, z) = at` crosses the triangle
/// (`corners` in the line's axes), and `+1` when it enters the solid there
/// (the face looks towards −X), `−1` when it leaves; `None` when it misses.
fn crossing(vertices: [u32; 3], corners: &[[f64; 3]; 3], at: [f64; 2]) -> Option<(f64, i8)> {
    // Twice the area of (corner a, corner b, at) in YZ, and its side.
    let side = |a: usize, b: usize| -> (f64, bool) {
        let (flip, (p, q)) = if vertices[a] < vertices[b] { (false, (a, b)) } else { (true, (b, a)) };
        let (p, q) = (corners[p], corners[q]);
        let (dy, dz) = (q[1] - p[1], q[2] - p[2]);
        let value = dy * (at[1] - p[2]) - dz * (at[0] - p[1]);
        // Exactly on the edge's line: as if `at` were moved by (ε, ε²).
        let positive = if value != 0.0 {
            value > 0.0
        } else if dz != 0.0 {
            -dz > 0.0
        } else {
            dy > 0.0
        };
        let value = if flip { -value } else { value };
        (value, positive != flip)
    };
    let (w_ab, s_ab) = side(0, 1);
    let (w_bc, s_bc) = side(1, 2);
    let (w_ca, s_ca) = side(2, 0);
    if s_ab != s_bc || s_bc != s_ca {
        return None;
    }
    let sum = w_ab + w_bc + w_ca;
    let x = if sum != 0.0 {
        (w_bc * corners[0][0] + w_ca * corners[1][0] + w_ab * corners[2][0]) / sum
    } else {
        corners[0][0]
    };
    // Counter-clockwise in YZ: the face's normal has +X, so the line leaves there.
    Some((x, if s_ab { -1 } else { 1 }))
}
