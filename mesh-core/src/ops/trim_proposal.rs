//! The proposed trim line: a closed line round an arch following the
//! gingival margin at an offset from the lowest tooth points.
//!
//! Seen along the occlusal axis, the arch is divided into narrow sectors by
//! angle round the centre of its box. In each sector the line's height is
//! the lowest tooth point there plus the offset (averaged with the
//! neighbouring sectors, so one deep embrasure does not make a notch); the
//! surface crosses that height in points, and the outermost is the buccal
//! point, the innermost the lingual one. The line runs along the buccal
//! points from one end of the arch to the other (starting after the widest
//! empty angle: the open back of the arch) and back along the lingual ones.
//!
//! Invariant: every point is on the surface (a crossing of one of its
//! edges), and the line is simple seen along the axis: buccal and lingual
//! points lie on the same rays, the buccal ones farther out, and the rays
//! turn one way.

use std::f64::consts::TAU;

use super::height_field::Projection;
use super::trim::TrimError;
use crate::IndexedMesh;

/// Sectors round the arch: 2° each.
const SECTORS: usize = 180;
/// Sectors on each side averaged into a sector's height.
const SMOOTHING: usize = 3;
/// Buccal and lingual points nearer than this (in mm) are the corner of a
/// crown the ray only grazes: the sector is left out.
const THINNEST: f64 = 1.0;

/// A closed trim line round the arch `mesh` whose teeth point along `up`
/// ([`Arch::occlusal_direction`](super::Arch::occlusal_direction)),
/// `offset_mm` above the lowest tooth points: points on the surface, in
/// order along the buccal side and back along the lingual side, the last
/// the first again (as a line placed by hand ends). Give it to
/// [`smooth_trim_line`](super::smooth_trim_line) to show it, or to
/// [`trim`](super::trim) to cut along it.
pub fn propose_trim_line(mesh: &IndexedMesh, up: [f32; 3], offset_mm: f32) -> Result<Vec<[f32; 3]>, TrimError> {
    if !(offset_mm.is_finite() && offset_mm > 0.0) {
        return Err(TrimError::Offset { got: offset_mm });
    }
    let projection = Projection::new(up).ok_or(TrimError::DegenerateUp { up })?;
    if mesh.is_empty() {
        return Err(TrimError::EmptyModel);
    }
    let flat: Vec<[f64; 2]> = mesh.positions.iter().map(|&p| projection.flat(p)).collect();
    let heights: Vec<f64> = mesh.positions.iter().map(|&p| projection.height(p)).collect();
    let centre = box_centre(&flat);
    let sector_of = |q: [f64; 2]| -> usize {
        let angle = (q[1] - centre[1]).atan2(q[0] - centre[0]).rem_euclid(TAU);
        ((angle / TAU * SECTORS as f64) as usize).min(SECTORS - 1)
    };

    let mut lowest = [f64::INFINITY; SECTORS];
    for (q, &h) in flat.iter().zip(&heights) {
        let s = sector_of(*q);
        lowest[s] = lowest[s].min(h);
    }
    let level = line_heights(&lowest, f64::from(offset_mm));

    // The outermost and innermost crossing of each sector's height: (radius, point).
    let mut buccal: [Option<(f64, [f32; 3])>; SECTORS] = [None; SECTORS];
    let mut lingual: [Option<(f64, [f32; 3])>; SECTORS] = [None; SECTORS];
    for t in &mesh.triangles {
        for (a, b) in [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])] {
            // Each edge once (from the lower index), both of its faces ask.
            if a > b {
                continue;
            }
            let (a, b) = (a as usize, b as usize);
            for s in [sector_of(flat[a]), sector_of(flat[b])] {
                let Some(h) = level[s] else { continue };
                let (da, db) = (heights[a] - h, heights[b] - h);
                if (da < 0.0) == (db < 0.0) {
                    continue;
                }
                let f = da / (da - db);
                let (p, q) = (mesh.positions[a], mesh.positions[b]);
                let point = [0, 1, 2].map(|i| (f64::from(p[i]) + f * (f64::from(q[i]) - f64::from(p[i]))) as f32);
                let at = projection.flat(point);
                if sector_of(at) != s {
                    continue;
                }
                let radius = (at[0] - centre[0]).hypot(at[1] - centre[1]);
                if buccal[s].is_none_or(|(r, _)| radius > r) {
                    buccal[s] = Some((radius, point));
                }
                if lingual[s].is_none_or(|(r, _)| radius < r) {
                    lingual[s] = Some((radius, point));
                }
            }
        }
    }

    let kept: Vec<usize> = (0..SECTORS)
        .filter(
            |&s| matches!((buccal[s], lingual[s]), (Some((outer, _)), Some((inner, _))) if outer - inner > THINNEST),
        )
        .collect();
    if kept.len() < 2 {
        return Err(TrimError::NoProposal { offset_mm });
    }
    // Start after the widest empty angle between kept sectors: the open back of the arch.
    let gap_after = |k: usize| (kept[(k + 1) % kept.len()] + SECTORS - kept[k]) % SECTORS;
    let widest = (0..kept.len()).max_by_key(|&k| gap_after(k)).unwrap_or(0);
    let order: Vec<usize> = (1..=kept.len()).map(|k| kept[(widest + k) % kept.len()]).collect();
    let mut line: Vec<[f32; 3]> = order.iter().filter_map(|&s| buccal[s].map(|(_, p)| p)).collect();
    line.extend(order.iter().rev().filter_map(|&s| lingual[s].map(|(_, p)| p)));
    line.push(line[0]);
    Ok(line)
}

/// The centre of the box round `points` (not empty).
fn box_centre(points: &[[f64; 2]]) -> [f64; 2] {
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        for i in 0..2 {
            min[i] = min[i].min(p[i]);
            max[i] = max[i].max(p[i]);
        }
    }
    [0.5 * (min[0] + max[0]), 0.5 * (min[1] + max[1])]
}

/// Each sector's line height: the mean lowest point of it and its
/// neighbours (those with any point), plus `offset`; `None` for a sector
/// without points.
fn line_heights(lowest: &[f64; SECTORS], offset: f64) -> [Option<f64>; SECTORS] {
    let mut level = [None; SECTORS];
    for (s, height) in level.iter_mut().enumerate() {
        if !lowest[s].is_finite() {
            continue;
        }
        let around = (0..=2 * SMOOTHING).map(|k| lowest[(s + SECTORS + k - SMOOTHING) % SECTORS]);
        let (sum, count) = around.filter(|h| h.is_finite()).fold((0.0, 0), |(sum, n), h| (sum + h, n + 1));
        *height = Some(sum / f64::from(count) + offset);
    }
    level
}
