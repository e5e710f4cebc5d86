//! Drain holes: for each hollow, a cylinder up from the flat bottom into
//! it, added to the hollow in the field before the surface is made, so
//! that the hollow's surface and the hole's wall are one surface.
//!
//! A hole goes where the cylinder, widened by a clearance, lies wholly
//! inside the model from the bottom up to the hollow: it then never breaks
//! through the model's side, and its opening lies inside the bottom face.
//! Automatic holes go under each hollow's lowest points (nearest the
//! bottom: the shortest hole, and the point resin drains to).

use rustc_hash::FxHashMap;

use super::grid::Grid;
use crate::vector::{dot, sub};

/// The flat bottom: a point of it and the unit direction into the model.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bottom {
    pub(super) origin: [f64; 3],
    pub(super) up: [f64; 3],
}

impl Bottom {
    /// How far above the bottom `p` is.
    pub(super) fn height(&self, p: [f64; 3]) -> f64 {
        dot(sub(p, self.origin), self.up)
    }

    /// `p` moved along the up direction onto the bottom.
    pub(super) fn foot(&self, p: [f64; 3]) -> [f64; 3] {
        let h = self.height(p);
        [0, 1, 2].map(|a| p[a] - h * self.up[a])
    }

    /// How far `p` is from the vertical line through `foot`.
    fn off_axis(&self, foot: [f64; 3], p: [f64; 3]) -> f64 {
        let d = sub(p, foot);
        let along = dot(d, self.up);
        let across = [0, 1, 2].map(|a| d[a] - along * self.up[a]);
        dot(across, across).sqrt()
    }
}

/// A drain hole: the axis's foot on the bottom, and how high it reaches (mm above the bottom).
#[derive(Debug, Clone, Copy)]
pub(super) struct Drain {
    pub(super) foot: [f64; 3],
    pub(super) top: f64,
}

/// The cylinder's size: its radius and the clearance kept round it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bore {
    pub(super) radius: f64,
    pub(super) clearance: f64,
}

/// A rectangle on the bottom that drain holes keep out of (a label).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeepClear {
    /// The rectangle's centre, on the bottom.
    pub centre: [f32; 3],
    /// Unit directions along its sides, in the bottom's plane.
    pub right: [f32; 3],
    pub up: [f32; 3],
    /// Half its width (along `right`) and height (along `up`), in mm.
    pub half_size_mm: [f32; 2],
}

impl KeepClear {
    /// Whether a hole whose opening reaches `reach` mm from `foot` would meet the rectangle.
    pub(super) fn meets(&self, foot: [f64; 3], reach: f64) -> bool {
        let d = sub(foot, self.centre.map(f64::from));
        let along = [self.right, self.up].map(|axis| dot(d, axis.map(f64::from)).abs());
        along[0] < f64::from(self.half_size_mm[0]) + reach && along[1] < f64::from(self.half_size_mm[1]) + reach
    }
}

/// The grid points with a positive field, in pieces connected through the grid's edges.
pub(super) fn hollows(grid: &Grid, field: &[f32]) -> Vec<Vec<usize>> {
    let [nx, ny, _] = grid.dims;
    let steps = [1, nx, nx * ny];
    let mut seen = vec![false; field.len()];
    let mut pieces = Vec::new();
    for start in 0..field.len() {
        if seen[start] || field[start] <= 0.0 {
            continue;
        }
        seen[start] = true;
        let mut piece = vec![start];
        let mut next = 0;
        while next < piece.len() {
            let p = piece[next];
            next += 1;
            let at = grid.coordinates(p);
            for axis in 0..3 {
                // Positive points are never on the grid's outer layer, so neighbours exist.
                if at[axis] == 0 || at[axis] + 1 == grid.dims[axis] {
                    continue;
                }
                for q in [p - steps[axis], p + steps[axis]] {
                    if !seen[q] && field[q] > 0.0 {
                        seen[q] = true;
                        piece.push(q);
                    }
                }
            }
        }
        pieces.push(piece);
    }
    pieces
}

/// The model as voxels, for placing holes: which grid points are inside,
/// which are next to a face, and the bottom.
#[derive(Debug, Clone, Copy)]
pub(super) struct Voxels<'a> {
    pub(super) grid: &'a Grid,
    pub(super) inside: &'a [bool],
    pub(super) near: &'a [bool],
    pub(super) bottom: Bottom,
}

impl Voxels<'_> {
    /// Whether a hole of `bore` under the line through `foot`, up to `top`,
    /// with its clearance, lies inside the model and, above the bottom's own
    /// layer of grid points, away from every face (`near` the surface: faces
    /// inside the solid, where pieces overlap, included).
    pub(super) fn fit(&self, bore: Bore, foot: [f64; 3], top: f64) -> Fit {
        let (grid, bottom) = (self.grid, &self.bottom);
        let reach = bore.radius + bore.clearance;
        let mut fit = Fit::Fits;
        for (p, point) in points_near(grid, bottom, foot, reach, 0.0, top) {
            let height = bottom.height(point);
            if height <= 0.0 || height > top || bottom.off_axis(foot, point) > reach {
                continue;
            }
            if !self.inside[p] {
                return Fit::LeavesModel;
            }
            if self.near[p] && height >= grid.step {
                fit = Fit::CrossesFace;
            }
        }
        fit
    }

    /// The hole for `hollow` (its grid points): under the lowest of its
    /// places (lines up from the bottom, a step apart) where one fits, off
    /// the `keep_clear` rectangles, trying at most `tries` places from the
    /// lowest up. `Err(true)` when none fits but some stayed inside the
    /// model and only crossed a face (a face inside it, where pieces overlap).
    pub(super) fn place(
        &self,
        bore: Bore,
        hollow: &[usize],
        keep_clear: &[KeepClear],
        tries: usize,
    ) -> Result<Drain, bool> {
        let (grid, bottom) = (self.grid, &self.bottom);
        // The lowest point of the hollow on each line, by the line's place on a step grid.
        let mut lowest: FxHashMap<[i64; 3], (f64, [f64; 3])> = FxHashMap::default();
        for &p in hollow {
            let point = grid.point(grid.coordinates(p));
            let (height, foot) = (bottom.height(point), bottom.foot(point));
            let key = foot.map(|c| (c / grid.step).round() as i64);
            let entry = lowest.entry(key).or_insert((height, foot));
            if height < entry.0 {
                *entry = (height, foot);
            }
        }
        let mut places: Vec<(f64, [f64; 3])> = lowest.into_values().collect();
        places.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal)));
        let mut crossed_face = false;
        let open = places
            .into_iter()
            .filter(|&(_, foot)| !keep_clear.iter().any(|area| area.meets(foot, bore.radius + bore.clearance)))
            .take(tries)
            .find(|&(top, foot)| match self.fit(bore, foot, top) {
                Fit::Fits => true,
                Fit::CrossesFace => {
                    crossed_face = true;
                    false
                }
                Fit::LeavesModel => false,
            });
        open.map(|(top, foot)| Drain { foot, top }).ok_or(crossed_face)
    }
}

/// Whether a hole fits where it is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fit {
    Fits,
    /// It would break through the model's surface.
    LeavesModel,
    /// It stays inside but passes through a face: where closed pieces
    /// overlap, one's faces lie inside the other, and a hole through them
    /// would stay closed in the piece it enters.
    CrossesFace,
}

/// Adds the hole `drain` of radius `radius` to the field: from a little
/// below the bottom (outside the model) up into the hollow.
pub(super) fn bore(grid: &Grid, field: &mut [f32], bottom: &Bottom, radius: f64, drain: Drain) {
    let step = grid.step;
    let (low, high) = (-1.5 * step, drain.top + step);
    for (p, point) in points_near(grid, bottom, drain.foot, radius + step, low - step, high + step) {
        let height = bottom.height(point);
        let value = (radius - bottom.off_axis(drain.foot, point)).min(high - height).min(height - low);
        field[p] = field[p].max(value as f32);
    }
}

/// The grid points in the box round the cylinder of radius `reach` on the
/// line through `foot`, from `low` to `high` mm above the bottom.
fn points_near(
    grid: &Grid,
    bottom: &Bottom,
    foot: [f64; 3],
    reach: f64,
    low: f64,
    high: f64,
) -> impl Iterator<Item = (usize, [f64; 3])> {
    let ends = [low, high].map(|h| [0, 1, 2].map(|a| foot[a] + h * bottom.up[a]));
    let span = |a: usize| {
        let (min, max) = (ends[0][a].min(ends[1][a]), ends[0][a].max(ends[1][a]));
        grid.span(a, min - reach, max + reach)
    };
    let (xs, ys, zs) = (span(0), span(1), span(2));
    zs.flat_map(move |k| {
        let xs = xs.clone();
        ys.clone().flat_map(move |j| xs.clone().map(move |i| [i, j, k]))
    })
    .map(|at| (grid.index(at[0], at[1], at[2]), grid.point(at)))
}

/// The hole under the chosen point `at`: up to the lowest hollow point
/// within half the radius of its line, and that point. `None` when no
/// hollow is above it.
pub(super) fn chosen(grid: &Grid, field: &[f32], bottom: &Bottom, radius: f64, at: [f64; 3]) -> Option<(Drain, usize)> {
    let foot = bottom.foot(at);
    let mut top: Option<(f64, usize)> = None;
    for (p, &value) in field.iter().enumerate() {
        if value <= 0.0 {
            continue;
        }
        let point = grid.point(grid.coordinates(p));
        if bottom.off_axis(foot, point) <= radius / 2.0 {
            let height = bottom.height(point);
            if top.is_none_or(|(lowest, _)| height < lowest) {
                top = Some((height, p));
            }
        }
    }
    top.map(|(top, p)| (Drain { foot, top }, p))
}
