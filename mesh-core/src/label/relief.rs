//! Putting a label on a model: the flat face's region under the label is
//! triangulated again with the label's outlines as holes (the cut cap's
//! constrained Delaunay triangulation with winding numbers), and each
//! outline gets straight walls out of the face (emboss) or into it
//! (engrave) and a flat top or floor triangulated the same way.
//!
//! Why this construction: every new edge is either an outline edge, shared
//! by exactly the face's triangulation and a wall, or a wall's or top's
//! own edge, so the result is closed and manifold by construction, and the
//! region's boundary is kept exactly, so the rest of the model is
//! untouched. The label lies inside the region with its margin (checked
//! first), so no outline meets the region's edge.

use super::LabelOptions;
use super::Relief;
use super::error::LabelError;
use super::face::{FlatRegion, LabelBox, LabelFrame, label_box, triangle_meets_box};
use super::layout::LabelShape;
use crate::IndexedMesh;
use crate::ops::{CapFailure, UnitPlane, cap, join_rings};

/// The labelled model.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub mesh: IndexedMesh,
    /// The label as laid out (its outlines, size and code grid), in the
    /// label's coordinates: from `centre`, x along `right`, y along `up`.
    pub shape: LabelShape,
    /// Where the label's centre is on the face, in mm.
    pub centre: [f32; 3],
    /// The label's reading direction and its up direction on the face (unit
    /// vectors; `right × up` is the face's outward normal, so the label reads
    /// the right way round from outside).
    pub right: [f32; 3],
    pub up: [f32; 3],
}

/// Embosses or engraves the label `options` describe on the flat face
/// `options.face` of `mesh`. The model is not changed: on any error
/// nothing is made.
pub fn label(mesh: &IndexedMesh, options: &LabelOptions<'_>) -> Result<Labelled, LabelError> {
    let depth = options.depth_mm;
    if !(depth.is_finite() && depth > 0.0) {
        return Err(LabelError::Depth { got: depth });
    }
    if !(options.offset_mm.iter().all(|c| c.is_finite()) && options.rotation_deg.is_finite()) {
        return Err(LabelError::Placement);
    }
    let LabelBox { plane, shape, frame, regions, centre, min, max } = label_box(mesh, options)?;
    let size = mesh.bounds().map_or(1.0, |b| (0..3).map(|i| f64::from(b.max[i] - b.min[i])).fold(0.0, f64::max));
    let largest = regions
        .iter()
        .max_by(|a, b| a.area.total_cmp(&b.area))
        .ok_or(LabelError::FaceNotFound { origin: options.face.origin, normal: options.face.normal })?;
    let under: Vec<&FlatRegion> = regions.iter().filter(|r| r.contains(mesh, &frame, centre)).collect();
    let centre_3d = frame.point(centre, 0.0).map(|c| c as f32);
    let Some(region) = under.iter().find(|r| !r.edge_meets_box(mesh, &frame, min, max)) else {
        let face = under.first().copied().unwrap_or(largest).size();
        return Err(LabelError::DoesNotFit {
            label_mm: shape.size_mm.map(|c| c as f32),
            face_mm: face.map(|c| c as f32),
            at: centre_3d,
        });
    };
    let height = match options.relief {
        Relief::Emboss => f64::from(depth),
        Relief::Engrave => -f64::from(depth),
    };
    check_clearance(mesh, &plane, &frame, region, (min, max), height, 1e-5 * size.max(1.0))
        .map_err(|at| LabelError::RunsIntoModel { depth, at })?;

    let mut result = mesh.clone();
    let moved: Vec<Vec<[f64; 2]>> =
        shape.contours.iter().map(|c| c.iter().map(|p| [p[0] + centre[0], p[1] + centre[1]]).collect()).collect();
    build_relief(&mut result, region, &plane, &frame, &moved, height).map_err(|failure| {
        let (CapFailure::Coincident { at } | CapFailure::Crossing { at } | CapFailure::Overlapping { at }) = failure;
        LabelError::Unbuildable { at }
    })?;
    Ok(Labelled {
        mesh: result,
        shape,
        centre: centre_3d,
        right: frame.right.map(|c| c as f32),
        up: frame.up.map(|c| c as f32),
    })
}

/// `Err` with a point of the model where the relief would go: a face
/// (other than the region's) reaching between the face and `height` out
/// of it whose outline in the face's plane meets the label's box.
fn check_clearance(
    mesh: &IndexedMesh,
    plane: &UnitPlane,
    frame: &LabelFrame,
    region: &FlatRegion,
    (min, max): ([f64; 2], [f64; 2]),
    height: f64,
    tolerance: f64,
) -> Result<(), [f32; 3]> {
    let (low, high) = if height > 0.0 { (tolerance, height + tolerance) } else { (height - tolerance, -tolerance) };
    let mut in_region = vec![false; mesh.triangles.len()];
    for &f in &region.faces {
        in_region[f as usize] = true;
    }
    for (face, triangle) in mesh.triangles.iter().enumerate() {
        let corners = triangle.map(|v| mesh.positions[v as usize]);
        let levels = corners.map(|p| plane.distance(p));
        if in_region[face] || levels.iter().all(|&l| l < low) || levels.iter().all(|&l| l > high) {
            continue;
        }
        let flat = corners.map(|p| frame.flat(p));
        if triangle_meets_box(flat, min, max) {
            return Err(corners[0]);
        }
    }
    Ok(())
}

/// Replaces `region`'s faces by the face with `contours` (label
/// coordinates, region on the left) as holes, and adds each contour's
/// walls and its top (or floor) `height` mm along the normal.
fn build_relief(
    mesh: &mut IndexedMesh,
    region: &FlatRegion,
    plane: &UnitPlane,
    frame: &LabelFrame,
    contours: &[Vec<[f64; 2]>],
    height: f64,
) -> Result<(), CapFailure> {
    let mut face_outline = region.boundary.clone();
    let mut top_outline = Vec::new();
    let mut rings = Vec::with_capacity(contours.len());
    for contour in contours {
        let mut ring = |h: f64| -> Vec<u32> {
            contour
                .iter()
                .map(|&p| {
                    mesh.positions.push(frame.point(p, h).map(|c| c as f32));
                    (mesh.positions.len() - 1) as u32
                })
                .collect()
        };
        let (base, top) = (ring(0.0), ring(height));
        let n = base.len();
        face_outline.extend((0..n).map(|i| [base[(i + 1) % n], base[i]]));
        top_outline.extend((0..n).map(|i| [top[i], top[(i + 1) % n]]));
        rings.push((base, top));
    }
    let face = cap(&mesh.positions, &face_outline, plane)?;
    let top = cap(&mesh.positions, &top_outline, &plane.shifted(height))?;

    mesh.remove_faces(&region.faces);
    mesh.triangles.extend(face);
    mesh.triangles.extend(top);
    // Engraved, the walls run down from the face to the floor and face into the pocket: the same rule.
    for (base, top) in &rings {
        join_rings(&mut mesh.triangles, base, top);
    }
    // The region's inner vertices are used no more.
    mesh.remove_unused_vertices();
    Ok(())
}
