//! A grid of dark modules as closed polygons: the edges between dark and
//! light modules, each run with the dark module on its left, chained into
//! loops (counter-clockwise round dark areas, clockwise round light holes
//! in them).
//!
//! Where two dark modules touch only at a corner, the two loops through
//! that corner turn left there (so each follows its own module), and each
//! takes the corner a twentieth of a module into its own module: the
//! loops stay apart and the relief stays manifold. Corners in a straight
//! run are dropped.

use rustc_hash::FxHashMap;

use super::code::ModuleGrid;
use super::flatten::Contour;

/// How far into its own module a loop takes a corner shared with another loop, in modules.
const CORNER_INSET: f64 = 0.05;

/// The loops round the dark modules of `grid`, in modules (x right, y up,
/// the grid's top-left corner at (0, rows)).
pub(crate) fn trace_modules(grid: &ModuleGrid) -> Vec<Contour> {
    let rows = grid.rows as i64;
    // Dark at (x, y) in y-up cells: row `rows − 1 − y` from the top.
    let dark = |x: i64, y: i64| grid.is_dark(x, rows - 1 - y);
    // Directed edges [from, to] between grid corners, dark on the left.
    let mut edges: Vec<[[i64; 2]; 2]> = Vec::new();
    for y in 0..rows {
        for x in 0..grid.columns as i64 {
            if !dark(x, y) {
                continue;
            }
            if !dark(x, y - 1) {
                edges.push([[x, y], [x + 1, y]]);
            }
            if !dark(x + 1, y) {
                edges.push([[x + 1, y], [x + 1, y + 1]]);
            }
            if !dark(x, y + 1) {
                edges.push([[x + 1, y + 1], [x, y + 1]]);
            }
            if !dark(x - 1, y) {
                edges.push([[x, y + 1], [x, y]]);
            }
        }
    }
    let mut leaving: FxHashMap<[i64; 2], Vec<usize>> = FxHashMap::default();
    for (i, edge) in edges.iter().enumerate() {
        leaving.entry(edge[0]).or_default().push(i);
    }
    let direction = |i: usize| [edges[i][1][0] - edges[i][0][0], edges[i][1][1] - edges[i][0][1]];
    let mut used = vec![false; edges.len()];
    let mut contours = Vec::new();
    for first in 0..edges.len() {
        if used[first] {
            continue;
        }
        let mut contour: Contour = Vec::new();
        let mut current = first;
        loop {
            used[current] = true;
            let corner = edges[current][1];
            let incoming = direction(current);
            let candidates = leaving.get(&corner).map_or(&[][..], |c| c.as_slice());
            // At a corner shared by two loops, turn left: stay with this module.
            let left = [-incoming[1], incoming[0]];
            let next = candidates
                .iter()
                .copied()
                .find(|&i| !used[i] && (candidates.len() == 1 || direction(i) == left))
                .or_else(|| candidates.iter().copied().find(|&i| i == first));
            let Some(next) = next else { break };
            let outgoing = direction(next);
            let point = corner.map(|c| c as f64);
            if candidates.len() > 1 {
                // Into this loop's module: along the outgoing edge and back against the incoming one.
                let inset = [0, 1].map(|k| (outgoing[k] - incoming[k]) as f64 * CORNER_INSET);
                contour.push([point[0] + inset[0], point[1] + inset[1]]);
            } else if outgoing != incoming {
                contour.push(point);
            }
            if next == first {
                break;
            }
            current = next;
        }
        contours.push(contour);
    }
    contours
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::flatten::twice_area;

    /// The loops of a grid drawn as rows of `#` (dark) and `.`, top row first.
    fn loops(rows: &[&str]) -> Vec<Contour> {
        let columns = rows[0].len();
        let dark = rows.iter().flat_map(|row| row.chars().map(|c| c == '#')).collect();
        trace_modules(&ModuleGrid::new(columns, rows.len(), dark))
    }

    #[test]
    fn a_block_of_modules_is_one_square_without_its_straight_corners() {
        let traced = loops(&["##", "##"]);
        let [square] = traced.as_slice() else { panic!("one loop: {traced:?}") };
        let mut corners = square.clone();
        corners.sort_by(|p, q| p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal));
        assert_eq!(corners, vec![[0.0, 0.0], [0.0, 2.0], [2.0, 0.0], [2.0, 2.0]]);
        assert_eq!(twice_area(square), 8.0);
    }

    #[test]
    fn a_ring_of_modules_has_an_outer_loop_and_a_hole() {
        let traced = loops(&["###", "#.#", "###"]);
        let mut areas: Vec<f64> = traced.iter().map(|c| twice_area(c) / 2.0).collect();
        areas.sort_by(f64::total_cmp);
        assert_eq!(areas, vec![-1.0, 9.0]);
        assert_eq!(traced.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4]);
    }

    #[test]
    fn modules_touching_at_a_corner_make_two_loops_kept_apart() {
        let traced = loops(&["#.", ".#"]);
        assert_eq!(traced.len(), 2);
        for contour in &traced {
            assert_eq!(contour.len(), 4);
            // Each a little less than a module: the shared corner moved into it.
            let area = twice_area(contour) / 2.0;
            assert!(area > 0.9 && area < 1.0, "{contour:?}");
        }
        let shared = [1.0, 1.0];
        for contour in &traced {
            assert!(contour.iter().all(|&p| p != shared), "{contour:?} keeps the shared corner");
        }
    }
}
