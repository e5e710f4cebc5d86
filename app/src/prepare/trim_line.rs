//! A trim line placed by hand: points clicked on the model in order round
//! the arch, closed by clicking the first point again.

/// A click this close to the first point (mm) closes the line.
const CLOSE_WITHIN_MM: f32 = 1.5;

/// The points placed so far, and whether the line is closed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PlacedLine {
    pub(crate) points: Vec<[f32; 3]>,
    pub(crate) closed: bool,
}

impl PlacedLine {
    /// Adds the clicked `point`, or closes the line when it is the first
    /// point again (and there are three or more). A closed line takes no more.
    pub(crate) fn click(&mut self, point: [f32; 3]) {
        if self.closed {
            return;
        }
        let near_first =
            self.points.first().is_some_and(|first| crate::viewer::pick::distance(*first, point) <= CLOSE_WITHIN_MM);
        if near_first && self.points.len() >= 3 {
            self.closed = true;
        } else if !near_first {
            self.points.push(point);
        }
    }

    /// The segments to draw: between consecutive points, and back to the
    /// first once closed.
    pub(crate) fn segments(&self) -> Vec<[[f32; 3]; 2]> {
        let mut segments: Vec<[[f32; 3]; 2]> = self.points.windows(2).map(|pair| [pair[0], pair[1]]).collect();
        if let (true, Some(first), Some(last)) = (self.closed, self.points.first(), self.points.last()) {
            segments.push([*last, *first]);
        }
        segments
    }
}

/// The segments of a closed line given as its points.
pub(crate) fn closed_segments(points: &[[f32; 3]]) -> Vec<[[f32; 3]; 2]> {
    PlacedLine { points: points.to_vec(), closed: true }.segments()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicking_the_first_point_again_closes_a_line_of_three_or_more() {
        let mut line = PlacedLine::default();
        line.click([0.0, 0.0, 0.0]);
        line.click([0.5, 0.0, 0.0]);
        assert_eq!(line.points.len(), 1, "a click on the first point before there are three is ignored");
        line.click([10.0, 0.0, 0.0]);
        line.click([10.0, 10.0, 0.0]);
        assert!(!line.closed);
        line.click([0.3, 0.4, 0.0]);
        assert!(line.closed);
        assert_eq!(line.points.len(), 3);
        assert_eq!(line.segments().len(), 3, "two between the points and one back to the first");
        line.click([50.0, 0.0, 0.0]);
        assert_eq!(line.points.len(), 3, "a closed line takes no more points");
    }

    #[test]
    fn an_open_line_draws_only_between_its_points() {
        let line = PlacedLine { points: vec![[0.0; 3], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]], closed: false };
        assert_eq!(line.segments(), [[[0.0; 3], [1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]]);
        assert_eq!(closed_segments(&line.points).len(), 3);
    }
}
