//! Flat base (plinth): cut the model a little above its lowest point and
//! extrude the cut into a solid base of a given height, optionally with a
//! chamfer round its bottom edge, so that the model stands flat on the
//! build plate.
//!
//! The base is built on the cut's outline: walls go straight down from
//! every outline edge (each wall face runs the edge the way a cap would),
//! and the bottom is the cap of the outline moved down, so the result is
//! closed and faces outward wherever the cut could be capped.
//!
//! The occlusal axis of an arch, in the convention of the scans and plans
//! we receive (checked on the corpus's upper and lower arches): +Y points
//! up, the arch lies across X and Z, the lower arch's cusps point up (+Y)
//! and the upper arch's point down (−Y). The base goes on the gum side.

use rustc_hash::FxHashMap;

use super::cap::{CapFailure, cap_each_piece};
use super::cut_cap::{CutOutline, PlaneCutError, cap_error, check_extent, check_plane, not_closed, summarise};
use super::half_space::{clip, sides};
use super::outline::chain;
use super::plane::Plane;
use crate::IndexedMesh;
use crate::vector::{cross, dot, sub};

/// Which arch a model is, which says which way its teeth point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    Upper,
    Lower,
}

impl Arch {
    /// The direction from the gums to the teeth (+Y for the lower arch, −Y for the upper).
    pub fn occlusal_direction(self) -> [f32; 3] {
        match self {
            Arch::Lower => [0.0, 1.0, 0.0],
            Arch::Upper => [0.0, -1.0, 0.0],
        }
    }
}

/// Where the base goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BasePlacement {
    /// On the gum side of an arch, along its occlusal axis.
    Arch(Arch),
    /// Under the model with this direction as up: the cut is
    /// `cut_height_mm` above the lowest point along it.
    Up([f32; 3]),
    /// Exactly at this plane: the side the normal points away from is
    /// kept, and the base grows along the normal (`cut_height_mm` is not used).
    Plane(Plane),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaseOptions {
    pub placement: BasePlacement,
    /// How far above the model's lowest point to cut, in mm (more than 0).
    pub cut_height_mm: f32,
    /// The base's height below the cut, in mm (more than 0).
    pub base_height_mm: f32,
    /// The chamfer round the base's bottom edge, in mm (0 for none; less
    /// than the base height). Corners sharper than about 30° are chamfered less.
    pub chamfer_mm: f32,
}

impl BaseOptions {
    /// A 1 mm cut and a 3 mm base without chamfer on the gum side of `arch`.
    pub fn for_arch(arch: Arch) -> Self {
        BaseOptions { placement: BasePlacement::Arch(arch), cut_height_mm: 1.0, base_height_mm: 3.0, chamfer_mm: 0.0 }
    }
}

impl Default for BaseOptions {
    /// [`BaseOptions::for_arch`] for a lower arch.
    fn default() -> Self {
        BaseOptions::for_arch(Arch::Lower)
    }
}

/// The model on its base.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatBase {
    pub mesh: IndexedMesh,
    /// Where the model was cut: the base grows along this plane's normal.
    pub cut: Plane,
    /// The loops of the cut, which the base follows.
    pub outline: CutOutline,
    /// The plane of the flat bottom, its normal pointing out of the model:
    /// the face a label goes on (`LabelOptions::face`).
    pub bottom: Plane,
}

/// Why a base could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BaseError {
    #[error("the base height must be more than 0 mm (it is {got}); enter a height such as 3 mm")]
    BaseHeight { got: f32 },
    #[error(
        "the cut height must be more than 0 mm above the model's lowest point (it is {got}); enter a height such as 1 mm"
    )]
    CutHeight { got: f32 },
    #[error(
        "the chamfer must be at least 0 mm and less than the base height of {base} mm (it is {got}); make it smaller"
    )]
    Chamfer { got: f32, base: f32 },
    #[error("the up direction ({}, {}, {}) has no direction; give one that is not zero, such as (0, 0, 1)", up[0], up[1], up[2])]
    DegenerateUp { up: [f32; 3] },
    #[error(
        "the cut height of {cut_height} mm is not below the model's top (the model is {model_height:.2} mm tall along \
         its axis); choose a cut height less than {model_height:.2} mm"
    )]
    CutAboveModel { cut_height: f32, model_height: f64 },
    #[error(
        "a chamfer of {chamfer} mm does not fit the base's outline (it is narrower than twice the chamfer somewhere, \
         near ({:.2}, {:.2}, {:.2})); make the chamfer smaller",
        near[0], near[1], near[2]
    )]
    ChamferTooLarge { chamfer: f32, near: [f32; 3] },
    #[error(
        "the model is open on the side its teeth are said to point to (a scan's rim is on the gum side), so no \
         base can close it; flip the teeth's direction"
    )]
    OpenTowardsTeeth,
    #[error("the plate's margin must be at least 0 mm (it is {got}); enter a margin such as 2 mm")]
    Margin { got: f32 },
    #[error(
        "a chamfer of {chamfer} mm must be narrower than the plate's margin of {margin} mm; make the chamfer \
         smaller or the margin larger"
    )]
    ChamferOverMargin { chamfer: f32, margin: f32 },
    #[error(
        "the model's pieces have no outline to put a plate under (they are flat or a single line); check the model"
    )]
    NoFootprint,
    #[error(transparent)]
    Cut(#[from] PlaneCutError),
}

/// Puts `mesh` on a flat base as `options` say. An open model (a scan,
/// open along its gum edge) is cut `cut_height_mm` above the highest point
/// of its rim, so that the base closes it.
pub fn flat_base(mesh: &IndexedMesh, options: &BaseOptions) -> Result<FlatBase, BaseError> {
    let walled = walls(mesh, options)?;
    let chamfer = options.chamfer_mm;
    let Walled { mut mesh, cut, outline, bottom: bottom_plane, bottom_outline, bottom_faces } = walled;
    let bottom = cap_each_piece(&mesh, &bottom_outline, &bottom_faces, &bottom_plane).map_err(|failure| {
        if chamfer > 0.0 {
            let near = match failure {
                CapFailure::Coincident { at } | CapFailure::Crossing { at } | CapFailure::Overlapping { at } => at,
            };
            BaseError::ChamferTooLarge { chamfer, near }
        } else {
            cap_error(failure).into()
        }
    })?;
    mesh.triangles.extend(bottom);
    let bottom = Plane::new(bottom_plane.origin.map(|c| c as f32), bottom_plane.normal.map(|c| c as f32));
    Ok(FlatBase { mesh, cut, outline, bottom })
}

/// The model cut as `options` say, with its walls (and chamfer) down to
/// the bottom, the bottom left open: its rings' edges, run as the bottom's
/// cap runs them, and the wall face of each.
pub(super) struct Walled {
    pub(super) mesh: IndexedMesh,
    pub(super) cut: Plane,
    pub(super) outline: CutOutline,
    /// The bottom's plane, facing out of the model.
    pub(super) bottom: super::UnitPlane,
    pub(super) bottom_outline: Vec<[u32; 2]>,
    pub(super) bottom_faces: Vec<u32>,
}

/// [`flat_base`] without its bottom.
pub(super) fn walls(mesh: &IndexedMesh, options: &BaseOptions) -> Result<Walled, BaseError> {
    check_sizes(options)?;
    let (base, chamfer) = (options.base_height_mm, options.chamfer_mm);
    if mesh.is_empty() {
        return Err(PlaneCutError::EmptyModel.into());
    }
    let cut = cut_plane(mesh, options)?;
    let plane = check_plane(&cut)?;

    let sides = sides(mesh, &plane);
    check_extent(&plane, &sides.extent)?;
    let clipped = clip(mesh, &sides);
    let extent = sides.extent;
    let loops = chain(&clipped.outline);
    if loops.open_edges > 0 {
        return Err(not_closed(mesh).into());
    }
    let mut result = clipped.mesh;
    let outline = summarise(&result.positions, &plane, &loops);

    // The straight wall ends where the chamfer begins (or at the bottom).
    let wall = f64::from(base) - f64::from(chamfer);
    let down = plane.normal;
    let mut wall_ring: FxHashMap<u32, u32> = FxHashMap::default();
    let mut bottom_outline: Vec<[u32; 2]> = Vec::with_capacity(clipped.outline.len());
    let mut bottom_faces: Vec<u32> = Vec::with_capacity(clipped.outline.len());
    for vertices in &loops.closed {
        let ring: Vec<u32> = vertices
            .iter()
            .map(|&v| {
                *wall_ring.entry(v).or_insert_with(|| {
                    let p = result.positions[v as usize].map(f64::from);
                    push_vertex(&mut result.positions, [0, 1, 2].map(|i| p[i] + wall * down[i]))
                })
            })
            .collect();
        let mut faces = join_rings(&mut result.triangles, vertices, &ring);
        let bottom = if chamfer > 0.0 {
            let inset = chamfer_ring(&result.positions, &ring, down, f64::from(chamfer))
                .map_err(|near| BaseError::ChamferTooLarge { chamfer, near })?;
            // Where the chamfer closes in on itself in a concave corner,
            // neighbouring points that meet are one (no sliver between them).
            let mut indices: Vec<u32> = Vec::with_capacity(inset.len());
            for p in inset {
                let same = indices.last().is_some_and(|&last| {
                    let q = result.positions[last as usize].map(f64::from);
                    (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f64>() <= extent.rounding * extent.rounding
                });
                let index = if same { indices[indices.len() - 1] } else { push_vertex(&mut result.positions, p) };
                indices.push(index);
            }
            let inset = indices;
            faces = join_rings(&mut result.triangles, &ring, &inset);
            inset
        } else {
            ring
        };
        let edges = (0..bottom.len()).map(|i| [bottom[i], bottom[(i + 1) % bottom.len()]]);
        bottom_outline.extend(edges.filter(|[a, b]| a != b));
        bottom_faces.extend(faces);
    }
    let bottom = plane.shifted(f64::from(base));
    Ok(Walled { mesh: result, cut, outline, bottom, bottom_outline, bottom_faces })
}

/// The base's height is more than 0 and its chamfer less than that.
pub(super) fn check_sizes(options: &BaseOptions) -> Result<(), BaseError> {
    let base = options.base_height_mm;
    if !(base.is_finite() && base > 0.0) {
        return Err(BaseError::BaseHeight { got: base });
    }
    let chamfer = options.chamfer_mm;
    if !(chamfer.is_finite() && chamfer >= 0.0 && chamfer < base) {
        return Err(BaseError::Chamfer { got: chamfer, base });
    }
    Ok(())
}

/// The cutting plane `options` ask for: facing down, so that what is above is kept.
fn cut_plane(mesh: &IndexedMesh, options: &BaseOptions) -> Result<Plane, BaseError> {
    let up = match options.placement {
        BasePlacement::Plane(plane) => return Ok(plane),
        BasePlacement::Arch(arch) => arch.occlusal_direction(),
        BasePlacement::Up(up) => up,
    };
    let cut_height = options.cut_height_mm;
    if !(cut_height.is_finite() && cut_height > 0.0) {
        return Err(BaseError::CutHeight { got: cut_height });
    }
    let upward = Plane::new([0.0; 3], up).checked().ok_or(BaseError::DegenerateUp { up })?;
    let (lowest, highest) = mesh.positions.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &p| {
        let level = upward.distance(p);
        (lo.min(level), hi.max(level))
    });
    // An open scan's rim is ragged: the cut goes above all of it, so that
    // the kept part's only opening is the cut's clean outline.
    let rim = rim_top(mesh, &upward);
    if rim.is_some_and(|rim| highest - rim <= f64::from(cut_height)) {
        return Err(BaseError::OpenTowardsTeeth);
    }
    let lowest = rim.map_or(lowest, |rim| rim.max(lowest));
    let model_height = highest - lowest;
    if f64::from(cut_height) >= model_height {
        return Err(BaseError::CutAboveModel { cut_height, model_height });
    }
    let level = lowest + f64::from(cut_height);
    let origin = upward.normal.map(|c| (c * level) as f32);
    Ok(Plane::new(origin, upward.normal.map(|c| -c as f32)))
}

/// The highest point along `upward` of the model's open rims (boundary
/// edges), or `None` for a closed model.
pub(super) fn rim_top(mesh: &IndexedMesh, upward: &super::UnitPlane) -> Option<f64> {
    let rim = crate::analysis::rim_vertices(mesh);
    rim.iter().map(|&v| upward.distance(mesh.positions[v as usize])).reduce(f64::max)
}

fn push_vertex(positions: &mut Vec<[f32; 3]>, p: [f64; 3]) -> u32 {
    positions.push(p.map(|c| c as f32));
    (positions.len() - 1) as u32
}

/// Faces between two rings of equal length, `upper` run as a cap would run
/// it: each edge `a → b` of `upper` and the same edge `a' → b'` of `lower`
/// make the quad (a, b, b', a'), or the triangle (a, b, b') where `lower`
/// repeats a vertex. Returns, for each edge of `lower` between two
/// different vertices, the face that has it.
pub(crate) fn join_rings(triangles: &mut Vec<[u32; 3]>, upper: &[u32], lower: &[u32]) -> Vec<u32> {
    let n = upper.len();
    let mut lower_faces = Vec::with_capacity(n);
    for i in 0..n {
        let j = (i + 1) % n;
        triangles.push([upper[i], upper[j], lower[j]]);
        if lower[i] != lower[j] {
            lower_faces.push(triangles.len() as u32);
            triangles.push([upper[i], lower[j], lower[i]]);
        }
    }
    lower_faces
}

/// The chamfer's lower ring: `ring` (a loop in a plane facing `normal`,
/// run with the cap on its left) moved `by` mm along the normal and `by`
/// mm towards the cap at every vertex, along the bisector of its two
/// edges (at most twice `by` at sharp corners). `Err` with a point near
/// where an edge of the ring would turn round: the outline is narrower
/// there than the chamfer.
fn chamfer_ring(positions: &[[f32; 3]], ring: &[u32], normal: [f64; 3], by: f64) -> Result<Vec<[f64; 3]>, [f32; 3]> {
    let n = ring.len();
    let point = |i: usize| positions[ring[i % n] as usize].map(f64::from);
    // The unit direction into the cap from the edge i → i + 1.
    let inward = |i: usize| {
        let left = cross(normal, sub(point(i + 1), point(i)));
        let length = dot(left, left).sqrt();
        if length > 0.0 { left.map(|c| c / length) } else { [0.0; 3] }
    };
    let moved: Vec<[f64; 3]> = (0..n)
        .map(|i| {
            let (before, after) = (inward(i + n - 1), inward(i));
            let sum = [0, 1, 2].map(|k| before[k] + after[k]);
            let length = dot(sum, sum).sqrt();
            let p = point(i);
            let (bisector, distance) = if length < 1e-9 {
                ([0.0; 3], 0.0)
            } else {
                let bisector = sum.map(|c| c / length);
                (bisector, by / dot(bisector, after).max(0.5))
            };
            [0, 1, 2].map(|k| p[k] + distance * bisector[k] + by * normal[k])
        })
        .collect();
    for i in 0..n {
        let (j, before) = ((i + 1) % n, sub(point(i + 1), point(i)));
        if dot(sub(moved[j], moved[i]), before) <= 0.0 {
            return Err(positions[ring[i] as usize]);
        }
    }
    Ok(moved)
}
