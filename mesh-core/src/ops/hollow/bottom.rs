//! Opening the hollow through the flat bottom: the hollow's surface (with
//! its drain holes reaching below the bottom) is cut at the bottom's plane
//! by the half-space clipper, and the model's flat bottom is triangulated
//! again with the cut's loops as holes by the cut cap's triangulation.
//!
//! Invariant: every loop's edges are run one way by the hollow's kept
//! faces and the other way by the new bottom, and the bottom's own outline
//! is kept edge for edge, so a closed model and a closed hollow give one
//! closed, manifold solid with open drains.

use super::super::cap::{CapFailure, cap};
use super::super::half_space::{clip, sides};
use super::super::outline::chain;
use super::super::plane::UnitPlane;
use crate::IndexedMesh;
use crate::label::{FlatRegion, LabelFrame};

/// Why the hollow could not be joined to the bottom, with a point where.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Unjoinable {
    /// A drain's opening does not lie inside the flat bottom.
    OffTheBottom { at: [f32; 3] },
    /// The bottom with the openings as holes could not be triangulated.
    Cap(CapFailure),
}

/// `model` with `hollow` (faces towards the hollow's inside) added and
/// opened through the flat `regions` of the bottom `plane` (its normal
/// pointing out of the model) wherever the hollow reaches below it.
pub(super) fn open_through_bottom(
    model: &IndexedMesh,
    hollow: &IndexedMesh,
    plane: &UnitPlane,
    frame: &LabelFrame,
    regions: &[FlatRegion],
) -> Result<IndexedMesh, Unjoinable> {
    let mut result = model.clone();
    let offset = result.positions.len() as u32;
    let sides = sides(hollow, plane);
    if !sides.extent.any_in_front {
        result.append(hollow);
        return Ok(result);
    }
    // The plane's normal points out of the model: what is above the bottom is kept.
    let clipped = clip(hollow, &sides);
    result.append(&clipped.mesh);
    let loops = chain(&clipped.outline);
    if loops.open_edges > 0 {
        let at = clipped.outline.first().map_or([0.0; 3], |e| clipped.mesh.positions[e[0] as usize]);
        return Err(Unjoinable::OffTheBottom { at });
    }

    // Each opening goes with the flat region it lies in.
    let mut holes: Vec<Vec<[u32; 2]>> = vec![Vec::new(); regions.len()];
    for vertices in &loops.closed {
        let vertices: Vec<u32> = vertices.iter().map(|v| v + offset).collect();
        let at = result.positions[vertices[0] as usize];
        let region = regions.iter().position(|r| r.contains(&result, frame, frame.flat(at)));
        let Some(region) = region else { return Err(Unjoinable::OffTheBottom { at }) };
        let n = vertices.len();
        holes[region].extend((0..n).map(|i| [vertices[i], vertices[(i + 1) % n]]));
    }
    let mut removed: Vec<u32> = Vec::new();
    let mut bottom = Vec::new();
    for (region, holes) in regions.iter().zip(&holes) {
        if holes.is_empty() {
            continue;
        }
        let mut outline = region.boundary.clone();
        outline.extend_from_slice(holes);
        bottom.extend(cap(&result.positions, &outline, plane).map_err(Unjoinable::Cap)?);
        removed.extend_from_slice(&region.faces);
    }
    result.remove_faces(&removed);
    result.triangles.extend(bottom);
    // The old bottom's inner vertices, if it had any, are used no more.
    result.remove_unused_vertices();
    Ok(result)
}
