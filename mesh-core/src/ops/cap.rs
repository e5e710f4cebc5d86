//! Closing a cut: faces in the plane whose boundary is exactly the cut's
//! outline, facing the plane's normal.
//!
//! The outline's vertices and edges go into a constrained Delaunay
//! triangulation in the plane's 2D coordinates (spade, with exact
//! predicates), so every outline edge is an edge of the triangulation and
//! no vertex is added. Which triangles belong to the cap follows from the
//! outline's direction, not from a containment test of loop against loop:
//! walking from outside the outline, crossing an edge that has the cap on
//! its left adds one and crossing it the other way takes one, and the
//! triangles where this winding number is 1 are the cap. That makes
//! several loops, loops with holes, and islands inside holes all one case.
//!
//! Where loops of different pieces of the model cross (neighbouring teeth
//! of an arch overlap a little), [`cap_each_piece`] caps each piece's loops
//! on their own: every piece is closed, and the pieces overlap as before.
//!
//! Invariant: the cap's boundary edges are the outline's edges, run the
//! other way round by the cap than by the faces the outline came from: the
//! capped mesh is closed and consistently wound wherever the outline was
//! made of closed loops.

use rustc_hash::{FxHashMap, FxHashSet};
use spade::handles::{FixedFaceHandle, FixedVertexHandle};
use spade::{ConstrainedDelaunayTriangulation, Point2, Triangulation};

use super::plane::UnitPlane;
use crate::IndexedMesh;
use crate::repair::piece_of_each_face;

/// Why an outline could not be capped, with a point of the model where it happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CapFailure {
    /// Two different outline vertices at one place: the model touches itself there.
    Coincident { at: [f32; 3] },
    /// Outline edges cross, or one runs through another's vertex: the model intersects itself there.
    Crossing { at: [f32; 3] },
    /// Loops overlap or run against each other: overlapping pieces, or faces wound inward.
    Overlapping { at: [f32; 3] },
}

/// [`cap`] of `mesh`'s outline, or, when that fails, of each piece's part
/// of it on its own (pieces: faces connected through edges; `faces[i]` is
/// the face of `mesh` that has the outline edge `outline[i]`). A piece
/// whose outline is only holes (the wall of a cavity) goes with the piece
/// around it.
pub(crate) fn cap_each_piece(
    mesh: &IndexedMesh,
    outline: &[[u32; 2]],
    faces: &[u32],
    plane: &UnitPlane,
) -> Result<Vec<[u32; 3]>, CapFailure> {
    let failure = match cap(&mesh.positions, outline, plane) {
        Ok(faces) => return Ok(faces),
        Err(failure) => failure,
    };
    // Only now, on the slow path, are the pieces worked out.
    let piece_of_face = piece_of_each_face(&mesh.triangles);
    let mut by_piece: Vec<(u32, [u32; 2])> =
        outline.iter().zip(faces).map(|(&edge, &face)| (piece_of_face[face as usize], edge)).collect();
    by_piece.sort_unstable_by_key(|&(piece, _)| piece);
    let mut groups: Vec<Vec<[u32; 2]>> =
        by_piece.chunk_by(|a, b| a.0 == b.0).map(|group| group.iter().map(|&(_, e)| e).collect()).collect();
    if groups.len() < 2 {
        return Err(failure);
    }
    let flat = |v: u32| plane.in_plane(mesh.positions[v as usize]);
    let area = |edges: &[[u32; 2]]| -> f64 { edges.iter().map(|&[a, b]| cross_2d(flat(a), flat(b))).sum() };
    let areas: Vec<f64> = groups.iter().map(|g| area(g)).collect();
    for hole in (0..groups.len()).filter(|&g| areas[g] < 0.0) {
        let Some(&[inside, _]) = groups[hole].first() else { continue };
        let point = flat(inside);
        // The smallest piece around the hole.
        let around = (0..groups.len())
            .filter(|&g| areas[g] > 0.0 && winding_number(point, &groups[g], &flat) > 0)
            .min_by(|&a, &b| areas[a].total_cmp(&areas[b]));
        if let Some(around) = around {
            let edges = std::mem::take(&mut groups[hole]);
            groups[around].extend(edges);
        }
    }
    let mut faces = Vec::new();
    for edges in groups.iter().filter(|g| !g.is_empty()) {
        faces.extend(cap(&mesh.positions, edges, plane)?);
    }
    Ok(faces)
}

fn cross_2d(p: [f64; 2], q: [f64; 2]) -> f64 {
    p[0] * q[1] - q[0] * p[1]
}

/// How many times the directed edges wind counter-clockwise round `point`.
fn winding_number(point: [f64; 2], edges: &[[u32; 2]], flat: &impl Fn(u32) -> [f64; 2]) -> i32 {
    let mut winding = 0;
    for &[a, b] in edges {
        let (p, q) = (flat(a), flat(b));
        let side = (q[0] - p[0]) * (point[1] - p[1]) - (point[0] - p[0]) * (q[1] - p[1]);
        if p[1] <= point[1] && q[1] > point[1] && side > 0.0 {
            winding += 1;
        } else if q[1] <= point[1] && p[1] > point[1] && side < 0.0 {
            winding -= 1;
        }
    }
    winding
}

/// The faces closing `outline` (directed edges `[from, to]` into
/// `positions`, run the way the cap runs them), counter-clockwise seen from
/// the side `plane`'s normal points to.
pub(crate) fn cap(
    positions: &[[f32; 3]],
    outline: &[[u32; 2]],
    plane: &UnitPlane,
) -> Result<Vec<[u32; 3]>, CapFailure> {
    let Some(first) = outline.first() else { return Ok(Vec::new()) };
    let first_point = positions[first[0] as usize];

    // The outline's vertices, numbered in order of first use.
    let mut local: FxHashMap<u32, usize> = FxHashMap::default();
    let mut vertices: Vec<u32> = Vec::new();
    let mut edges: Vec<[usize; 2]> = Vec::with_capacity(outline.len());
    for &[from, to] in outline {
        let [a, b] = [from, to].map(|v| {
            *local.entry(v).or_insert_with(|| {
                vertices.push(v);
                vertices.len() - 1
            })
        });
        edges.push([a, b]);
    }
    let directed: FxHashSet<[usize; 2]> = edges.iter().copied().collect();
    if directed.len() != edges.len() {
        // An edge twice the same way: two faces on one side of it.
        let at = first_repeated(&edges).map_or(first_point, |v| positions[vertices[v] as usize]);
        return Err(CapFailure::Overlapping { at });
    }

    let points: Vec<Point2<f64>> = vertices
        .iter()
        .map(|&v| {
            // spade refuses coordinates this close to zero but not zero.
            let [x, y] = plane.in_plane(positions[v as usize]).map(|c| if c.abs() < 1e-30 { 0.0 } else { c });
            Point2::new(x, y)
        })
        .collect();
    // Inserted one by one in loop order, each next to the last: spade's bulk
    // load sorts points round their centre, and an outline is often a
    // circle round it (a cut through a ring), its worst case.
    let mut cdt = ConstrainedDelaunayTriangulation::<Point2<f64>>::with_capacity(
        points.len(),
        3 * points.len(),
        2 * points.len(),
    );
    for (i, &point) in points.iter().enumerate() {
        let at = positions[vertices[i] as usize];
        let handle = cdt.insert(point).map_err(|_| CapFailure::Crossing { at })?;
        if handle.index() != i {
            return Err(CapFailure::Coincident { at });
        }
    }
    let at = |v: usize| positions[vertices[v] as usize];
    for &[a, b] in &edges {
        let added = cdt.try_add_constraint(FixedVertexHandle::from_index(a), FixedVertexHandle::from_index(b));
        // None: it crosses an edge added before; several: it runs through another vertex.
        if added.len() != 1 {
            return Err(CapFailure::Crossing { at: at(a) });
        }
    }

    // The winding number changes by this much from the left of the
    // triangulation's edge `a → b` to its right.
    let change = |a: usize, b: usize| -> i32 {
        if directed.contains(&[a, b]) {
            -1
        } else if directed.contains(&[b, a]) {
            1
        } else {
            0
        }
    };
    const UNSEEN: i32 = i32::MIN;
    let mut winding = vec![UNSEEN; cdt.num_all_faces()];
    let mut pending: Vec<FixedFaceHandle<spade::handles::InnerTag>> = Vec::new();
    let set = |winding: &mut Vec<i32>, face: usize, value: i32, place: usize| -> Result<bool, CapFailure> {
        match winding[face] {
            UNSEEN => {
                winding[face] = value;
                Ok(true)
            }
            known if known == value => Ok(false),
            _ => Err(CapFailure::Overlapping { at: at(place) }),
        }
    };
    // Start from the faces along the outside (winding 0).
    for edge in cdt.directed_edges() {
        if !edge.face().is_outer() {
            continue;
        }
        let [a, b] = [edge.from(), edge.to()].map(|v| v.fix().index());
        if let Some(inside) = edge.rev().face().as_inner()
            && set(&mut winding, inside.fix().index(), change(a, b), a)?
        {
            pending.push(inside.fix());
        }
    }
    while let Some(face) = pending.pop() {
        let here = winding[face.index()];
        for edge in cdt.face(face).adjacent_edges() {
            let [a, b] = [edge.from(), edge.to()].map(|v| v.fix().index());
            let there = here + change(a, b);
            match edge.rev().face().as_inner() {
                Some(next) if set(&mut winding, next.fix().index(), there, a)? => pending.push(next.fix()),
                Some(_) => {}
                None if there != 0 => return Err(CapFailure::Overlapping { at: at(a) }),
                None => {}
            }
        }
    }

    let mut faces = Vec::with_capacity(cdt.num_inner_faces());
    for face in cdt.inner_faces() {
        let [a, b, c] = face.vertices().map(|v| v.fix().index());
        match winding[face.fix().index()] {
            0 => {}
            1 => faces.push([a, b, c].map(|v| vertices[v])),
            _ => return Err(CapFailure::Overlapping { at: at(a) }),
        }
    }
    Ok(faces)
}

/// The first vertex of an edge given twice the same way.
fn first_repeated(edges: &[[usize; 2]]) -> Option<usize> {
    let mut seen = FxHashSet::default();
    edges.iter().find(|e| !seen.insert(**e)).map(|e| e[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::plane::Plane;

    /// Caps a flat outline given as loops of points in z = 0 (each loop run as the cap runs it).
    fn check(loops: &[&[[f32; 2]]]) -> Result<usize, CapFailure> {
        let mut positions = Vec::new();
        let mut outline = Vec::new();
        for points in loops {
            let first = positions.len() as u32;
            positions.extend(points.iter().map(|&[x, y]| [x, y, 0.0]));
            let n = points.len() as u32;
            outline.extend((0..n).map(|i| [first + i, first + (i + 1) % n]));
        }
        let plane = Plane::new([0.0; 3], [0.0, 0.0, 1.0]).checked().expect("a unit normal");
        cap(&positions, &outline, &plane).map(|faces| faces.len())
    }

    const SQUARE: [[f32; 2]; 4] = [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]];
    const INNER: [[f32; 2]; 4] = [[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [3.0, 1.0]];

    #[test]
    fn loops_holes_and_islands_are_one_case() {
        assert_eq!(check(&[&SQUARE]), Ok(2));
        // A hole (clockwise) takes its square out: 8 triangles round it.
        assert_eq!(check(&[&SQUARE, &INNER]), Ok(8));
        // An island (counter-clockwise) inside the hole is capped again.
        let island = [[1.5, 1.5], [2.5, 1.5], [2.5, 2.5], [1.5, 2.5]];
        assert_eq!(check(&[&SQUARE, &INNER, &island]), Ok(10));
    }

    #[test]
    fn outlines_that_cannot_bound_a_cap_say_where() {
        let bowtie = [[0.0, 0.0], [2.0, 2.0], [2.0, 0.0], [0.0, 2.0]];
        assert!(matches!(check(&[&bowtie]), Err(CapFailure::Crossing { .. })));
        // A second loop with a vertex at the first one's corner.
        let touching = [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0]];
        assert_eq!(check(&[&SQUARE, &touching]), Err(CapFailure::Coincident { at: [4.0, 4.0, 0.0] }));
        // A loop inside another running the same way: two caps on top of each other.
        let nested = [[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0]];
        assert!(matches!(check(&[&SQUARE, &nested]), Err(CapFailure::Overlapping { .. })));
        // A loop run clockwise alone: a cap facing the wrong way.
        assert!(matches!(check(&[&INNER]), Err(CapFailure::Overlapping { .. })));
    }
}
