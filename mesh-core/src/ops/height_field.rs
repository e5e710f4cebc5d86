//! The height field a trim line defines: seen along the occlusal axis, the
//! closed line gives a height at every point of the plane across the axis,
//! by inverse-distance weighting (Shepard, power 2) of the line's samples.
//! On the line it is the line's own height; between the buccal and lingual
//! sides it blends the two; far from the line it tends to the line's mean.
//!
//! Invariant: the field lies between the line's lowest and highest heights
//! everywhere (a weighted mean of them), so a point above the highest is
//! kept and one below the lowest is removed without evaluating it.

use super::plane::{Plane, UnitPlane};

/// Heights along an occlusal axis and positions across it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Projection {
    /// The plane across the axis, facing against it (down, towards the
    /// gums): the side a trim removes, which the cap faces.
    plane: UnitPlane,
}

impl Projection {
    /// The projection along `up`, or `None` when `up` has no direction.
    pub(crate) fn new(up: [f32; 3]) -> Option<Self> {
        Plane::new([0.0; 3], up.map(|c| -c)).checked().map(|plane| Projection { plane })
    }

    /// `p`'s height along the axis (`p · up`, up of unit length).
    pub(crate) fn height(&self, p: [f32; 3]) -> f64 {
        -self.plane.distance(p)
    }

    /// `p` seen along the axis: its 2D position in the plane across it.
    pub(crate) fn flat(&self, p: [f32; 3]) -> [f64; 2] {
        self.plane.in_plane(p)
    }

    /// The plane across the axis through the origin, facing down the axis.
    pub(crate) fn plane(&self) -> &UnitPlane {
        &self.plane
    }
}

/// A closed line's height over the plane across its axis.
#[derive(Debug, Clone)]
pub(crate) struct HeightField {
    /// The samples' positions across the axis and their heights along it.
    points: Vec<[f64; 2]>,
    heights: Vec<f64>,
    lowest: f64,
    highest: f64,
}

impl HeightField {
    /// The field of the samples `line` (at least one) seen through `projection`.
    pub(crate) fn new(line: &[[f32; 3]], projection: &Projection) -> Self {
        let points: Vec<[f64; 2]> = line.iter().map(|&p| projection.flat(p)).collect();
        let heights: Vec<f64> = line.iter().map(|&p| projection.height(p)).collect();
        let lowest = heights.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = heights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        HeightField { points, heights, lowest, highest }
    }

    /// The lowest and highest heights of the line, between which the field lies.
    pub(crate) fn range(&self) -> (f64, f64) {
        (self.lowest, self.highest)
    }

    /// The field's height at `q` (a position across the axis).
    pub(crate) fn at(&self, q: [f64; 2]) -> f64 {
        let (mut weighted, mut total) = (0.0, 0.0);
        for (p, &h) in self.points.iter().zip(&self.heights) {
            let squared = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
            // On a sample (to a nanometre): its own height, without dividing by zero.
            if squared < 1e-18 {
                return h;
            }
            weighted += h / squared;
            total += 1.0 / squared;
        }
        if total > 0.0 { weighted / total } else { self.lowest }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_is_the_lines_height_on_it_and_blends_between() {
        let projection = Projection::new([0.0, 0.0, 2.0]).expect("a direction");
        // A square seen from above, its left side at 1 mm and its right side at 3 mm.
        let line = [[0.0, 0.0, 1.0], [0.0, 10.0, 1.0], [10.0, 10.0, 3.0], [10.0, 0.0, 3.0]];
        let field = HeightField::new(&line, &projection);
        assert_eq!(field.range(), (1.0, 3.0));
        assert_eq!(projection.height([4.0, 5.0, 2.5]), 2.5);
        for p in line {
            assert_eq!(field.at(projection.flat(p)), f64::from(p[2]));
        }
        // The centre is as far from every sample: the mean.
        assert!((field.at(projection.flat([5.0, 5.0, 0.0])) - 2.0).abs() < 1e-12);
        let near_left = field.at(projection.flat([1.0, 5.0, 0.0]));
        assert!(near_left > 1.0 && near_left < 2.0, "{near_left}");
    }

    #[test]
    fn an_up_without_direction_has_no_projection() {
        assert!(Projection::new([0.0; 3]).is_none());
        assert!(Projection::new([f32::NAN, 1.0, 0.0]).is_none());
    }
}
