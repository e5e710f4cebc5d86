//! Clipping a mesh to the half-space behind a plane: faces wholly behind
//! are kept, faces wholly in front are dropped, and faces across the plane
//! are cut where their edges cross it.
//!
//! Invariant: a crossing edge gets one new vertex, made by whichever of its
//! two faces comes first and shared with the other, so neighbouring cut
//! faces meet exactly and the outline the cut leaves is a set of closed
//! loops wherever the input was closed. A vertex within a rounding error of
//! the plane counts as on it: it becomes a vertex of the outline itself, so
//! the cut makes no sliver next to it and no second vertex beside it.
//! Outline vertices that round to the same `f32` position (crossings of
//! edges a rounding error apart) are one vertex, and a kept face left
//! without area by that is dropped: the outline has no edge of length zero.

use rustc_hash::{FxHashMap, FxHashSet};

use super::plane::UnitPlane;
use crate::IndexedMesh;

/// What [`clip`] keeps, and the outline it leaves on the plane.
#[derive(Debug)]
pub(crate) struct Clip {
    /// The faces behind the plane and the kept parts of the cut faces,
    /// with only the vertices they use.
    pub(crate) mesh: IndexedMesh,
    /// The kept faces' edges that lie on the plane with no kept face on
    /// their other side, as `[from, to]` in `mesh`'s indices, directed the
    /// way a face closing the cut runs them (against the kept faces).
    pub(crate) outline: Vec<[u32; 2]>,
}

/// Where the model lies along the plane's normal, in the plane's levels
/// (`p · normal`), and how it sits against the plane.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extent {
    pub(crate) lowest: f64,
    pub(crate) highest: f64,
    /// Some vertex lies behind the plane (something would be kept).
    pub(crate) any_behind: bool,
    /// Some vertex lies in front of the plane (something would be removed).
    pub(crate) any_in_front: bool,
}

/// Signed distances of the vertices from the plane, with those within
/// rounding of the plane set to exactly zero, and the model's extent.
pub(crate) fn distances(mesh: &IndexedMesh, plane: &UnitPlane) -> (Vec<f64>, Extent) {
    let mut distances: Vec<f64> = mesh.positions.iter().map(|&p| plane.distance(p)).collect();
    let (lowest, highest) = distances.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &d| {
        (lo.min(d), hi.max(d))
    });
    // About ten times the rounding of an f32 coordinate of this model:
    // closer than that, a vertex cannot be told apart from the plane.
    let scale = lowest.abs().max(highest.abs()).max(plane.level().abs());
    let on_plane = scale * 1e-6;
    let (mut any_behind, mut any_in_front) = (false, false);
    for d in &mut distances {
        if d.abs() <= on_plane {
            *d = 0.0;
        }
        any_behind |= *d < 0.0;
        any_in_front |= *d > 0.0;
    }
    let level = plane.level();
    let extent = Extent { lowest: lowest + level, highest: highest + level, any_behind, any_in_front };
    (distances, extent)
}

/// Clips `mesh` to the side of `plane` its normal points away from;
/// `distances` are [`distances`]'s.
pub(crate) fn clip(mesh: &IndexedMesh, distances: &[f64]) -> Clip {
    let mut builder = Builder {
        source: mesh,
        distances,
        index_of: vec![u32::MAX; mesh.positions.len()],
        positions: Vec::with_capacity(mesh.positions.len()),
        crossings: FxHashMap::default(),
        at_position: FxHashMap::default(),
    };
    // Vertices behind the plane keep their order; vertices on it and new
    // ones follow, in the order the cut meets them.
    for (v, &d) in distances.iter().enumerate() {
        if d < 0.0 {
            builder.index_of[v] = builder.positions.len() as u32;
            builder.positions.push(mesh.positions[v]);
        }
    }

    let mut triangles = Vec::with_capacity(mesh.triangles.len());
    let mut outline = Vec::new();
    for t in &mesh.triangles {
        let behind = t.map(|v| distances[v as usize] < 0.0);
        match behind {
            [true, true, true] => triangles.push(t.map(|v| builder.index_of[v as usize])),
            [false, false, false] => {}
            _ => {
                // Rotate so the corner that is alone on its side comes first.
                let lone = (0..3).find(|&i| behind[i] != behind[(i + 1) % 3] && behind[i] != behind[(i + 2) % 3]);
                let Some(first) = lone else { continue };
                let [a, b, c] = [t[first], t[(first + 1) % 3], t[(first + 2) % 3]];
                let cut = if behind[first] {
                    builder.cut_one_behind(a, b, c, &mut triangles)
                } else {
                    builder.cut_two_behind(b, c, a, &mut triangles)
                };
                outline.extend(cut);
            }
        }
    }
    // An edge found by both of its faces (a ridge touching the plane from
    // behind) has kept faces on both sides: it is no outline at all.
    let found: FxHashSet<[u32; 2]> = outline.iter().copied().collect();
    outline.retain(|&[a, b]| !found.contains(&[b, a]));
    Clip { mesh: IndexedMesh { positions: builder.positions, triangles }, outline }
}

struct Builder<'a> {
    source: &'a IndexedMesh,
    distances: &'a [f64],
    /// Output index of each input vertex, `u32::MAX` until used.
    index_of: Vec<u32>,
    positions: Vec<[f32; 3]>,
    /// The vertex made on each crossing edge, by `(lower, higher)` input index.
    crossings: FxHashMap<u64, u32>,
    /// Every outline vertex by its position's bits.
    at_position: FxHashMap<[u32; 3], u32>,
}

impl Builder<'_> {
    /// `a` behind, `b` and `c` on or in front: keeps the triangle `a`, ab, ac.
    /// Returns the outline edge (ac → ab).
    fn cut_one_behind(&mut self, a: u32, b: u32, c: u32, out: &mut Vec<[u32; 3]>) -> Option<[u32; 2]> {
        let (ab, ac) = (self.crossing(a, b), self.crossing(a, c));
        if ab == ac {
            return None;
        }
        out.push([self.index_of[a as usize], ab, ac]);
        Some([ac, ab])
    }

    /// `a` and `b` behind, `c` on or in front: keeps the quad `a`, `b`, bc, ca
    /// as two triangles split along its shorter diagonal.
    /// Returns the outline edge (ca → bc), or `None` when `c` is on the plane.
    fn cut_two_behind(&mut self, a: u32, b: u32, c: u32, out: &mut Vec<[u32; 3]>) -> Option<[u32; 2]> {
        let (ia, ib) = (self.index_of[a as usize], self.index_of[b as usize]);
        let (bc, ca) = (self.crossing(b, c), self.crossing(c, a));
        if bc == ca {
            out.push([ia, ib, bc]);
            return None;
        }
        let length = |p: u32, q: u32| {
            let (p, q) = (self.positions[p as usize], self.positions[q as usize]);
            (0..3).map(|i| (f64::from(p[i]) - f64::from(q[i])).powi(2)).sum::<f64>()
        };
        if length(ia, bc) <= length(ib, ca) {
            out.push([ia, ib, bc]);
            out.push([ia, bc, ca]);
        } else {
            out.push([ia, ib, ca]);
            out.push([ib, bc, ca]);
        }
        Some([ca, bc])
    }

    /// The output vertex where the edge from `v` (behind) towards `w`
    /// meets the plane: `w` itself when `w` is on the plane, else the
    /// edge's one crossing vertex. Symmetric in `v` and `w`.
    fn crossing(&mut self, v: u32, w: u32) -> u32 {
        let (dv, dw) = (self.distances[v as usize], self.distances[w as usize]);
        for (vertex, d) in [(v, dv), (w, dw)] {
            if d == 0.0 {
                return self.use_input_vertex(vertex);
            }
        }
        let (lo, hi) = (v.min(w), v.max(w));
        let key = u64::from(lo) << 32 | u64::from(hi);
        if let Some(&made) = self.crossings.get(&key) {
            return made;
        }
        // Always from the lower index, so the point does not depend on which face asks.
        let (d_lo, d_hi) = (self.distances[lo as usize], self.distances[hi as usize]);
        let t = d_lo / (d_lo - d_hi);
        let (p, q) = (self.source.positions[lo as usize], self.source.positions[hi as usize]);
        let point = [0, 1, 2].map(|i| (f64::from(p[i]) + t * (f64::from(q[i]) - f64::from(p[i]))) as f32);
        let made = self.outline_vertex(point);
        self.crossings.insert(key, made);
        made
    }

    fn use_input_vertex(&mut self, v: u32) -> u32 {
        if self.index_of[v as usize] == u32::MAX {
            self.index_of[v as usize] = self.outline_vertex(self.source.positions[v as usize]);
        }
        self.index_of[v as usize]
    }

    /// The outline vertex at `point`, made if there is none there yet.
    fn outline_vertex(&mut self, point: [f32; 3]) -> u32 {
        // +0.0 makes −0 and 0 one place.
        let bits = point.map(|c| (c + 0.0).to_bits());
        *self.at_position.entry(bits).or_insert_with(|| {
            self.positions.push(point);
            (self.positions.len() - 1) as u32
        })
    }
}
