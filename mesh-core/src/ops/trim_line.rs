//! A trim line from points: the points a user placed (or the proposal's)
//! made into a smooth closed curve through them, sampled about every half
//! millimetre, each sample moved onto the surface where there is surface
//! near.
//!
//! The curve is a closed centripetal Catmull-Rom spline: it passes through
//! every point, and the centripetal knots keep it from looping or making a
//! cusp between points however unevenly they are spaced. Samples farther
//! from the surface than [`TrimLineOptions::snap_within_mm`] (over the gap
//! between two crowns) stay where the curve puts them.
//!
//! Invariant: the line returned is closed (its last sample joins its first,
//! not repeated) and simple seen along the axis: no two of its segments cross.
//!
//! Checking that takes time growing with the square of the samples, so a
//! line of more than `MAX_LINE_SAMPLES` is refused before it is sampled:
//! points kilometres apart (a model not in millimetres, noise in a file)
//! would otherwise take hours, or more memory than there is.

use super::height_field::Projection;
use super::surface::Surface;
use super::trim::TrimError;
use crate::IndexedMesh;

/// The most samples a trim line may have: 5 m at the default spacing,
/// where a line round an arch is a few hundred millimetres.
pub(crate) const MAX_LINE_SAMPLES: usize = 10_000;

/// How points are made into a trim line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrimLineOptions {
    /// The distance between the line's samples, in mm.
    pub spacing_mm: f32,
    /// The line closes when its last point is this near its first, in mm:
    /// the last point is then taken as the first.
    pub close_within_mm: f32,
    /// Samples this near the surface are moved onto it, in mm.
    pub snap_within_mm: f32,
}

impl Default for TrimLineOptions {
    /// Samples every 0.5 mm, closing within 2 mm, moved onto the surface within 1 mm.
    fn default() -> Self {
        TrimLineOptions { spacing_mm: 0.5, close_within_mm: 2.0, snap_within_mm: 1.0 }
    }
}

/// The closed, smoothed trim line through `points` (on `mesh`'s surface,
/// in order round the arch, the last back on the first) seen along `up`
/// (the direction the teeth point): samples about `options.spacing_mm`
/// apart, on the surface where it is near, the first not repeated at the end.
///
/// Errors: fewer than 3 points, a point that is not finite, a last point
/// not back on the first, a line of more than 10 000 samples (5 m at the default spacing),
/// a line that crosses itself seen along `up` (named by the point before
/// the crossing, counting from 1), or one that misses the model.
pub fn smooth_trim_line(
    mesh: &IndexedMesh,
    points: &[[f32; 3]],
    up: [f32; 3],
    options: &TrimLineOptions,
) -> Result<Vec<[f32; 3]>, TrimError> {
    let projection = Projection::new(up).ok_or(TrimError::DegenerateUp { up })?;
    let surface = Surface::new(mesh).ok_or(TrimError::EmptyModel)?;
    smooth_on(&surface, points, &projection, options)
}

/// [`smooth_trim_line`] on a surface already built.
pub(crate) fn smooth_on(
    surface: &Surface,
    points: &[[f32; 3]],
    projection: &Projection,
    options: &TrimLineOptions,
) -> Result<Vec<[f32; 3]>, TrimError> {
    for (setting, got) in [
        ("sample spacing", options.spacing_mm),
        ("closing distance", options.close_within_mm),
        ("snapping distance", options.snap_within_mm),
    ] {
        if !(got.is_finite() && got > 0.0) {
            return Err(TrimError::Setting { setting, got });
        }
    }
    let control = closed_points(points, options.close_within_mm)?;
    let spacing = f64::from(options.spacing_mm);
    if sample_count(&control.positions, spacing) > MAX_LINE_SAMPLES as f64 {
        let length: f64 = (0..control.positions.len())
            .map(|i| distance_64(control.positions[i], control.positions[(i + 1) % control.positions.len()]))
            .sum();
        return Err(TrimError::LineTooLong { length_mm: length as f32, spacing_mm: options.spacing_mm });
    }
    let curve = catmull_rom(&control.positions, spacing);
    // A crossing of the curve itself is where the points were placed: the user's to move.
    let flat: Vec<[f64; 2]> = curve.iter().map(|&(_, p)| projection.flat(p.map(|c| c as f32))).collect();
    if let Some(segment) = first_crossing(&flat) {
        return Err(TrimError::CrossesItself { near_point: control.numbers[curve[segment].0] });
    }

    // Each sample on the surface where the surface is near.
    let mut nearest = f32::INFINITY;
    let on_surface: Vec<Option<[f32; 3]>> = curve
        .iter()
        .map(|&(_, sample)| {
            let sample = sample.map(|c| c as f32);
            let on_surface = surface.nearest(sample);
            let off = distance(sample, on_surface);
            nearest = nearest.min(off);
            (off <= options.snap_within_mm).then_some(on_surface)
        })
        .collect();
    if nearest > options.snap_within_mm {
        return Err(TrimError::MissesModel { distance_mm: nearest });
    }
    let line = untangled(&curve, on_surface, projection)
        .map_err(|i| TrimError::CrossesItself { near_point: control.numbers[curve[i].0] })?;
    if line.len() < 3 {
        return Err(TrimError::TooFewPoints { got: line.len() });
    }
    Ok(line)
}

/// The line through the samples of `curve` (simple seen along the axis),
/// each one moved onto the surface where `on_surface` says, but where
/// that makes the line cross itself: samples moved onto the surface from
/// either side of a concave corner (an embrasure between crowns) can swap
/// places, and those, with their neighbours, stay on the curve. Samples
/// that end up on one point are one. `Err` with a sample near a crossing
/// that does not go away (the curve's own).
fn untangled(
    curve: &[(usize, [f64; 3])],
    mut on_surface: Vec<Option<[f32; 3]>>,
    projection: &Projection,
) -> Result<Vec<[f32; 3]>, usize> {
    let n = curve.len();
    let place = |on_surface: &[Option<[f32; 3]>], i: usize| on_surface[i].unwrap_or(curve[i].1.map(|c| c as f32));
    loop {
        let flat: Vec<[f64; 2]> = (0..n).map(|i| projection.flat(place(&on_surface, i))).collect();
        let Some((i, j)) = first_crossing_pair(&flat) else { break };
        let mut moved_back = false;
        for k in [i + n - 1, i, i + 1, i + 2, j + n - 1, j, j + 1, j + 2] {
            moved_back |= on_surface[k % n].take().is_some();
        }
        if !moved_back {
            return Err(i);
        }
    }
    let mut line: Vec<[f32; 3]> = Vec::with_capacity(n);
    for i in 0..n {
        let p = place(&on_surface, i);
        if line.last().is_none_or(|&last| distance(last, p) >= 1e-4) {
            line.push(p);
        }
    }
    while line.len() > 1 && line.first().zip(line.last()).is_some_and(|(&a, &b)| distance(a, b) < 1e-4) {
        line.pop();
    }
    Ok(line)
}

fn distance(p: [f32; 3], q: [f32; 3]) -> f32 {
    (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f32>().sqrt()
}

/// The points of a closed line, each different from the one before, the
/// closing point dropped; and each one's number as the user counts them.
struct ControlPoints {
    positions: Vec<[f64; 3]>,
    numbers: Vec<usize>,
}

/// The points of the line, checked: finite, at least 3, the last back on
/// the first (within `close_within` mm, and then dropped as the first).
fn closed_points(points: &[[f32; 3]], close_within: f32) -> Result<ControlPoints, TrimError> {
    if let Some(i) = points.iter().position(|p| !p.iter().all(|c| c.is_finite())) {
        return Err(TrimError::NonFinitePoint { point: i + 1 });
    }
    let mut control = ControlPoints { positions: Vec::new(), numbers: Vec::new() };
    for (i, &p) in points.iter().enumerate() {
        // A point placed twice (a double click) is one.
        if control.positions.last().is_some_and(|&last| distance_64(last, p.map(f64::from)) < 1e-3) {
            continue;
        }
        control.positions.push(p.map(f64::from));
        control.numbers.push(i + 1);
    }
    if control.positions.len() < 3 {
        return Err(TrimError::TooFewPoints { got: control.positions.len() });
    }
    let (first, last) = (control.positions[0], control.positions[control.positions.len() - 1]);
    let gap = distance_64(first, last);
    if gap > f64::from(close_within) {
        return Err(TrimError::NotClosed { gap_mm: gap as f32, tolerance_mm: close_within });
    }
    control.positions.pop();
    control.numbers.pop();
    if control.positions.len() < 3 {
        return Err(TrimError::TooFewPoints { got: control.positions.len() });
    }
    Ok(control)
}

fn distance_64(p: [f64; 3], q: [f64; 3]) -> f64 {
    (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f64>().sqrt()
}

/// How many samples [`catmull_rom`] makes of `points` at `spacing`, as a
/// float: it does not overflow however far apart the points are.
fn sample_count(points: &[[f64; 3]], spacing: f64) -> f64 {
    let n = points.len();
    (0..n).map(|i| (distance_64(points[i], points[(i + 1) % n]) / spacing).ceil().max(1.0)).sum()
}

/// Samples of the closed centripetal Catmull-Rom spline through `points`
/// (at least 3, neighbours different), about `spacing` apart: every point
/// itself, then the samples between it and the next. Each comes with the
/// index of the point its segment starts at.
fn catmull_rom(points: &[[f64; 3]], spacing: f64) -> Vec<(usize, [f64; 3])> {
    let n = points.len();
    let mut samples = Vec::new();
    for i in 0..n {
        let [p0, p1, p2, p3] = [n - 1, 0, 1, 2].map(|k| points[(i + k) % n]);
        // Centripetal knots: the square root of each chord's length.
        let t1 = distance_64(p0, p1).sqrt();
        let t2 = t1 + distance_64(p1, p2).sqrt();
        let t3 = t2 + distance_64(p2, p3).sqrt();
        let steps = (distance_64(p1, p2) / spacing).ceil().max(1.0) as usize;
        samples.push((i, p1));
        for step in 1..steps {
            let t = t1 + (t2 - t1) * step as f64 / steps as f64;
            samples.push((i, barry_goldman([p0, p1, p2, p3], [0.0, t1, t2, t3], t)));
        }
    }
    samples
}

/// The Catmull-Rom point at `t` of the segment `p[1] → p[2]` (Barry and
/// Goldman's pyramid of linear blends), for knots `k`, `k[1] ≤ t ≤ k[2]`.
fn barry_goldman(p: [[f64; 3]; 4], k: [f64; 4], t: f64) -> [f64; 3] {
    // Where two knots coincide (a point repeated) the blend takes the later point.
    let blend = |a: [f64; 3], b: [f64; 3], ka: f64, kb: f64| -> [f64; 3] {
        let span = kb - ka;
        if span <= 0.0 {
            return b;
        }
        let (wa, wb) = ((kb - t) / span, (t - ka) / span);
        [0, 1, 2].map(|i| wa * a[i] + wb * b[i])
    };
    let a1 = blend(p[0], p[1], k[0], k[1]);
    let a2 = blend(p[1], p[2], k[1], k[2]);
    let a3 = blend(p[2], p[3], k[2], k[3]);
    let b1 = blend(a1, a2, k[0], k[2]);
    let b2 = blend(a2, a3, k[1], k[3]);
    blend(b1, b2, k[1], k[2])
}

/// The first segment `i` (from point `i` to the next, round the closed
/// polygon `points`) that properly crosses a later one, if any.
fn first_crossing(points: &[[f64; 2]]) -> Option<usize> {
    first_crossing_pair(points).map(|(i, _)| i)
}

/// The first segment `i` that properly crosses a later one `j`, and `j`.
fn first_crossing_pair(points: &[[f64; 2]]) -> Option<(usize, usize)> {
    let n = points.len();
    let segment = |i: usize| (points[i], points[(i + 1) % n]);
    let boxes: Vec<[f64; 4]> = (0..n)
        .map(|i| {
            let (p, q) = segment(i);
            [p[0].min(q[0]), p[0].max(q[0]), p[1].min(q[1]), p[1].max(q[1])]
        })
        .collect();
    for i in 0..n {
        for j in i + 2..n {
            // The last segment and the first share a point.
            if i == 0 && j == n - 1 {
                continue;
            }
            let (a, b) = (boxes[i], boxes[j]);
            if a[1] < b[0] || b[1] < a[0] || a[3] < b[2] || b[3] < a[2] {
                continue;
            }
            let ((p, q), (r, s)) = (segment(i), segment(j));
            let sides = [orient(p, q, r), orient(p, q, s), orient(r, s, p), orient(r, s, q)];
            if sides[0] * sides[1] < 0.0 && sides[2] * sides[3] < 0.0 {
                return Some((i, j));
            }
        }
    }
    None
}

/// Twice the signed area of the triangle `p q r`: positive when it turns left.
fn orient(p: [f64; 2], q: [f64; 2], r: [f64; 2]) -> f64 {
    (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spline_passes_through_every_point_at_the_spacing() {
        let square = [[0.0, 0.0, 0.0], [4.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 4.0, 0.0]];
        let samples = catmull_rom(&square, 0.5);
        // 8 samples per 4 mm side, each side starting at its point.
        assert_eq!(samples.len(), 32);
        for (i, p) in square.iter().enumerate() {
            assert_eq!(samples[8 * i], (i, *p));
        }
        for pair in samples.windows(2) {
            let gap = distance_64(pair[0].1, pair[1].1);
            assert!(gap > 0.3 && gap < 0.8, "{gap}");
        }
    }

    #[test]
    fn the_samples_are_counted_before_they_are_made() {
        let square = [[0.0, 0.0, 0.0], [4.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 4.0, 0.0]];
        assert_eq!(sample_count(&square, 0.5), catmull_rom(&square, 0.5).len() as f64);
        let far = [[0.0, 0.0, 0.0], [1e30, 0.0, 0.0], [0.0, 1e30, 0.0]];
        assert!(sample_count(&far, 0.5) > 1e30);
    }

    #[test]
    fn a_crossing_is_found_and_a_simple_polygon_has_none() {
        let square = [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]];
        assert_eq!(first_crossing(&square), None);
        let bowtie = [[0.0, 0.0], [4.0, 4.0], [4.0, 0.0], [0.0, 4.0]];
        assert_eq!(first_crossing(&bowtie), Some(0));
    }

    #[test]
    fn samples_moved_onto_the_surface_that_make_the_line_cross_itself_stay_on_the_curve() {
        let square = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0], [0.0, 2.0], [0.0, 1.0]];
        let curve: Vec<(usize, [f64; 3])> = square.iter().enumerate().map(|(i, &[x, y])| (i, [x, y, 0.0])).collect();
        let projection = Projection::new([0.0, 0.0, 1.0]).expect("a direction");
        // Each sample moved a little up, but the second one past the square's right side.
        let mut on_surface: Vec<Option<[f32; 3]>> =
            square.iter().map(|&[x, y]| Some([x as f32, y as f32, 0.5])).collect();
        on_surface[1] = Some([2.5, 0.5, 0.5]);
        let line = untangled(&curve, on_surface, &projection).expect("the curve is simple");
        let flat: Vec<[f64; 2]> = line.iter().map(|&p| projection.flat(p)).collect();
        assert_eq!(first_crossing(&flat), None);
        // The second sample and its neighbours are back on the curve; the rest stay moved.
        assert_eq!(line[1], [1.0, 0.0, 0.0]);
        assert_eq!((line[0][2], line[2][2], line[3][2]), (0.0, 0.0, 0.0));
        assert_eq!(line[5], [1.0, 2.0, 0.5]);
    }

    #[test]
    fn the_closing_point_is_dropped_and_an_open_line_refused() {
        let closed = [[0.0, 0.0, 0.0], [4.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.5, 0.5, 0.0]];
        let control = closed_points(&closed, 2.0).expect("closed within 2 mm");
        assert_eq!(control.positions.len(), 3);
        assert_eq!(control.numbers, [1, 2, 3]);
        let open = [[0.0, 0.0, 0.0], [4.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 4.0, 0.0]];
        assert_eq!(closed_points(&open, 2.0).err(), Some(TrimError::NotClosed { gap_mm: 4.0, tolerance_mm: 2.0 }));
    }
}
