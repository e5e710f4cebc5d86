//! The exact Euclidean distance from every point inside to the nearest
//! point outside, on a grid: Felzenszwalb and Huttenlocher's squared
//! distance transform (lower envelope of parabolas), one pass per axis.

use super::grid::Grid;

/// For every grid point, its squared distance in steps to the nearest
/// point that is not `inside` (0 for those). The grid has points outside
/// on every side ([`Grid::around`] pads it), so every distance is finite.
pub(super) fn squared_distance_to_outside(grid: &Grid, inside: &[bool]) -> Vec<f32> {
    let mut distance: Vec<f32> = inside.iter().map(|&i| if i { f32::INFINITY } else { 0.0 }).collect();
    let [nx, ny, nz] = grid.dims;
    let longest = nx.max(ny).max(nz);
    let mut scratch = Scratch::new(longest);
    let strides = [1, nx, nx * ny];
    for (axis, &stride) in strides.iter().enumerate() {
        let n = grid.dims[axis];
        // Every line along `axis`: its first point's index.
        let others: Vec<usize> = (0..grid.len()).filter(|&p| grid.coordinates(p)[axis] == 0).collect();
        for first in others {
            for i in 0..n {
                scratch.line[i] = distance[first + i * stride];
            }
            scratch.transform(n);
            for i in 0..n {
                distance[first + i * stride] = scratch.out[i];
            }
        }
    }
    distance
}

/// The buffers of one line's transform.
struct Scratch {
    line: Vec<f32>,
    out: Vec<f32>,
    /// The parabolas of the lower envelope (their apexes) …
    apex: Vec<usize>,
    /// … and where each begins to be the lowest.
    from: Vec<f32>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch { line: vec![0.0; n], out: vec![0.0; n], apex: vec![0; n], from: vec![0.0; n + 1] }
    }

    /// `out[q] = min over p of (q − p)² + line[p]` for `q < n`.
    fn transform(&mut self, n: usize) {
        let f = &self.line;
        let mut count = 0usize;
        for q in 0..n {
            if !f[q].is_finite() {
                continue;
            }
            let qf = q as f32;
            loop {
                if count == 0 {
                    self.apex[0] = q;
                    self.from[0] = f32::NEG_INFINITY;
                    count = 1;
                    break;
                }
                let p = self.apex[count - 1];
                let pf = p as f32;
                // Where the parabola from q meets the one from p.
                let s = ((f[q] + qf * qf) - (f[p] + pf * pf)) / (2.0 * (qf - pf));
                if s <= self.from[count - 1] {
                    count -= 1;
                    continue;
                }
                self.apex[count] = q;
                self.from[count] = s;
                count += 1;
                break;
            }
        }
        if count == 0 {
            self.out[..n].fill(f32::INFINITY);
            return;
        }
        self.from[count] = f32::INFINITY;
        let mut k = 0;
        for q in 0..n {
            while self.from[k + 1] < q as f32 {
                k += 1;
            }
            let p = self.apex[k];
            let d = q as f32 - p as f32;
            self.out[q] = d * d + f[p];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_exact_to_the_nearest_outside_point() {
        // A 7 × 7 × 7 grid, inside except its outer layer.
        let grid = Grid { origin: [0.0; 3], step: 1.0, dims: [7, 7, 7] };
        let inside: Vec<bool> =
            (0..grid.len()).map(|p| grid.coordinates(p).iter().all(|&c| (1..6).contains(&c))).collect();
        let distance = squared_distance_to_outside(&grid, &inside);
        for (p, &d) in distance.iter().enumerate() {
            let c = grid.coordinates(p);
            let expected = c.iter().map(|&c| c.min(6 - c)).min().unwrap_or(0);
            assert_eq!(d, (expected * expected) as f32, "at {c:?}");
        }
        // A single outside point in the middle of a block: distances are Euclidean, not city-block.
        let mut inside = vec![true; grid.len()];
        inside[grid.index(0, 0, 0)] = false;
        let distance = squared_distance_to_outside(&grid, &inside);
        assert_eq!(distance[grid.index(3, 4, 5)], 50.0);
    }
}
