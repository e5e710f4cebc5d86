//! Glyph outlines as polygons: a `ttf_parser::OutlineBuilder` that maps
//! font units to millimetres and replaces every quadratic and cubic curve
//! by straight segments, no point of which is farther than a tolerance
//! from the curve.
//!
//! The number of segments of a curve comes from its second derivative:
//! a chord over a parameter step `h` strays at most `max|B''| h² / 8` from
//! the curve, so `n = ceil(sqrt(max|B''| / (8 · tolerance)))` segments are
//! enough (`max|B''|` is `2|p0 − 2p1 + p2|` for a quadratic and at most
//! `6 · max(|p0 − 2p1 + p2|, |p1 − 2p2 + p3|)` for a cubic).

/// A closed polygon in millimetres, not repeating its first point at the end.
pub(crate) type Contour = Vec<[f64; 2]>;

/// Most segments one curve becomes (a guard against absurd fonts).
const MAX_SEGMENTS: usize = 64;

/// Collects a glyph's contours, placed at `origin` and scaled by `scale` mm per font unit.
#[derive(Debug)]
pub(crate) struct FlatteningBuilder {
    origin: [f64; 2],
    scale: f64,
    tolerance: f64,
    current: Contour,
    pub(crate) contours: Vec<Contour>,
}

impl FlatteningBuilder {
    pub(crate) fn new(origin: [f64; 2], scale: f64, tolerance: f64) -> Self {
        FlatteningBuilder { origin, scale, tolerance, current: Vec::new(), contours: Vec::new() }
    }

    fn map(&self, x: f32, y: f32) -> [f64; 2] {
        [self.origin[0] + f64::from(x) * self.scale, self.origin[1] + f64::from(y) * self.scale]
    }

    fn last(&self) -> [f64; 2] {
        self.current.last().copied().unwrap_or(self.origin)
    }

    fn segments(&self, bend: f64) -> usize {
        let n = (bend / (8.0 * self.tolerance)).sqrt().ceil();
        if n.is_finite() { (n as usize).clamp(1, MAX_SEGMENTS) } else { MAX_SEGMENTS }
    }

    /// Ends the contour being built: repeated points (and a last point
    /// equal to the first) dropped, kept when it still has an area.
    fn finish(&mut self) {
        let points = std::mem::take(&mut self.current);
        let mut contour: Contour = Vec::with_capacity(points.len());
        for p in points {
            if contour.last().is_none_or(|&q| distance(p, q) > 1e-4) {
                contour.push(p);
            }
        }
        while contour.len() > 1 && contour.last().is_some_and(|&q| distance(q, contour[0]) <= 1e-4) {
            contour.pop();
        }
        if contour.len() >= 3 && twice_area(&contour).abs() > 1e-12 {
            self.contours.push(contour);
        }
    }
}

impl ttf_parser::OutlineBuilder for FlatteningBuilder {
    fn move_to(&mut self, x: f32, y: f32) {
        self.finish();
        let p = self.map(x, y);
        self.current.push(p);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.map(x, y);
        self.current.push(p);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (p0, p1, p2) = (self.last(), self.map(x1, y1), self.map(x, y));
        let bend = 2.0 * norm([p0[0] - 2.0 * p1[0] + p2[0], p0[1] - 2.0 * p1[1] + p2[1]]);
        let n = self.segments(bend);
        for i in 1..=n {
            let t = i as f64 / n as f64;
            let s = 1.0 - t;
            let point = [0, 1].map(|k| s * s * p0[k] + 2.0 * s * t * p1[k] + t * t * p2[k]);
            self.current.push(point);
        }
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (p0, p1, p2, p3) = (self.last(), self.map(x1, y1), self.map(x2, y2), self.map(x, y));
        let first = norm([p0[0] - 2.0 * p1[0] + p2[0], p0[1] - 2.0 * p1[1] + p2[1]]);
        let second = norm([p1[0] - 2.0 * p2[0] + p3[0], p1[1] - 2.0 * p2[1] + p3[1]]);
        let n = self.segments(6.0 * first.max(second));
        for i in 1..=n {
            let t = i as f64 / n as f64;
            let s = 1.0 - t;
            let point = [0, 1]
                .map(|k| s * s * s * p0[k] + 3.0 * s * s * t * p1[k] + 3.0 * s * t * t * p2[k] + t * t * t * p3[k]);
            self.current.push(point);
        }
    }

    fn close(&mut self) {
        self.finish();
    }
}

fn norm(v: [f64; 2]) -> f64 {
    (v[0] * v[0] + v[1] * v[1]).sqrt()
}

fn distance(p: [f64; 2], q: [f64; 2]) -> f64 {
    norm([p[0] - q[0], p[1] - q[1]])
}

/// Twice the signed area of a contour: positive when it runs counter-clockwise.
pub(crate) fn twice_area(contour: &[[f64; 2]]) -> f64 {
    (0..contour.len())
        .map(|i| {
            let (p, q) = (contour[i], contour[(i + 1) % contour.len()]);
            p[0] * q[1] - q[0] * p[1]
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use ttf_parser::OutlineBuilder;

    use super::*;

    #[test]
    fn a_quarter_circle_stays_within_the_tolerance() {
        // A quadratic from (10, 0) through the control point (10, 10) to (0, 10), 1 unit = 1 mm.
        let mut builder = FlatteningBuilder::new([0.0; 2], 1.0, 0.01);
        builder.move_to(0.0, 0.0);
        builder.line_to(10.0, 0.0);
        builder.quad_to(10.0, 10.0, 0.0, 10.0);
        builder.close();
        let [contour] = builder.contours.as_slice() else { panic!("one contour: {:?}", builder.contours) };
        // |p0 − 2p1 + p2| = √200: n = ceil(sqrt(2√200 / 0.08)) = 19 segments, plus the corner.
        assert_eq!(contour.len(), 21);
        // Every chord's midpoint is within the tolerance of the curve.
        for pair in contour[1..].windows(2) {
            let mid = [(pair[0][0] + pair[1][0]) / 2.0, (pair[0][1] + pair[1][1]) / 2.0];
            let t = nearest_t(mid);
            let s = 1.0 - t;
            let on = [s * s * 10.0 + 2.0 * s * t * 10.0, 2.0 * s * t * 10.0 + t * t * 10.0];
            assert!(distance(mid, on) <= 0.01, "{mid:?} is {} from the curve", distance(mid, on));
        }
        assert!(twice_area(contour) > 0.0);
    }

    /// The parameter of the curve's point nearest `p`, by sampling.
    fn nearest_t(p: [f64; 2]) -> f64 {
        (0..=10_000)
            .map(|i| f64::from(i) / 10_000.0)
            .min_by(|&a, &b| {
                let at = |t: f64| {
                    let s = 1.0 - t;
                    distance(p, [s * s * 10.0 + 2.0 * s * t * 10.0, 2.0 * s * t * 10.0 + t * t * 10.0])
                };
                at(a).total_cmp(&at(b))
            })
            .unwrap_or(0.0)
    }

    #[test]
    fn repeated_points_and_flat_contours_are_dropped() {
        let mut builder = FlatteningBuilder::new([1.0, 1.0], 2.0, 0.01);
        builder.move_to(0.0, 0.0);
        builder.line_to(0.0, 0.0);
        builder.line_to(1.0, 0.0);
        builder.line_to(1.0, 1.0);
        builder.line_to(0.0, 0.0);
        builder.close();
        builder.move_to(0.0, 0.0);
        builder.line_to(1.0, 0.0);
        builder.line_to(2.0, 0.0);
        builder.close();
        assert_eq!(builder.contours, vec![vec![[1.0, 1.0], [3.0, 1.0], [3.0, 3.0]]]);
    }
}
