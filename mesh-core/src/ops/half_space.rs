//! Clipping a mesh to the half-space behind a plane: faces wholly behind
//! are kept, faces wholly in front are dropped, and faces across the plane
//! are cut where their edges cross it.
//!
//! The clipper works on a signed value per vertex (negative behind, kept;
//! positive in front, removed), so the same code cuts by a plane (the
//! value is the distance from it, [`sides`]) and by any other surface that
//! gives each vertex a value, such as the height field of a trim line
//! ([`classify`] of the values); a crossing edge is cut where the value,
//! taken as linear along it, is zero.
//!
//! Invariant: a crossing edge gets one new vertex, made by whichever of its
//! two faces comes first and shared with the other, so neighbouring cut
//! faces meet exactly and the outline the cut leaves is a set of closed
//! loops wherever the input was closed. A vertex within a millionth of the
//! model's size of the plane ([`Extent::rounding`]) counts as on it: it
//! becomes a vertex of the outline itself, so the cut makes no sliver next
//! to it and no second vertex beside it. An outline edge shorter than that (crossings of edges a rounding error
//! apart, or of a model's tiny edges) is collapsed into one vertex, and a
//! kept face left without area by that is dropped: the outline has no edge
//! too short to triangulate against, and the cap no sliver there. Only
//! edges are collapsed, never vertices that are merely close, so pieces of
//! a model that touch (neighbouring teeth) stay apart.

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
    /// For each outline edge, the kept face it is an edge of.
    pub(crate) outline_faces: Vec<u32>,
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
    /// Closer than this (in mm) to the plane or to each other, vertices of
    /// the outline are one: a millionth of the model's size.
    pub(crate) rounding: f64,
}

/// Each vertex's signed value, which side of the cut it is on, and the
/// model's extent: what [`clip`] cuts by.
#[derive(Debug)]
pub(crate) struct Sides {
    /// Negative behind (kept), positive in front (removed), in mm.
    pub(crate) values: Vec<f64>,
    /// −1 behind, 1 in front, 0 on the cut (within [`Extent::rounding`] of it).
    pub(crate) sides: Vec<i8>,
    pub(crate) extent: Extent,
}

/// Which side of the plane each vertex is on, by its distance from it.
pub(crate) fn sides(mesh: &IndexedMesh, plane: &UnitPlane) -> Sides {
    let values = mesh.positions.iter().map(|&p| plane.distance(p)).collect();
    classify(mesh, values, plane.level())
}

/// Which side of a cut each vertex is on, by its signed value in `values`
/// (one per vertex, in mm); `level` is the cut's level along its normal,
/// which [`Extent`] adds to the values' range.
pub(crate) fn classify(mesh: &IndexedMesh, values: Vec<f64>, level: f64) -> Sides {
    // A millionth of the model's size (or of its distance from the origin,
    // which sets the rounding of its f32 coordinates): 70 nm for an arch,
    // far below what a printer makes, far above what rounding leaves.
    let size = mesh.bounds().map_or(0.0, |b| {
        let corner = [b.min, b.max].map(|c| c.iter().map(|x| f64::from(*x).abs()).fold(0.0, f64::max));
        let diagonal = b.size().iter().map(|s| f64::from(*s).powi(2)).sum::<f64>().sqrt();
        diagonal.max(corner[0]).max(corner[1])
    });
    let on_cut = size.max(level.abs()) * 1e-6;
    let (mut lowest, mut highest) = (f64::INFINITY, f64::NEG_INFINITY);
    let sides = values
        .iter()
        .map(|&d| {
            lowest = lowest.min(d);
            highest = highest.max(d);
            if d < -on_cut {
                -1
            } else if d > on_cut {
                1
            } else {
                0
            }
        })
        .collect();
    let extent = Extent {
        lowest: lowest + level,
        highest: highest + level,
        any_behind: lowest < -on_cut,
        any_in_front: highest > on_cut,
        rounding: on_cut,
    };
    Sides { values, sides, extent }
}

/// Clips `mesh` to the side of the cut `sides` describes (what [`sides`]
/// or [`classify`] gave for this mesh) whose values are negative.
pub(crate) fn clip(mesh: &IndexedMesh, sides: &Sides) -> Clip {
    let (values, extent) = (&sides.values, &sides.extent);
    let sides = &sides.sides;
    let mut builder = Builder {
        source: mesh,
        values,
        sides,
        index_of: vec![u32::MAX; mesh.positions.len()],
        positions: Vec::with_capacity(mesh.positions.len()),
        crossings: FxHashMap::default(),
    };
    // Vertices behind the plane keep their order; vertices on it and new
    // ones follow, in the order the cut meets them.
    for (v, &side) in sides.iter().enumerate() {
        if side < 0 {
            builder.index_of[v] = builder.positions.len() as u32;
            builder.positions.push(mesh.positions[v]);
        }
    }

    let mut triangles = Vec::with_capacity(mesh.triangles.len());
    let mut outline = Vec::new();
    // The faces made by cutting: the only ones with vertices on the plane.
    let mut cut_faces = Vec::new();
    for t in &mesh.triangles {
        let behind = t.map(|v| sides[v as usize] < 0);
        match behind {
            [true, true, true] => triangles.push(t.map(|v| builder.index_of[v as usize])),
            [false, false, false] => {}
            _ => {
                // Rotate so the corner that is alone on its side comes first.
                let lone = (0..3).find(|&i| behind[i] != behind[(i + 1) % 3] && behind[i] != behind[(i + 2) % 3]);
                let Some(first) = lone else { continue };
                let [a, b, c] = [t[first], t[(first + 1) % 3], t[(first + 2) % 3]];
                let made_from = triangles.len() as u32;
                let cut = if behind[first] {
                    builder.cut_one_behind(a, b, c, &mut triangles)
                } else {
                    builder.cut_two_behind(b, c, a, &mut triangles)
                };
                cut_faces.extend(made_from..triangles.len() as u32);
                if let Some(edge) = cut {
                    // The face with the outline edge is the last one kept.
                    outline.push((edge, triangles.len() as u32 - 1));
                }
            }
        }
    }
    let positions = builder.positions;
    let collapsed = collapse_short_edges(&positions, &mut triangles, &cut_faces, &mut outline, extent.rounding);
    // An edge found by both of its faces (a ridge touching the plane from
    // behind) has kept faces on both sides: it is no outline at all.
    let found: FxHashSet<[u32; 2]> = outline.iter().map(|&(edge, _)| edge).collect();
    outline.retain(|&([a, b], _)| !found.contains(&[b, a]));
    let (mut outline, outline_faces): (Vec<[u32; 2]>, Vec<u32>) = outline.into_iter().unzip();
    let mut mesh = IndexedMesh { positions, triangles };
    if collapsed {
        let new_index = mesh.drop_unused_vertices();
        for edge in &mut outline {
            *edge = edge.map(|v| new_index[v as usize]);
        }
    }
    Clip { mesh, outline, outline_faces }
}

/// Collapses every outline edge not longer than `length` into its first
/// vertex, then drops the faces and outline edges left without length or
/// area (a face dropped had its outline edge collapsed). Returns whether
/// it did: the collapsed vertices are left in `positions`, unused.
fn collapse_short_edges(
    positions: &[[f32; 3]],
    triangles: &mut Vec<[u32; 3]>,
    cut_faces: &[u32],
    outline: &mut Vec<([u32; 2], u32)>,
    length: f64,
) -> bool {
    let short = |&([a, b], _): &([u32; 2], u32)| {
        let (p, q) = (positions[a as usize], positions[b as usize]);
        (0..3).map(|i| (f64::from(p[i]) - f64::from(q[i])).powi(2)).sum::<f64>() <= length * length
    };
    if !outline.iter().any(short) {
        return false;
    }
    // Union-find over the vertices, each short edge joining its two ends.
    let mut parent: FxHashMap<u32, u32> = FxHashMap::default();
    fn root(parent: &FxHashMap<u32, u32>, mut v: u32) -> u32 {
        while let Some(&up) = parent.get(&v) {
            v = up;
        }
        v
    }
    for &([a, b], _) in outline.iter().filter(|e| short(e)) {
        let (ra, rb) = (root(&parent, a), root(&parent, b));
        if ra != rb {
            parent.insert(rb, ra);
        }
    }
    let mut dropped = vec![false; triangles.len()];
    for &f in cut_faces {
        let t = triangles[f as usize].map(|v| root(&parent, v));
        triangles[f as usize] = t;
        dropped[f as usize] = t[0] == t[1] || t[1] == t[2] || t[2] == t[0];
    }
    // Face indices shift down past the dropped ones.
    let mut new_index = Vec::with_capacity(triangles.len());
    let mut kept = 0u32;
    for &gone in &dropped {
        new_index.push(kept);
        kept += u32::from(!gone);
    }
    let mut face = 0;
    triangles.retain(|_| {
        face += 1;
        !dropped[face - 1]
    });
    outline.retain_mut(|(edge, face)| {
        *edge = edge.map(|v| root(&parent, v));
        *face = new_index[*face as usize];
        edge[0] != edge[1]
    });
    true
}

struct Builder<'a> {
    source: &'a IndexedMesh,
    values: &'a [f64],
    sides: &'a [i8],
    /// Output index of each input vertex, `u32::MAX` until used.
    index_of: Vec<u32>,
    positions: Vec<[f32; 3]>,
    /// The vertex made on each crossing edge, by `(lower, higher)` input index.
    crossings: FxHashMap<u64, u32>,
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
        for vertex in [v, w] {
            if self.sides[vertex as usize] == 0 {
                return self.use_input_vertex(vertex);
            }
        }
        let (lo, hi) = (v.min(w), v.max(w));
        let key = u64::from(lo) << 32 | u64::from(hi);
        if let Some(&made) = self.crossings.get(&key) {
            return made;
        }
        // Always from the lower index, so the point does not depend on which face asks.
        let (p, q) = (self.source.positions[lo as usize], self.source.positions[hi as usize]);
        // Both ends are off the cut, on opposite sides: the difference is not zero.
        let (d_lo, d_hi) = (self.values[lo as usize], self.values[hi as usize]);
        let t = d_lo / (d_lo - d_hi);
        let point = [0, 1, 2].map(|i| (f64::from(p[i]) + t * (f64::from(q[i]) - f64::from(p[i]))) as f32);
        let made = self.positions.len() as u32;
        self.positions.push(point);
        self.crossings.insert(key, made);
        made
    }

    fn use_input_vertex(&mut self, v: u32) -> u32 {
        if self.index_of[v as usize] == u32::MAX {
            self.index_of[v as usize] = self.positions.len() as u32;
            self.positions.push(self.source.positions[v as usize]);
        }
        self.index_of[v as usize]
    }
}
