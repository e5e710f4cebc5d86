//! The proposed trim line: a closed line round an arch following the
//! gingival margin at an offset from it.
//!
//! Seen along the occlusal axis, the arch is divided into narrow sectors by
//! angle round the centre of its box. In each sector the gingival margin is
//! found from the sector's width profile, from the teeth down: the crown
//! bulges, narrows to its neck, and below the neck the gum flares out
//! (or, palatally, the palate runs off); the margin is the narrowest
//! height before that flare. On an arch with gums (most sectors flare) the
//! line runs the offset below the margin, in the gum, keeping that much
//! gum under the teeth; on crowns without gums (nothing flares) the
//! margins are the crowns' lowest points and the line runs the offset
//! above them. Each height is averaged with the neighbouring sectors', so
//! one deep embrasure does not make a notch; the
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
    propose_trim(mesh, up, offset_mm).map(|proposal| proposal.line)
}

/// A proposed trim line and what it follows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrimProposal {
    /// As [`propose_trim_line`] gives it.
    pub line: Vec<[f32; 3]>,
    /// The arch has gums: the line runs the offset below the gingival
    /// margin; else above the lowest points of its crowns.
    pub gums: bool,
}

/// [`propose_trim_line`], saying whether the line follows gums.
pub fn propose_trim(mesh: &IndexedMesh, up: [f32; 3], offset_mm: f32) -> Result<TrimProposal, TrimError> {
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
    let mut profiles: Vec<Vec<(f64, f64)>> = vec![Vec::new(); SECTORS];
    for (q, &h) in flat.iter().zip(&heights) {
        let s = sector_of(*q);
        lowest[s] = lowest[s].min(h);
        profiles[s].push((h, (q[0] - centre[0]).hypot(q[1] - centre[1])));
    }
    let margins: Vec<Option<f64>> = profiles.iter().map(|profile| gingival_margin(profile)).collect();
    let with_points = lowest.iter().filter(|h| h.is_finite()).count();
    let found: Vec<f64> = margins.iter().flatten().copied().collect();
    // Gums flare in nearly every sector; separate crowns in some, where neighbours meet.
    let gums = 5 * found.len() > 4 * with_points;
    let mut level = if gums {
        // Gums: the offset below each margin; a sector without one takes the middle margin.
        let mut sorted = found.clone();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted[sorted.len() / 2];
        let mut margin = [f64::INFINITY; SECTORS];
        for s in (0..SECTORS).filter(|&s| lowest[s].is_finite()) {
            margin[s] = margins[s].unwrap_or(middle);
        }
        line_heights(&margin, -f64::from(offset_mm))
    } else {
        line_heights(&lowest, f64::from(offset_mm))
    };
    // An open scan: the line stays above its rim, so the cut can be closed.
    for v in crate::analysis::rim_vertices(mesh) {
        let (s, h) = (sector_of(flat[v as usize]), heights[v as usize]);
        if let Some(at) = &mut level[s] {
            *at = at.max(h + BAND_MM);
        }
    }

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
    Ok(TrimProposal { line, gums })
}

/// The width profile's bands, in mm.
const BAND_MM: f64 = 0.25;
/// How far below the teeth's tips a crown's bulge is looked for, in mm.
const CROWN_MM: f64 = 6.0;
/// Below the neck the gum flares out by at least this much, in mm …
const FLARE_MM: f64 = 2.0;
/// … within this distance, in mm.
const FLARE_WITHIN_MM: f64 = 3.0;

/// The gingival margin's height in a sector whose surface points are
/// `profile` (height, distance from the arch's centre): the narrowest
/// band below the crown's bulge before the width grows by [`FLARE_MM`]
/// within [`FLARE_WITHIN_MM`]; `None` where nothing flares (a crown
/// without gum, or a sector with too few points).
fn gingival_margin(profile: &[(f64, f64)]) -> Option<f64> {
    let top = profile.iter().map(|&(h, _)| h).fold(f64::NEG_INFINITY, f64::max);
    let bottom = profile.iter().map(|&(h, _)| h).fold(f64::INFINITY, f64::min);
    let bands = ((top - bottom) / BAND_MM).ceil() as usize;
    if !(4..=4000).contains(&bands) {
        return None;
    }
    // Band k: heights from top − (k + 1)·BAND to top − k·BAND.
    let mut span = vec![(f64::INFINITY, f64::NEG_INFINITY); bands];
    for &(h, r) in profile {
        let k = (((top - h) / BAND_MM) as usize).min(bands - 1);
        span[k] = (span[k].0.min(r), span[k].1.max(r));
    }
    let width = |k: usize| (span[k].0.is_finite()).then(|| span[k].1 - span[k].0);
    let crown = ((CROWN_MM / BAND_MM) as usize).min(bands);
    let bulge = (0..crown).filter_map(|k| width(k).map(|w| (k, w))).max_by(|a, b| a.1.total_cmp(&b.1))?.0;
    let within = (FLARE_WITHIN_MM / BAND_MM) as usize;
    let mut neck: Option<(usize, f64)> = None;
    for k in bulge..bands {
        let Some(w) = width(k) else { continue };
        match neck {
            Some((_, narrowest)) if w >= narrowest + FLARE_MM => break,
            Some((_, narrowest)) if w >= narrowest => {}
            _ => neck = Some((k, w)),
        }
        if neck.is_some_and(|(n, _)| k > n + within) {
            // No flare soon enough below this neck: look for a lower one.
            neck = Some((k, w));
        }
    }
    let (n, narrowest) = neck?;
    let flares = (n + 1..bands.min(n + 1 + within)).any(|k| width(k).is_some_and(|w| w >= narrowest + FLARE_MM));
    flares.then_some(top - (n as f64 + 0.5) * BAND_MM)
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

/// Each sector's line height: the mean height (lowest point or margin) of
/// it and its neighbours (those with any point), plus `offset`; `None` for
/// a sector without points.
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
