//! A plate under a model of several pieces (the separate crowns of an
//! arch): every piece is cut a little above its own lowest point and its
//! cut goes straight down into one slab, the convex outline of all the cuts
//! and a margin, so that the whole arch stands on one flat bottom with room
//! for a label.
//!
//! Each piece gets walls of its own (a [`flat_base`] at its own cut plane
//! without its bottom) down to the slab's top, and the slab's top is
//! capped round the rings where the walls end: one closed solid, with no
//! boolean. Where the pieces' rings meet (neighbouring crowns that
//! overlap), each piece is put on a closed base of its own reaching
//! `overlap` mm into a closed slab instead: they overlap where they join,
//! and the recipe unites them (`unite.rs`).

use super::base::{BaseError, BaseOptions, BasePlacement, FlatBase, Walled, check_sizes, flat_base, rim_top, walls};
use super::cap::cap;
use super::cut_cap::{CutOutline, PlaneCutError};
use super::plane::{Plane, UnitPlane};
use super::unite::split;
use crate::IndexedMesh;

/// How far each piece's own base reaches into the plate, in mm (at most half the plate).
const OVERLAP_MM: f64 = 0.5;
/// How much higher a piece is cut when its cut meets it crossing itself, and how many times.
const RETRY_STEP_MM: f64 = 0.25;
const RETRIES: u32 = 8;
/// Points round the plate's outline when it has a margin.
const RING_POINTS: usize = 180;

/// A plate under the whole model: `base` says where each piece is cut
/// (`cut_height_mm` above its own lowest point along the placement's up
/// direction) and how thick the plate is (`base_height_mm`, with
/// `chamfer_mm` round its bottom edge).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlateOptions {
    pub base: BaseOptions,
    /// Flat plate kept round the pieces' cuts, in mm (at least 0).
    pub margin_mm: f32,
}

/// Puts every piece of `mesh` on one plate as `options` say.
pub fn plate_base(mesh: &IndexedMesh, options: &PlateOptions) -> Result<FlatBase, BaseError> {
    let base = options.base;
    check_sizes(&base)?;
    let margin = options.margin_mm;
    if !(margin.is_finite() && margin >= 0.0) {
        return Err(BaseError::Margin { got: margin });
    }
    let up = match base.placement {
        BasePlacement::Arch(arch) => arch.occlusal_direction(),
        BasePlacement::Up(up) => up,
        BasePlacement::Plane(plane) => plane.normal.map(|c| -c),
    };
    // Facing down, as the cuts do: its 2D coordinates are the plate's.
    let down = Plane::new([0.0; 3], up.map(|c| -c)).checked().ok_or(BaseError::DegenerateUp { up })?;
    if mesh.is_empty() {
        return Err(PlaneCutError::EmptyModel.into());
    }

    let pieces = split(mesh);
    let cuts: Vec<f64> = pieces.iter().map(|piece| cut_level(piece, &base, &down)).collect::<Result<_, _>>()?;
    // Levels along `down`: the highest of them is the lowest cut, where the plate's top is.
    let top = cuts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let thickness = f64::from(base.base_height_mm);
    let overlap = OVERLAP_MM.min(thickness / 2.0);

    let (margin, chamfer) = (f64::from(margin), f64::from(base.chamfer_mm));
    if chamfer > 0.0 && chamfer >= margin {
        return Err(BaseError::ChamferOverMargin { chamfer: base.chamfer_mm, margin: options.margin_mm });
    }
    if let Some(plate) = plate_round_rings(&pieces, &cuts, &base, &down, top, overlap, [margin, chamfer, thickness])? {
        return Ok(plate);
    }

    let mut result = IndexedMesh::default();
    let mut outline = CutOutline { loops: 0, outer: 0, holes: 0, open_edges: 0 };
    let mut footprint: Vec<[f64; 2]> = Vec::new();
    let mut lowest_cut = None;
    for (piece, &level) in pieces.iter().zip(&cuts) {
        let based = piece_base(piece, &base, &down, level, top + overlap)?;
        footprint.extend(based.mesh.positions.iter().map(|&p| down.in_plane(p)));
        outline.loops += based.outline.loops;
        outline.outer += based.outline.outer;
        outline.holes += based.outline.holes;
        if level == top && lowest_cut.is_none() {
            lowest_cut = Some(based.cut);
        }
        result.append(&based.mesh);
    }
    let rings = slab_rings(&footprint, 0.0, [margin, chamfer, thickness])?;
    let bottom = down.shifted(top - down.level() + thickness);
    result.append(&slab(&rings, &down.shifted(top - down.level()), true));
    Ok(FlatBase {
        mesh: result,
        cut: lowest_cut.expect("the lowest cut is one of the pieces' cuts"),
        outline,
        bottom: Plane::new(bottom.origin.map(|c| c as f32), bottom.normal.map(|c| c as f32)),
    })
}

/// The plate with no boolean: each piece walled down to `overlap` below
/// the lowest cut, where the slab's top is, and that top capped round the
/// walls' rings. `None` where the rings meet or cross (or the chamfer
/// leaves no straight side): the caller unites closed pieces instead.
fn plate_round_rings(
    pieces: &[IndexedMesh],
    cuts: &[f64],
    base: &BaseOptions,
    down: &UnitPlane,
    top: f64,
    overlap: f64,
    [margin, chamfer, thickness]: [f64; 3],
) -> Result<Option<FlatBase>, BaseError> {
    if chamfer > 0.0 && thickness - chamfer <= overlap {
        return Ok(None);
    }
    let slab_top = top + overlap;
    let mut result = IndexedMesh::default();
    let mut outline = CutOutline { loops: 0, outer: 0, holes: 0, open_edges: 0 };
    let mut ring_edges: Vec<[u32; 2]> = Vec::new();
    let mut footprint: Vec<[f64; 2]> = Vec::new();
    let mut lowest_cut = None;
    for (piece, &level) in pieces.iter().zip(cuts) {
        let own = piece_options(base, down, level, slab_top);
        let Walled { mesh, cut, outline: piece_outline, bottom_outline, .. } = walls(piece, &own)?;
        let offset = result.positions.len() as u32;
        footprint.extend(mesh.positions.iter().map(|&p| down.in_plane(p)));
        ring_edges.extend(bottom_outline.iter().map(|e| e.map(|v| v + offset)));
        outline.loops += piece_outline.loops;
        outline.outer += piece_outline.outer;
        outline.holes += piece_outline.holes;
        if level == top && lowest_cut.is_none() {
            lowest_cut = Some(cut);
        }
        result.append(&mesh);
    }
    let rings = slab_rings(&footprint, overlap, [margin, chamfer, thickness])?;
    let slab_plane = down.shifted(top - down.level());
    let offset = result.positions.len() as u32;
    result.append(&slab(&rings, &slab_plane, false));
    // The slab's top ring runs clockwise seen from above: round it the other way, the walls' rings as holes.
    let n = rings[0].1.len() as u32;
    ring_edges.extend((0..n).map(|i| [offset + (i + 1) % n, offset + i]));
    let top_plane = down.shifted(slab_top - down.level());
    let facing_up = Plane::new(top_plane.origin.map(|c| c as f32), top_plane.normal.map(|c| -c as f32));
    let Some(facing_up) = facing_up.checked() else { return Ok(None) };
    let Ok(top_faces) = cap(&result.positions, &ring_edges, &facing_up) else { return Ok(None) };
    result.triangles.extend(top_faces);
    let bottom = down.shifted(top - down.level() + thickness);
    Ok(Some(FlatBase {
        mesh: result,
        cut: lowest_cut.expect("the lowest cut is one of the pieces' cuts"),
        outline,
        bottom: Plane::new(bottom.origin.map(|c| c as f32), bottom.normal.map(|c| c as f32)),
    }))
}

/// A slab's rings from the top down: each a depth below the lowest cut and
/// a ring in the plate's 2D coordinates.
type Rings = Vec<(f64, Vec<[f64; 2]>)>;

/// The slab's rings: the hull of `footprint` grown by the margin at
/// `top_depth`, the chamfer's start, the bottom.
fn slab_rings(
    footprint: &[[f64; 2]],
    top_depth: f64,
    [margin, chamfer, thickness]: [f64; 3],
) -> Result<Rings, BaseError> {
    let hull = convex_hull(footprint);
    if hull.len() < 3 {
        return Err(BaseError::NoFootprint);
    }
    let top_ring = if margin > 0.0 { grown_ring(&hull, margin) } else { hull.clone() };
    let mut rings = vec![(top_depth, top_ring.clone())];
    if chamfer > 0.0 {
        rings.push((thickness - chamfer, top_ring));
        rings.push((thickness, grown_ring(&hull, margin - chamfer)));
    } else {
        rings.push((thickness, top_ring));
    }
    Ok(rings)
}

/// `piece` cut at `level` along `down` and based down to `bottom`. Where
/// that cut meets the piece crossing, touching or overlapping itself (a trimmed crown's
/// closing surface can meet its wall near its lowest point), it is cut a
/// little higher, up to [`RETRIES`] times [`RETRY_STEP_MM`].
fn piece_base(
    piece: &IndexedMesh,
    base: &BaseOptions,
    down: &UnitPlane,
    level: f64,
    bottom: f64,
) -> Result<FlatBase, BaseError> {
    let mut attempt = 0;
    loop {
        let level = level - RETRY_STEP_MM * f64::from(attempt);
        let own = piece_options(base, down, level, bottom);
        match flat_base(piece, &own) {
            Err(BaseError::Cut(
                PlaneCutError::CrossingOutline { .. }
                | PlaneCutError::TouchingOutline { .. }
                | PlaneCutError::OverlappingOutline { .. },
            )) if attempt < RETRIES => {
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// A piece's own base: cut at `level` along `down`, straight walls down to
/// `bottom`, no chamfer (the slab has it).
fn piece_options(base: &BaseOptions, down: &UnitPlane, level: f64, bottom: f64) -> BaseOptions {
    let plane = Plane::new(down.normal.map(|c| (c * level) as f32), down.normal.map(|c| c as f32));
    BaseOptions {
        placement: BasePlacement::Plane(plane),
        base_height_mm: (bottom - level) as f32,
        chamfer_mm: 0.0,
        ..*base
    }
}

/// The level along `down` at which `piece` is cut: `cut_height_mm` above
/// its own lowest point, or above the highest point of its open rim.
fn cut_level(piece: &IndexedMesh, base: &BaseOptions, down: &UnitPlane) -> Result<f64, BaseError> {
    if let BasePlacement::Plane(plane) = base.placement {
        let origin = plane.origin.map(f64::from);
        return Ok(down.normal.iter().zip(origin).map(|(n, o)| n * o).sum());
    }
    let cut_height = base.cut_height_mm;
    if !(cut_height.is_finite() && cut_height > 0.0) {
        return Err(BaseError::CutHeight { got: cut_height });
    }
    let (lowest, highest) = piece.positions.iter().fold((f64::NEG_INFINITY, f64::INFINITY), |(lo, hi), &p| {
        let level = down.distance(p) + down.level();
        (lo.max(level), hi.min(level))
    });
    // An open piece (a scan) is cut above all of its ragged rim.
    // The rim's highest point along up is its lowest level along `down`.
    let upward = Plane::new([0.0; 3], down.normal.map(|c| -c as f32)).checked().ok_or(BaseError::NoFootprint)?;
    let rim_top = rim_top(piece, &upward).map(|level| -level);
    if rim_top.is_some_and(|rim| rim - highest <= f64::from(cut_height)) {
        return Err(BaseError::OpenTowardsTeeth);
    }
    let lowest = rim_top.map_or(lowest, |rim| rim.min(lowest));
    let height = lowest - highest;
    if f64::from(cut_height) >= height {
        return Err(BaseError::CutAboveModel { cut_height, model_height: height });
    }
    Ok(lowest - f64::from(cut_height))
}

/// The convex hull of `points` grown by `margin`: its boundary sampled at
/// [`RING_POINTS`] outward directions (the hull's farthest point along each,
/// moved `margin` further), counter-clockwise. Rings of one hull with
/// different margins match point for point, so they join face by face.
fn grown_ring(hull: &[[f64; 2]], margin: f64) -> Vec<[f64; 2]> {
    (0..RING_POINTS)
        .map(|k| {
            let angle = std::f64::consts::TAU * k as f64 / RING_POINTS as f64;
            let d = [angle.cos(), angle.sin()];
            let far =
                hull.iter().copied().max_by(|p, q| (p[0] * d[0] + p[1] * d[1]).total_cmp(&(q[0] * d[0] + q[1] * d[1])));
            let [x, y] = far.unwrap_or_default();
            [x + margin * d[0], y + margin * d[1]]
        })
        .collect()
}

/// Andrew's monotone chain: the hull's corners counter-clockwise, without collinear points.
fn convex_hull(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut sorted: Vec<[f64; 2]> = points.to_vec();
    sorted.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    sorted.dedup();
    if sorted.len() < 3 {
        return sorted;
    }
    let turn = |o: [f64; 2], a: [f64; 2], b: [f64; 2]| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(2 * sorted.len());
    for pass in [&sorted[..], &sorted.iter().rev().copied().collect::<Vec<_>>()[..]] {
        let floor = hull.len() + 1;
        for &p in pass {
            while hull.len() > floor && turn(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// A prism through `rings` (each a depth below `top`, which faces down,
/// and a convex ring counter-clockwise in its coordinates, all of one
/// length), capped at the last and, when `capped`, at the first.
fn slab(rings: &[(f64, Vec<[f64; 2]>)], top: &UnitPlane, capped: bool) -> IndexedMesh {
    let mut mesh = IndexedMesh::default();
    let n = rings[0].1.len() as u32;
    for (depth, ring) in rings {
        let plane = top.shifted(*depth);
        mesh.positions.extend(ring.iter().map(|&q| point(&plane, q)));
    }
    // Seen from below (the planes' normal side) the rings run counter-clockwise.
    let bottom = n * (rings.len() as u32 - 1);
    for i in 1..n - 1 {
        mesh.triangles.push([bottom, bottom + i, bottom + i + 1]);
        if capped {
            mesh.triangles.push([0, i + 1, i]);
        }
    }
    for level in 0..rings.len() as u32 - 1 {
        let (upper, lower) = (level * n, (level + 1) * n);
        for i in 0..n {
            let j = (i + 1) % n;
            mesh.triangles.push([upper + i, upper + j, lower + j]);
            mesh.triangles.push([upper + i, lower + j, lower + i]);
        }
    }
    mesh
}

fn point(plane: &UnitPlane, q: [f64; 2]) -> [f32; 3] {
    plane.point_at(q).map(|c| c as f32)
}
