//! A trim line as a file for trimming machines: plain text, one point per
//! line as `x y z` in mm, the first point repeated at the end to close it.

use std::fmt::Write;

/// The closed line `points` as text: a `#` comment line, then `x y z` per
/// point (mm, shortest decimals that read back exactly), then the first
/// point again. Empty `points` give only the comment.
pub fn write_polyline(points: &[[f32; 3]]) -> String {
    let mut text = format!("# Trayforge trim line: {} points, x y z in mm, closed\n", points.len());
    for [x, y, z] in points.iter().chain(points.first()) {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{x} {y} {z}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::write_polyline;

    #[test]
    fn a_line_is_written_closed_and_reads_back_exactly() {
        let points = [[1.5, -2.0, 0.1], [3.25, 4.0, 1e-3], [0.0, 7.0, -12.125]];
        let text = write_polyline(&points);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("# Trayforge trim line: 3 points, x y z in mm, closed"));
        let read: Vec<[f32; 3]> = lines
            .map(|line| {
                let v: Vec<f32> = line.split(' ').map(|n| n.parse().expect("a number")).collect();
                [v[0], v[1], v[2]]
            })
            .collect();
        assert_eq!(read.len(), 4);
        assert_eq!(read[..3], points);
        assert_eq!(read[3], points[0]);
    }
}
