//! Where a label goes: the flat face of the model in the label's plane
//! (faces whose corners all lie in it and which face its normal), split
//! into regions connected through edges (a base under separate teeth has
//! one region per tooth), and whether the label's block fits on one.
//!
//! The label's frame: x (the reading direction) is the model's X axis as
//! seen on the face (Z when the face looks along X), turned by the
//! rotation; y = normal × x. Seen from outside, x is to the right and y up,
//! so the text reads the right way round from outside the model (from
//! below, for a base).

use rustc_hash::FxHashSet;

use super::LabelOptions;
use super::error::LabelError;
use super::layout::{LabelShape, label_shape};
use crate::IndexedMesh;
use crate::ops::UnitPlane;
use crate::repair::piece_of_each_face;
use crate::vector::{cross, dot};

/// The label's axes on the face's plane.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LabelFrame {
    pub(crate) origin: [f64; 3],
    pub(crate) right: [f64; 3],
    pub(crate) up: [f64; 3],
    pub(crate) normal: [f64; 3],
}

impl LabelFrame {
    pub(crate) fn new(plane: &UnitPlane, rotation_deg: f64) -> Self {
        let normal = plane.normal;
        let along = |axis: [f64; 3]| {
            let off = dot(axis, normal);
            let v = [0, 1, 2].map(|i| axis[i] - off * normal[i]);
            let length = dot(v, v).sqrt();
            (length > 0.1).then(|| v.map(|c| c / length))
        };
        // The normal is a unit vector: it is not along both X and Z.
        let x = along([1.0, 0.0, 0.0]).or_else(|| along([0.0, 0.0, 1.0])).unwrap_or([0.0, 1.0, 0.0]);
        let y = cross(normal, x);
        let (sin, cos) = rotation_deg.to_radians().sin_cos();
        let right = [0, 1, 2].map(|i| cos * x[i] + sin * y[i]);
        let up = cross(normal, right);
        LabelFrame { origin: plane.origin, right, up, normal }
    }

    /// The point at `p` in the label's coordinates, `height` mm out of the face.
    pub(crate) fn point(&self, p: [f64; 2], height: f64) -> [f64; 3] {
        [0, 1, 2].map(|i| self.origin[i] + p[0] * self.right[i] + p[1] * self.up[i] + height * self.normal[i])
    }

    /// `p` in the label's coordinates (its height dropped).
    pub(crate) fn flat(&self, p: [f32; 3]) -> [f64; 2] {
        let d = [0, 1, 2].map(|i| f64::from(p[i]) - self.origin[i]);
        [dot(d, self.right), dot(d, self.up)]
    }
}

/// Where the label goes: its box on the face, before anything is built.
#[derive(Debug, Clone)]
pub(crate) struct LabelBox {
    pub(crate) plane: UnitPlane,
    pub(crate) shape: LabelShape,
    pub(crate) frame: LabelFrame,
    /// The face's regions, the label's centre and its box (with the margin), in the label's coordinates.
    pub(crate) regions: Vec<FlatRegion>,
    pub(crate) centre: [f64; 2],
    pub(crate) min: [f64; 2],
    pub(crate) max: [f64; 2],
}

/// Where `options` put the label on `mesh`: at the centre of the largest
/// flat region of the face, moved by the offset. Whether it fits there is
/// the caller's question.
pub(crate) fn label_box(mesh: &IndexedMesh, options: &LabelOptions<'_>) -> Result<LabelBox, LabelError> {
    let plane = options
        .face
        .checked()
        .ok_or(LabelError::InvalidFace { origin: options.face.origin, normal: options.face.normal })?;
    let shape = label_shape(options)?;
    let frame = LabelFrame::new(&plane, f64::from(options.rotation_deg));
    let size = mesh.bounds().map_or(1.0, |b| (0..3).map(|i| f64::from(b.max[i] - b.min[i])).fold(0.0, f64::max));
    let regions = flat_regions(mesh, &plane, &frame, 1e-5 * size.max(1.0));
    let not_found = || LabelError::FaceNotFound { origin: options.face.origin, normal: options.face.normal };
    let largest = regions.iter().max_by(|a, b| a.area.total_cmp(&b.area)).ok_or_else(not_found)?;
    let anchor = largest.centre();
    let centre = [anchor[0] + f64::from(options.offset_mm[0]), anchor[1] + f64::from(options.offset_mm[1])];
    let half = [shape.size_mm[0] / 2.0, shape.size_mm[1] / 2.0];
    let (min, max) = ([centre[0] - half[0], centre[1] - half[1]], [centre[0] + half[0], centre[1] + half[1]]);
    Ok(LabelBox { plane, shape, frame, regions, centre, min, max })
}

/// Faces of the flat face connected through edges.
#[derive(Debug, Clone)]
pub(crate) struct FlatRegion {
    /// Indices into the mesh's triangles.
    pub(crate) faces: Vec<u32>,
    /// The region's boundary: its faces' edges that no other face of it shares, as its faces run them.
    pub(crate) boundary: Vec<[u32; 2]>,
    /// Its box in the label's coordinates.
    pub(crate) min: [f64; 2],
    pub(crate) max: [f64; 2],
    pub(crate) area: f64,
}

impl FlatRegion {
    pub(crate) fn size(&self) -> [f64; 2] {
        [self.max[0] - self.min[0], self.max[1] - self.min[1]]
    }

    pub(crate) fn centre(&self) -> [f64; 2] {
        [(self.min[0] + self.max[0]) / 2.0, (self.min[1] + self.max[1]) / 2.0]
    }

    /// Whether `point` is inside the region (its boundary winds round it).
    pub(crate) fn contains(&self, mesh: &IndexedMesh, frame: &LabelFrame, point: [f64; 2]) -> bool {
        let mut winding = 0;
        for &[a, b] in &self.boundary {
            let (p, q) = (frame.flat(mesh.positions[a as usize]), frame.flat(mesh.positions[b as usize]));
            let side = (q[0] - p[0]) * (point[1] - p[1]) - (point[0] - p[0]) * (q[1] - p[1]);
            if p[1] <= point[1] && q[1] > point[1] && side > 0.0 {
                winding += 1;
            } else if q[1] <= point[1] && p[1] > point[1] && side < 0.0 {
                winding -= 1;
            }
        }
        winding != 0
    }

    /// Whether any boundary edge touches the closed box `min..max`.
    pub(crate) fn edge_meets_box(&self, mesh: &IndexedMesh, frame: &LabelFrame, min: [f64; 2], max: [f64; 2]) -> bool {
        self.boundary.iter().any(|&[a, b]| {
            let (p, q) = (frame.flat(mesh.positions[a as usize]), frame.flat(mesh.positions[b as usize]));
            segment_meets_box(p, q, min, max)
        })
    }
}

/// The regions of `mesh`'s faces lying in `plane` (corners within
/// `tolerance` of it) and facing its normal.
pub(crate) fn flat_regions(
    mesh: &IndexedMesh,
    plane: &UnitPlane,
    frame: &LabelFrame,
    tolerance: f64,
) -> Vec<FlatRegion> {
    let faces: Vec<u32> = (0..mesh.triangles.len() as u32)
        .filter(|&f| {
            let corners = mesh.triangles[f as usize].map(|v| mesh.positions[v as usize]);
            if corners.iter().any(|&p| plane.distance(p).abs() > tolerance) {
                return false;
            }
            let [a, b, c] = corners.map(|p| p.map(f64::from));
            let n = cross([0, 1, 2].map(|i| b[i] - a[i]), [0, 1, 2].map(|i| c[i] - a[i]));
            dot(n, plane.normal) >= 0.0
        })
        .collect();
    let triangles: Vec<[u32; 3]> = faces.iter().map(|&f| mesh.triangles[f as usize]).collect();
    let piece = piece_of_each_face(&triangles);
    let mut order: Vec<usize> = (0..faces.len()).collect();
    order.sort_by_key(|&i| piece[i]);
    order
        .chunk_by(|&i, &j| piece[i] == piece[j])
        .map(|group| {
            let directed: FxHashSet<[u32; 2]> = group.iter().flat_map(|&i| edges(triangles[i])).collect();
            let boundary: Vec<[u32; 2]> =
                group.iter().flat_map(|&i| edges(triangles[i])).filter(|&[a, b]| !directed.contains(&[b, a])).collect();
            let mut min = [f64::INFINITY; 2];
            let mut max = [f64::NEG_INFINITY; 2];
            let mut area = 0.0;
            for &i in group {
                let [a, b, c] = triangles[i].map(|v| frame.flat(mesh.positions[v as usize]));
                area += ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs() / 2.0;
                for p in [a, b, c] {
                    min = [min[0].min(p[0]), min[1].min(p[1])];
                    max = [max[0].max(p[0]), max[1].max(p[1])];
                }
            }
            FlatRegion { faces: group.iter().map(|&i| faces[i]).collect(), boundary, min, max, area }
        })
        .collect()
}

fn edges([a, b, c]: [u32; 3]) -> [[u32; 2]; 3] {
    [[a, b], [b, c], [c, a]]
}

/// Whether the triangle `corners` and the closed box `min..max` overlap.
pub(crate) fn triangle_meets_box(corners: [[f64; 2]; 3], min: [f64; 2], max: [f64; 2]) -> bool {
    let edges = [(corners[0], corners[1]), (corners[1], corners[2]), (corners[2], corners[0])];
    if edges.iter().any(|&(p, q)| segment_meets_box(p, q, min, max)) {
        return true;
    }
    // Else the box is wholly inside the triangle or wholly outside it.
    let centre = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
    let side = |(p, q): ([f64; 2], [f64; 2])| (q[0] - p[0]) * (centre[1] - p[1]) - (centre[0] - p[0]) * (q[1] - p[1]);
    let sides = edges.map(side);
    sides.iter().all(|&s| s > 0.0) || sides.iter().all(|&s| s < 0.0)
}

/// Whether the segment `p → q` touches the closed box `min..max` (Liang–Barsky clipping).
fn segment_meets_box(p: [f64; 2], q: [f64; 2], min: [f64; 2], max: [f64; 2]) -> bool {
    let (mut enter, mut leave) = (0.0f64, 1.0f64);
    for k in 0..2 {
        let d = q[k] - p[k];
        if d == 0.0 {
            if p[k] < min[k] || p[k] > max[k] {
                return false;
            }
            continue;
        }
        let (t0, t1) = ((min[k] - p[k]) / d, (max[k] - p[k]) / d);
        enter = enter.max(t0.min(t1));
        leave = leave.min(t0.max(t1));
        if enter > leave {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::segment_meets_box;

    #[test]
    fn segments_meet_a_box_when_they_cross_touch_or_lie_inside_it() {
        let (min, max) = ([0.0, 0.0], [2.0, 1.0]);
        assert!(segment_meets_box([-1.0, 0.5], [3.0, 0.5], min, max));
        assert!(segment_meets_box([0.5, 0.5], [1.0, 0.8], min, max));
        assert!(segment_meets_box([2.0, -1.0], [2.0, 0.0], min, max));
        assert!(!segment_meets_box([-1.0, 2.0], [3.0, 1.5], min, max));
        assert!(!segment_meets_box([-1.0, 0.0], [0.0, 2.0], min, max));
    }
}
