//! Trim along a line: cut a model along a closed line on its surface,
//! keeping the side towards the teeth, and close the cut.
//!
//! The line ([`super::trim_line`], smoothed and on the surface) defines a
//! height over the plane across the occlusal axis ([`HeightField`]); each
//! vertex gets the signed value `H(q) − height` (positive below the line:
//! removed), and the half-space clipper cuts where that value crosses zero,
//! one shared vertex per crossing edge, so the cut leaves closed loops. The
//! loops lie on the graph of `H`, which is one height per position across
//! the axis: seen along the axis they do not cross, and [`cap`] of them in
//! the plane across the axis (with their own 3D vertices) is a surface
//! spanning them that cannot fold. The result is closed, manifold and
//! outward when the model was.

use super::PlaneCutError;
use super::cap::{CapFailure, cap_each_piece};
use super::cut_cap::not_closed;
use super::half_space::{classify, clip};
use super::height_field::{HeightField, Projection};
use super::outline::chain;
use super::surface::Surface;
use super::trim_line::{TrimLineOptions, smooth_on};
use crate::IndexedMesh;

/// A piece the cut leaves with fewer faces than this share of the largest's is a crumb.
const CRUMB_FRACTION: f64 = 0.02;

/// How to trim.
#[derive(Debug, Clone, PartialEq)]
pub struct TrimOptions {
    /// The occlusal direction, from the gums to the teeth
    /// ([`Arch::occlusal_direction`](super::Arch::occlusal_direction)):
    /// what lies above the line along it is kept.
    pub up: [f32; 3],
    /// The line's points on the surface, in order round the arch, the last
    /// back on the first (hand-placed, or [`propose_trim_line`](super::propose_trim_line)'s).
    pub line: Vec<[f32; 3]>,
    /// How the points are smoothed into the line that is cut along.
    pub smoothing: TrimLineOptions,
}

impl TrimOptions {
    /// A trim along `line` keeping what lies towards `up`, smoothed as by default.
    pub fn new(up: [f32; 3], line: Vec<[f32; 3]>) -> Self {
        TrimOptions { up, line, smoothing: TrimLineOptions::default() }
    }
}

/// The trimmed model and the line it was cut along.
#[derive(Debug, Clone, PartialEq)]
pub struct Trimmed {
    pub mesh: IndexedMesh,
    /// The smoothed line on the surface that was cut along (closed: the
    /// last point joins the first), for trimming machines.
    pub line: Vec<[f32; 3]>,
    /// The closed loops the cut left (one per tooth it crosses on a crowns-only arch).
    pub loops: usize,
    /// Faces added to close the cut.
    pub cap_faces: usize,
    /// Pieces the cut left that were far smaller than the others (under
    /// 2% of the largest's faces), removed.
    pub crumbs: usize,
}

/// Why a model could not be trimmed, or a trim line not made. The model is
/// never changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrimError {
    #[error("the model has no triangles, so there is nothing to trim; open a model first")]
    EmptyModel,
    #[error(
        "the up direction ({}, {}, {}) has no direction; give the direction the teeth point, such as (0, 1, 0)",
        up[0], up[1], up[2]
    )]
    DegenerateUp { up: [f32; 3] },
    #[error("the trim offset must be a positive number of mm (it is {got}); enter an offset such as 1 mm")]
    Offset { got: f32 },
    #[error("the trim line's {setting} must be a positive number of mm (it is {got}); use the default")]
    Setting { setting: &'static str, got: f32 },
    #[error("point {point} of the trim line is not a finite position; place that point again on the model")]
    NonFinitePoint { point: usize },
    #[error("a trim line needs at least 3 different points round the arch (it has {got}); place more points")]
    TooFewPoints { got: usize },
    #[error(
        "the trim line does not close: its last point is {gap_mm:.1} mm from its first (at most {tolerance_mm} mm \
         closes it); end it on the first point"
    )]
    NotClosed { gap_mm: f32, tolerance_mm: f32 },
    #[error(
        "the trim line is {length_mm:.0} mm long, too long to sample every {spacing_mm} mm (at most {} samples), \
         where a line round an arch is a few hundred mm; check that the model is in millimetres and place the line \
         on the arch",
        super::trim_line::MAX_LINE_SAMPLES
    )]
    LineTooLong { length_mm: f32, spacing_mm: f32 },
    #[error(
        "the trim line crosses itself near point {near_point} (seen along the arch's axis); move the points there so \
         that the line runs round the arch without crossing"
    )]
    CrossesItself { near_point: usize },
    #[error(
        "the trim line misses the model: at its nearest it is {distance_mm:.1} mm from the surface; place its points \
         on the model"
    )]
    MissesModel { distance_mm: f32 },
    #[error(
        "the trim line runs above the whole model (its lowest point is at {line_lowest_mm:.2} mm along the axis, the \
         model's top at {model_top_mm:.2} mm), so nothing would be kept; place the line lower, or lower the offset"
    )]
    KeepsNothing { line_lowest_mm: f64, model_top_mm: f64 },
    #[error(
        "the trim line runs below the whole model (its highest point is at {line_highest_mm:.2} mm along the axis, \
         the model's bottom at {model_bottom_mm:.2} mm), so nothing would be trimmed off; place the line on the \
         teeth, or raise the offset"
    )]
    KeepsEverything { line_highest_mm: f64, model_bottom_mm: f64 },
    #[error(
        "no tooth surface was found {offset_mm} mm above the lowest tooth points round the arch, so no trim line can \
         be proposed; lower the offset, or place the line by hand"
    )]
    NoProposal { offset_mm: f32 },
    #[error(
        "the model is not closed (it has {holes} {}) and the trim crosses an opening, so the cut cannot be closed; \
         repair the model first (close its holes)",
        if *holes == 1 { "hole" } else { "holes" }
    )]
    ModelNotClosed { holes: usize },
    #[error(
        "the trim line runs below the scan's open rim (on the gum side) somewhere, so the cut cannot be closed; \
         place the line by hand above the rim, or trim less (a smaller offset)"
    )]
    BelowOpenRim,
    #[error(
        "the model's faces disagree on which way they face ({misoriented_edges} edges), so the cut does not close; \
         repair the model first (fix its orientation)"
    )]
    InconsistentWinding { misoriented_edges: usize },
    #[error(
        "the cut along the trim line cannot be closed near ({:.2}, {:.2}, {:.2}): the model touches or intersects \
         itself there; repair the model, or move the line a little",
        at[0], at[1], at[2]
    )]
    CutNotClosable { at: [f32; 3] },
}

/// Trims `mesh` along `options.line`: smooths the points into a closed
/// line on the surface ([`smooth_trim_line`](super::smooth_trim_line)),
/// cuts the model along it keeping what lies towards `options.up`, and
/// closes the cut.
pub fn trim(mesh: &IndexedMesh, options: &TrimOptions) -> Result<Trimmed, TrimError> {
    let projection = Projection::new(options.up).ok_or(TrimError::DegenerateUp { up: options.up })?;
    let surface = Surface::new(mesh).ok_or(TrimError::EmptyModel)?;
    let line = smooth_on(&surface, &options.line, &projection, &options.smoothing)?;
    let field = HeightField::new(&line, &projection);
    let (mut mesh_cut, loops, cap_faces) = cut_below(mesh, &field, &projection)?;
    // Where the surface wavers round the line, the cut leaves crumbs: closed
    // pieces far smaller than a crown, which no one wants printed.
    let crumbs = mesh_cut.remove_small_components(CRUMB_FRACTION, 4).pieces;
    mesh_cut.remove_unused_vertices();
    Ok(Trimmed { mesh: mesh_cut, line, loops, cap_faces, crumbs })
}

/// Cuts away what lies below `field` and caps the cut: the mesh, its loops
/// and the cap's faces.
fn cut_below(
    mesh: &IndexedMesh,
    field: &HeightField,
    projection: &Projection,
) -> Result<(IndexedMesh, usize, usize), TrimError> {
    let values = signed_values(mesh, field, projection);
    let sides = classify(mesh, values, 0.0);
    let (lowest, highest) = field.range();
    if !sides.extent.any_behind {
        let model_top_mm = mesh.positions.iter().map(|&p| projection.height(p)).fold(f64::NEG_INFINITY, f64::max);
        return Err(TrimError::KeepsNothing { line_lowest_mm: lowest, model_top_mm });
    }
    if !sides.extent.any_in_front {
        let model_bottom_mm = mesh.positions.iter().map(|&p| projection.height(p)).fold(f64::INFINITY, f64::min);
        return Err(TrimError::KeepsEverything { line_highest_mm: highest, model_bottom_mm });
    }
    let clipped = clip(mesh, &sides);
    let loops = chain(&clipped.outline);
    if loops.open_edges > 0 {
        let report = crate::validate(mesh);
        if report.boundary_loops.iter().any(|&edges| edges > crate::OPEN_RIM_EDGES) {
            return Err(TrimError::BelowOpenRim);
        }
        return Err(match not_closed(mesh) {
            PlaneCutError::InconsistentWinding { misoriented_edges } => {
                TrimError::InconsistentWinding { misoriented_edges }
            }
            PlaneCutError::NotClosed { holes } => TrimError::ModelNotClosed { holes },
            _ => TrimError::ModelNotClosed { holes: 1 },
        });
    }
    let mut kept = clipped.mesh;
    let faces =
        cap_each_piece(&kept, &clipped.outline, &clipped.outline_faces, projection.plane()).map_err(|failure| {
            let (CapFailure::Coincident { at } | CapFailure::Crossing { at } | CapFailure::Overlapping { at }) =
                failure;
            TrimError::CutNotClosable { at }
        })?;
    let cap_faces = faces.len();
    kept.triangles.extend(faces);
    Ok((kept, loops.closed.len(), cap_faces))
}

/// Each vertex's `H(q) − height`: positive below the line (removed).
/// Vertices above or below the line's whole range have a known sign and a
/// bound for a value; only those of faces the cut may cross get the field
/// itself, so the crossings are where the field says.
fn signed_values(mesh: &IndexedMesh, field: &HeightField, projection: &Projection) -> Vec<f64> {
    let (lowest, highest) = field.range();
    let heights: Vec<f64> = mesh.positions.iter().map(|&p| projection.height(p)).collect();
    let in_range: Vec<bool> = heights.iter().map(|&h| h >= lowest && h <= highest).collect();
    let mut exact = in_range.clone();
    // A face with a vertex in the range, or with vertices on both sides of it, may be crossed.
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|v| v as usize);
        let below = [a, b, c].map(|v| heights[v] < lowest);
        let crossed = in_range[a] || in_range[b] || in_range[c] || below[0] != below[1] || below[1] != below[2];
        if crossed {
            for v in [a, b, c] {
                exact[v] = true;
            }
        }
    }
    heights
        .iter()
        .zip(&exact)
        .zip(&mesh.positions)
        .map(|((&h, &exact), &p)| {
            if exact {
                field.at(projection.flat(p)) - h
            } else if h > highest {
                highest - h
            } else {
                lowest - h
            }
        })
        .collect()
}
