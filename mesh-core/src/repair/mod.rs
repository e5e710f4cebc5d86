//! Mesh repair: the fixes a scan or an export usually needs before it can
//! be printed. Each step is a method on [`IndexedMesh`] that says what it
//! changed; [`repair`] runs them all, in this order:
//!
//! 1. remove degenerate and duplicate faces ([`IndexedMesh::remove_degenerate_faces`]);
//! 2. merge vertices closer than a tolerance ([`IndexedMesh::weld_within`]),
//!    which can collapse more faces;
//! 3. remove small loose pieces ([`IndexedMesh::remove_small_components`]),
//!    before hole filling would cap a stray triangle into a flat pillow;
//! 4. make the winding consistent and closed pieces outward
//!    ([`IndexedMesh::orient_consistently`]), which hole filling follows;
//! 5. fill holes up to a size ([`IndexedMesh::fill_holes`]), then orient
//!    once more: a piece the filling closed can now be turned outward;
//! 6. remove the vertices no face uses ([`IndexedMesh::remove_unused_vertices`]).
//!
//! Invariant: every step keeps the `IndexedMesh` invariant and moves no
//! vertex; a step with nothing to do leaves the mesh exactly as it was, so
//! repairing a valid closed mesh gives back the same mesh and an empty report.

mod components;
mod degenerate;
mod edges;
mod fill;
mod orient;
mod weld;

use std::fmt;

pub use components::ComponentRemoval;
pub(crate) use components::piece_of_each_face;
pub use degenerate::DegenerateRemoval;
pub use fill::{FilledHole, HoleFilling, UnfilledHole, UnfilledReason};
pub use orient::OrientationChange;
pub use weld::WeldChange;

use crate::IndexedMesh;
use crate::vector::{cross, dot, sub};

/// How far [`repair`] goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepairOptions {
    /// Vertices closer than this (in mm) become one. The default, 0.1 µm,
    /// is far below any printer's or scanner's resolution but above the
    /// rounding of `f32` coordinates in a model up to a metre across.
    pub weld_tolerance_mm: f32,
    /// Holes with longer rims (in edges) are reported, not filled.
    pub max_hole_edges: usize,
    /// Loose pieces with fewer faces than this fraction of the largest piece's are removed …
    pub min_piece_fraction: f64,
    /// … and so are pieces with fewer faces than this (four faces are the
    /// least that can enclose a volume). A piece as large as the largest is always kept.
    pub min_piece_faces: usize,
}

impl Default for RepairOptions {
    fn default() -> Self {
        RepairOptions { weld_tolerance_mm: 1e-4, max_hole_edges: 500, min_piece_fraction: 0.01, min_piece_faces: 4 }
    }
}

/// What [`repair`] changed, step by step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepairReport {
    pub degenerate: DegenerateRemoval,
    pub weld: WeldChange,
    pub small_pieces: ComponentRemoval,
    pub orientation: OrientationChange,
    pub holes: HoleFilling,
    pub unused_vertices: usize,
}

impl RepairReport {
    /// Whether repair changed nothing and found nothing it had to leave.
    pub fn is_empty(&self) -> bool {
        self.lines().is_empty()
    }

    /// One line per change or leftover problem, for people: "removed 2
    /// degenerate faces", "filled 1 hole (4 edges, 2 faces)", "left 1 hole
    /// of 812 edges unfilled (larger than 500)".
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let d = &self.degenerate;
        if d.degenerate_faces() > 0 {
            lines.push(format!("removed {}", count(d.degenerate_faces(), "degenerate face", "degenerate faces")));
        }
        if d.duplicate_faces > 0 {
            lines.push(format!("removed {}", count(d.duplicate_faces, "duplicate face", "duplicate faces")));
        }
        if self.weld.merged_vertices > 0 {
            lines.push(format!(
                "merged {} closer than {} mm",
                count(self.weld.merged_vertices, "vertex", "vertices"),
                self.weld.tolerance_mm
            ));
        }
        if self.weld.removed_faces > 0 {
            lines.push(format!("removed {} collapsed by merging", count(self.weld.removed_faces, "face", "faces")));
        }
        if self.small_pieces.pieces > 0 {
            lines.push(format!(
                "removed {} ({})",
                count(self.small_pieces.pieces, "small loose piece", "small loose pieces"),
                count(self.small_pieces.faces, "face", "faces")
            ));
        }
        let o = &self.orientation;
        if o.flipped_faces > 0 {
            lines.push(format!("flipped {} to agree with the faces around", count(o.flipped_faces, "face", "faces")));
        }
        if o.inverted_pieces > 0 {
            lines.push(format!(
                "turned {} outward ({})",
                count(o.inverted_pieces, "inside-out piece", "inside-out pieces"),
                count(o.inverted_piece_faces, "face", "faces")
            ));
        }
        let filled = &self.holes.filled;
        if !filled.is_empty() {
            lines.push(format!(
                "filled {} ({}, {})",
                count(filled.len(), "hole", "holes"),
                count(filled.iter().map(|h| h.edges).sum(), "edge", "edges"),
                count(filled.iter().map(|h| h.faces).sum(), "face", "faces")
            ));
        }
        // Holes left alike are told once: a triangle soup has hundreds.
        let mut unfilled: Vec<(&UnfilledHole, usize)> = Vec::new();
        for hole in &self.holes.unfilled {
            match unfilled.iter_mut().find(|(seen, _)| *seen == hole) {
                Some((_, times)) => *times += 1,
                None => unfilled.push((hole, 1)),
            }
        }
        for (hole, times) in unfilled {
            let why = match hole.reason {
                UnfilledReason::LargerThan { max_edges } => format!("larger than {max_edges}"),
                UnfilledReason::NoTriangulation => "no triangulation without folds".to_owned(),
                UnfilledReason::OpenRim => "its rim does not close".to_owned(),
                UnfilledReason::LoneFace => "the rim of a lone face".to_owned(),
            };
            lines.push(format!(
                "left {} of {} unfilled ({why})",
                count(times, "hole", "holes"),
                count(hole.edges, "edge", "edges")
            ));
        }
        if self.unused_vertices > 0 {
            lines.push(format!("removed {}", count(self.unused_vertices, "unused vertex", "unused vertices")));
        }
        lines
    }
}

impl RepairReport {
    /// The report in one sentence for people, such as "dropped 5 loose
    /// crumbs, filled 3 small holes; left the open rim (812 edges) for the
    /// base to close", or "nothing to repair".
    pub fn summary(&self) -> String {
        let mut done = Vec::new();
        let bad = self.degenerate.degenerate_faces() + self.degenerate.duplicate_faces + self.weld.removed_faces;
        if bad > 0 {
            done.push(format!("removed {}", count(bad, "broken face", "broken faces")));
        }
        if self.weld.merged_vertices > 0 {
            done.push(format!("closed cracks at {}", count(self.weld.merged_vertices, "vertex", "vertices")));
        }
        if self.small_pieces.pieces > 0 {
            done.push(format!("dropped {}", count(self.small_pieces.pieces, "loose crumb", "loose crumbs")));
        }
        let turned = self.orientation.flipped_faces + self.orientation.inverted_piece_faces;
        if turned > 0 {
            done.push(format!("turned {} outward", count(turned, "face", "faces")));
        }
        if !self.holes.filled.is_empty() {
            done.push(format!("filled {}", count(self.holes.filled.len(), "hole", "holes")));
        }
        let mut said = if done.is_empty() { "nothing to repair".to_owned() } else { done.join(", ") };
        let left = &self.holes.unfilled;
        if let Some(largest) = left.iter().map(|h| h.edges).max() {
            let rim = left.iter().filter(|h| matches!(h.reason, UnfilledReason::LargerThan { .. })).count();
            said.push_str(&match (left.len(), rim) {
                (1, 1) => format!("; left the open rim ({largest} edges) for the base to close"),
                (n, _) => {
                    format!("; left {} unfilled (the largest of {largest} edges)", count(n, "opening", "openings"))
                }
            });
        }
        said
    }
}

impl fmt::Display for RepairReport {
    /// The lines of [`RepairReport::lines`], or "nothing to repair".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = self.lines();
        if lines.is_empty() { f.write_str("nothing to repair") } else { f.write_str(&lines.join("\n")) }
    }
}

/// Runs every repair step on a copy of `mesh` (the order is in the module
/// documentation) and says what each changed.
pub fn repair(mesh: &IndexedMesh, options: &RepairOptions) -> (IndexedMesh, RepairReport) {
    let mut mesh = mesh.clone();
    if is_sound(&mesh) {
        // Closed, manifold, outward and without degenerate or repeated
        // faces: the other steps would find nothing (welding only joins
        // rims, and there are none), so only loose pieces are looked at.
        let small_pieces = mesh.remove_small_components(options.min_piece_fraction, options.min_piece_faces);
        let unused_vertices = mesh.remove_unused_vertices();
        return (mesh, RepairReport { small_pieces, unused_vertices, ..RepairReport::default() });
    }
    let degenerate = mesh.remove_degenerate_faces();
    let weld = mesh.weld_within(options.weld_tolerance_mm);
    let small_pieces = mesh.remove_small_components(options.min_piece_fraction, options.min_piece_faces);
    let mut orientation = mesh.orient_consistently();
    let holes = mesh.fill_holes(options.max_hole_edges);
    if !holes.filled.is_empty() {
        orientation.add(mesh.orient_consistently());
    }
    let unused_vertices = mesh.remove_unused_vertices();
    (mesh, RepairReport { degenerate, weld, small_pieces, orientation, holes, unused_vertices })
}

/// Whether the validation report finds nothing but loose pieces to repair.
fn is_sound(mesh: &IndexedMesh) -> bool {
    let report = crate::validate(mesh);
    report.watertight
        && report.non_manifold_edges == 0
        && report.degenerate_faces == 0
        && report.duplicate_faces == 0
        && report.orientation == crate::Orientation::Consistent { outward: true }
}

impl IndexedMesh {
    /// Removes the vertices no face uses; the others keep their order.
    /// Returns how many were removed.
    pub fn remove_unused_vertices(&mut self) -> usize {
        let before = self.positions.len();
        self.drop_unused_vertices();
        before - self.positions.len()
    }

    /// [`IndexedMesh::remove_unused_vertices`], returning each old vertex's
    /// new index (`u32::MAX` for a removed one).
    pub(crate) fn drop_unused_vertices(&mut self) -> Vec<u32> {
        const UNUSED: u32 = u32::MAX;
        let mut new_index = vec![UNUSED; self.positions.len()];
        for &v in self.triangles.iter().flatten() {
            new_index[v as usize] = 0;
        }
        let mut kept = 0u32;
        for slot in new_index.iter_mut().filter(|slot| **slot != UNUSED) {
            *slot = kept;
            kept += 1;
        }
        if (kept as usize) < self.positions.len() {
            let mut i = 0;
            self.positions.retain(|_| {
                let keep = new_index[i] != UNUSED;
                i += 1;
                keep
            });
            for t in &mut self.triangles {
                *t = t.map(|v| new_index[v as usize]);
            }
        }
        new_index
    }
}

/// "1 face", "3 faces".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The area at or below which a face has nothing to print: relative to the
/// model's size, as in the validation report.
fn degenerate_area_limit(mesh: &IndexedMesh) -> f64 {
    let squared_diagonal = mesh.bounds().map_or(1.0, |b| b.size().iter().map(|s| f64::from(*s).powi(2)).sum::<f64>());
    squared_diagonal * 1e-14
}

fn triangle_area(positions: &[[f32; 3]], t: [u32; 3]) -> f64 {
    let [a, b, c] = t.map(|i| positions[i as usize].map(f64::from));
    let n = cross(sub(b, a), sub(c, a));
    0.5 * dot(n, n).sqrt()
}

/// A face's vertices in increasing order: the same for every rotation and winding.
fn sorted_face(mut t: [u32; 3]) -> [u32; 3] {
    t.sort_unstable();
    t
}
