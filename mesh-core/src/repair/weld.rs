//! Tolerance welding: vertices on the rims of cracks, closer than a
//! tolerance, become one.
//!
//! Readers weld bit-identical positions only; exports that wrote each
//! triangle's corners separately, with rounding, leave cracks of a few
//! float steps that this closes. Only vertices on a boundary edge (an edge
//! with one face) take part: merging two vertices inside a closed surface
//! would collapse a short edge there, changing a valid mesh without
//! closing anything (the real dental arches of the corpus have a dozen
//! such edges, shorter than 0.1 µm). Vertices are placed in a grid of cells as
//! wide as the tolerance, so a vertex's partners are in its own cell or the
//! 26 around it: linear time.

use rustc_hash::{FxHashMap, FxHashSet};

use super::edges::EdgeTable;
use super::sorted_face;
use crate::IndexedMesh;

/// The tolerance never exceeds this fraction of the model's bounding-box
/// diagonal, so a model drawn very small is not collapsed by a tolerance
/// meant for millimetres.
const MAX_RELATIVE_TOLERANCE: f64 = 1e-4;

const NONE: u32 = u32::MAX;

/// What [`IndexedMesh::weld_within`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeldChange {
    /// The tolerance used, in mm: the one asked for, capped by the model's size.
    pub tolerance_mm: f32,
    /// Vertices merged into a nearby one (and removed).
    pub merged_vertices: usize,
    /// Faces that merging collapsed or made repeat another face.
    pub removed_faces: usize,
}

impl WeldChange {
    pub fn is_empty(&self) -> bool {
        self.merged_vertices == 0 && self.removed_faces == 0
    }
}

impl IndexedMesh {
    /// Merges every vertex on a boundary edge lying within `tolerance_mm`
    /// of an earlier kept boundary vertex into the nearest such one, which
    /// keeps its position. Faces
    /// then collapsed or repeated are removed; the remaining vertices and
    /// faces keep their order. A tolerance that is not a positive number
    /// merges nothing.
    pub fn weld_within(&mut self, tolerance_mm: f32) -> WeldChange {
        let diagonal =
            self.bounds().map_or(0.0, |b| b.size().iter().map(|s| f64::from(*s).powi(2)).sum::<f64>().sqrt());
        let tolerance = f64::from(tolerance_mm).min(diagonal * MAX_RELATIVE_TOLERANCE);
        let mut change = WeldChange { tolerance_mm: tolerance as f32, ..WeldChange::default() };
        let largest_coordinate = self.positions.iter().flatten().fold(0.0f64, |m, c| m.max(f64::from(c.abs())));
        // Beyond 2^50 cells per axis a cell index loses its meaning (and f32
        // positions there are farther apart than any tolerance anyway).
        if tolerance.is_nan() || tolerance <= 0.0 || largest_coordinate / tolerance > 1e15 {
            return change;
        }

        let mut on_boundary = vec![false; self.positions.len()];
        for group in EdgeTable::new(&self.triangles).groups() {
            if let [(key, _)] = group {
                on_boundary[(key >> 32) as usize] = true;
                on_boundary[(key & u64::from(u32::MAX)) as usize] = true;
            }
        }
        let representative = cluster(&self.positions, &on_boundary, tolerance);
        change.merged_vertices = representative.iter().enumerate().filter(|&(i, &r)| r as usize != i).count();
        if change.merged_vertices == 0 {
            return change;
        }

        let mut new_index = vec![NONE; self.positions.len()];
        let mut positions = Vec::with_capacity(self.positions.len() - change.merged_vertices);
        for (i, &position) in self.positions.iter().enumerate() {
            if representative[i] as usize == i {
                new_index[i] = positions.len() as u32;
                positions.push(position);
            }
        }
        self.positions = positions;
        // A representative is always an earlier (kept) vertex, so every index maps.
        let mut seen = FxHashSet::with_capacity_and_hasher(self.triangles.len(), Default::default());
        let before = self.triangles.len();
        self.triangles.retain_mut(|t| {
            *t = t.map(|v| new_index[representative[v as usize] as usize]);
            t[0] != t[1] && t[1] != t[2] && t[2] != t[0] && seen.insert(sorted_face(*t))
        });
        change.removed_faces = before - self.triangles.len();
        change
    }
}

/// For each vertex, the vertex it merges into (itself when it is kept).
///
/// Greedy in vertex order: a candidate vertex joins the nearest kept
/// candidate within the tolerance, or is kept. Each cell holds a chain of
/// its kept candidates.
fn cluster(positions: &[[f32; 3]], candidate: &[bool], tolerance: f64) -> Vec<u32> {
    let cell_of = |p: [f32; 3]| p.map(|c| (f64::from(c) / tolerance).floor() as i64);
    let mut heads: FxHashMap<[i64; 3], u32> = FxHashMap::with_capacity_and_hasher(positions.len(), Default::default());
    let mut next_in_cell = vec![NONE; positions.len()];
    let mut representative = Vec::with_capacity(positions.len());
    let squared_tolerance = tolerance * tolerance;
    for (i, &p) in positions.iter().enumerate() {
        if !candidate[i] {
            representative.push(i as u32);
            continue;
        }
        let cell = cell_of(p);
        let mut nearest: Option<(f64, u32)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for dz in -1..=1 {
                    let around = [cell[0].saturating_add(dx), cell[1].saturating_add(dy), cell[2].saturating_add(dz)];
                    let mut kept = heads.get(&around).copied().unwrap_or(NONE);
                    while kept != NONE {
                        let q = positions[kept as usize];
                        let d2: f64 = (0..3).map(|axis| (f64::from(p[axis]) - f64::from(q[axis])).powi(2)).sum();
                        if d2 <= squared_tolerance && nearest.is_none_or(|(best, _)| d2 < best) {
                            nearest = Some((d2, kept));
                        }
                        kept = next_in_cell[kept as usize];
                    }
                }
            }
        }
        match nearest {
            Some((_, kept)) => representative.push(kept),
            None => {
                let index = i as u32;
                representative.push(index);
                next_in_cell[i] = heads.insert(cell, index).unwrap_or(NONE);
            }
        }
    }
    representative
}
