//! The difference map between two stages of one arch: every vertex of the
//! later model (B) coloured by its distance to the nearest point of the
//! earlier one (A), on a ramp from 0 mm (blue) to the largest distance
//! (red).
//!
//! The distances come from `mesh_core::surface_distances`, which the page
//! runs in the mesh worker (`worker::surface_distances`);
//! [`difference_colours`] turns them into colours. [`difference_map`] does
//! both on the calling thread (tests, benchmarks).

use mesh_core::IndexedMesh;

/// Per-vertex colours of B and the top of their scale.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DifferenceMap {
    /// One colour per vertex of B, in its vertex order.
    pub(crate) colours: Vec<[u8; 3]>,
    /// The largest distance, in mm: the red end of the ramp.
    pub(crate) max_mm: f32,
}

/// The smallest top of the scale, so identical models read "0.00 mm" in blue
/// rather than noise stretched over the whole ramp.
const MIN_SCALE_MM: f32 = 0.01;

/// Colours `b` by its distance to `a`; an error says what to choose instead.
pub(crate) fn difference_map(b: &IndexedMesh, a: &IndexedMesh) -> Result<DifferenceMap, String> {
    let distances = mesh_core::surface_distances(b, a).map_err(|error| error.to_string())?;
    Ok(difference_colours(&distances.distances, distances.max))
}

/// Colours per-vertex `distances` (mm) on the ramp from 0 to `max_mm`.
pub(crate) fn difference_colours(distances: &[f32], max_mm: f32) -> DifferenceMap {
    let scale = max_mm.max(MIN_SCALE_MM);
    DifferenceMap { colours: distances.iter().map(|&d| ramp(d / scale)).collect(), max_mm }
}

/// The ramp's stops, from 0 to 1: blue, cyan, green, yellow, red.
pub(crate) const RAMP: [[u8; 3]; 5] = [[40, 90, 220], [0, 190, 220], [40, 200, 80], [240, 210, 40], [220, 40, 40]];

/// The colour at `t` in 0..=1 (clamped; not-a-number reads as 0).
pub(crate) fn ramp(t: f32) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let scaled = t * (RAMP.len() - 1) as f32;
    let low = (scaled.floor() as usize).min(RAMP.len() - 2);
    let f = scaled - low as f32;
    let (from, to) = (RAMP[low], RAMP[low + 1]);
    std::array::from_fn(|i| (f32::from(from[i]) + (f32::from(to[i]) - f32::from(from[i])) * f).round() as u8)
}

/// The ramp as a CSS gradient, for the legend.
pub(crate) fn legend_gradient() -> String {
    let stops: Vec<String> = RAMP.iter().map(|[r, g, b]| format!("rgb({r}, {g}, {b})")).collect();
    format!("linear-gradient(to right, {})", stops.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(height: f32) -> IndexedMesh {
        IndexedMesh {
            positions: vec![[0.0, 0.0, height], [10.0, 0.0, height], [10.0, 10.0, height], [0.0, 10.0, height]],
            triangles: vec![[0, 1, 2], [0, 2, 3]],
        }
    }

    #[test]
    fn a_model_moved_by_two_mm_is_red_everywhere_with_a_two_mm_scale() {
        let map = difference_map(&square(2.0), &square(0.0)).expect("both have faces");
        assert!((map.max_mm - 2.0).abs() < 1e-5, "{}", map.max_mm);
        assert_eq!(map.colours, vec![RAMP[4]; 4]);
    }

    #[test]
    fn an_unchanged_model_is_blue_with_a_zero_maximum() {
        let map = difference_map(&square(1.0), &square(1.0)).expect("both have faces");
        assert_eq!(map.max_mm, 0.0);
        assert_eq!(map.colours, vec![RAMP[0]; 4]);
    }

    #[test]
    fn a_tilted_model_runs_from_blue_at_the_hinge_to_red_at_the_far_edge() {
        let mut tilted = square(0.0);
        tilted.positions[1][2] = 3.0;
        tilted.positions[2][2] = 3.0;
        let map = difference_map(&tilted, &square(0.0)).expect("both have faces");
        assert_eq!((map.colours[0], map.colours[3]), (RAMP[0], RAMP[0]));
        assert_eq!((map.colours[1], map.colours[2]), (RAMP[4], RAMP[4]));
    }

    #[test]
    fn comparing_with_an_empty_model_says_what_to_choose() {
        let error = difference_map(&square(0.0), &IndexedMesh::default()).expect_err("nothing to compare with");
        assert!(error.contains("choose a stage with a model"), "{error}");
    }

    #[test]
    fn the_ramp_passes_through_its_stops_and_clamps() {
        assert_eq!(ramp(0.0), RAMP[0]);
        assert_eq!(ramp(0.5), RAMP[2]);
        assert_eq!(ramp(1.0), RAMP[4]);
        assert_eq!(ramp(7.0), RAMP[4]);
        assert_eq!(ramp(-1.0), RAMP[0]);
        assert_eq!(ramp(f32::NAN), RAMP[0]);
        assert_eq!(ramp(0.125), [20, 140, 220], "halfway between blue and cyan");
    }
}
