//! Union: the closed pieces of a model that overlap (a plan exported as a
//! gum shell and a mesh per tooth, crowns standing on a plate) made into
//! one solid by an exact mesh boolean (`boolmesh`, a port of Manifold):
//! the surface that lies inside another piece goes, the crossings become
//! edges, and every face outside the others is kept as it was.
//!
//! Only pieces that meet take part in a boolean: pairs whose boxes meet
//! are tested face against face (parry's BVHs), and a piece whose box lies
//! within another's may be inside it; pieces that meet nothing stay as
//! they are. Within a cluster of pieces that meet, pieces whose boxes do
//! not meet cannot cross, so they go into one operand together; the groups
//! are united smallest first, and the largest piece (the gum) last, so it
//! takes part in one boolean only.
//!
//! `boolmesh` 0.2 can panic inside a boolean of pieces that cross
//! themselves (an index out of range while it tidies its result), where it
//! should answer with an error. Each boolean is therefore run inside
//! `catch_unwind`, and a panic becomes [`UniteError::Boolean`], so that
//! such a model is refused like any other that cannot be united. (In the
//! browser, built with `panic = "abort"`, the mesh worker still stops; the
//! app starts a new one.)

use boolmesh::prelude::{Manifold, OpType, compute_boolean};
use parry3d::math::{Pose, Vector};
use parry3d::query::intersection_test;
use parry3d::shape::TriMesh;

use crate::IndexedMesh;
use crate::repair::piece_of_each_face;

/// What [`unite`] made.
#[derive(Debug, Clone, PartialEq)]
pub struct United {
    pub mesh: IndexedMesh,
    /// Pieces before and after.
    pub pieces_before: usize,
    pub pieces_after: usize,
}

/// Why pieces could not be united.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UniteError {
    #[error(
        "a piece of {faces} faces is not closed or not manifold, so what is inside it is not defined; turn repair on, \
         or fix the export"
    )]
    OpenPiece { faces: usize },
    #[error("uniting the overlapping pieces failed ({0}); check the model for pieces crossing themselves")]
    Boolean(String),
}

/// Unites the pieces of `mesh`, each closed and manifold, into as few
/// solids as they make (one where they all overlap). A model of one piece
/// comes back as it is.
pub fn unite(mesh: &IndexedMesh) -> Result<United, UniteError> {
    let pieces = split(mesh);
    let pieces_before = pieces.len();
    if pieces_before <= 1 {
        return Ok(United { mesh: mesh.clone(), pieces_before, pieces_after: pieces_before });
    }
    let mut result = IndexedMesh::default();
    for cluster in clusters(&pieces) {
        if let [alone] = cluster[..] {
            result.append(&pieces[alone]);
        } else {
            let members: Vec<IndexedMesh> = cluster.iter().map(|&p| pieces[p].clone()).collect();
            result.append(&unite_all(&members)?);
        }
    }
    let pieces_after = split_count(&result);
    Ok(United { mesh: result, pieces_before, pieces_after })
}

/// The pieces in clusters of those that meet (faces crossing or touching,
/// or a box within another's), each cluster a list of piece numbers.
fn clusters(pieces: &[IndexedMesh]) -> Vec<Vec<usize>> {
    let boxes: Vec<_> = pieces.iter().map(IndexedMesh::bounds).collect();
    let within = |p: crate::Bounds, q: crate::Bounds| (0..3).all(|k| q.min[k] <= p.min[k] && p.max[k] <= q.max[k]);
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for i in 0..pieces.len() {
        for j in i + 1..pieces.len() {
            if let (Some(a), Some(b)) = (boxes[i], boxes[j])
                && boxes_meet(a, b)
            {
                pairs.push((i, j));
            }
        }
    }
    let mut surfaces: Vec<Option<TriMesh>> = vec![None; pieces.len()];
    for &p in pairs.iter().flat_map(|(i, j)| [i, j]) {
        if surfaces[p].is_none() {
            let vertices = pieces[p].positions.iter().map(|&[x, y, z]| Vector::new(x, y, z)).collect();
            surfaces[p] = TriMesh::new(vertices, pieces[p].triangles.clone()).ok();
        }
    }
    let mut parent: Vec<usize> = (0..pieces.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (i, j) in pairs {
        let (Some(a), Some(b)) = (boxes[i], boxes[j]) else { continue };
        // A query parry cannot answer counts as meeting: the boolean decides.
        let crossing = match (&surfaces[i], &surfaces[j]) {
            (Some(s), Some(t)) => {
                intersection_test(&Pose::identity(), s, &Pose::identity(), t).map_or(true, |hit| hit.intersecting)
            }
            _ => true,
        };
        if crossing || within(a, b) || within(b, a) {
            let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
            parent[ri.max(rj)] = ri.min(rj);
        }
    }
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    let mut index_of_root = vec![usize::MAX; pieces.len()];
    for p in 0..pieces.len() {
        let r = root(&mut parent, p);
        if index_of_root[r] == usize::MAX {
            index_of_root[r] = clusters.len();
            clusters.push(Vec::new());
        }
        clusters[index_of_root[r]].push(p);
    }
    clusters
}

/// The union of `pieces`, which meet, by booleans.
fn unite_all(pieces: &[IndexedMesh]) -> Result<IndexedMesh, UniteError> {
    let mut solids: Vec<(Manifold, usize)> = group(pieces)
        .into_iter()
        .map(|members| {
            let mut operand = IndexedMesh::default();
            for &m in &members {
                operand.append(&pieces[m]);
            }
            let size = operand.triangles.len();
            Ok((manifold(&operand)?, size))
        })
        .collect::<Result<_, UniteError>>()?;
    solids.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let largest = solids.remove(0).0;
    // Pairs of similar size, round by round, then the largest.
    while solids.len() > 1 {
        let mut next = Vec::with_capacity(solids.len().div_ceil(2));
        let mut rest = solids.into_iter();
        while let Some((a, size_a)) = rest.next() {
            match rest.next() {
                Some((b, size_b)) => next.push((union(&a, &b)?, size_a + size_b)),
                None => next.push((a, size_a)),
            }
        }
        solids = next;
    }
    let solid = match solids.pop() {
        Some((other, _)) => union(&largest, &other)?,
        None => largest,
    };
    Ok(indexed(&solid))
}

fn union(a: &Manifold, b: &Manifold) -> Result<Manifold, UniteError> {
    // Nothing the boolean could have left half-changed is used after a panic: it only reads `a` and `b`.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compute_boolean(a, b, OpType::Add)))
        .unwrap_or_else(|_| Err("the boolean library stopped on this geometry".to_owned()))
        .map_err(UniteError::Boolean)
}

fn manifold(piece: &IndexedMesh) -> Result<Manifold, UniteError> {
    let positions: Vec<f64> = piece.positions.iter().flatten().map(|&c| f64::from(c)).collect();
    let indices: Vec<usize> = piece.triangles.iter().flatten().map(|&v| v as usize).collect();
    Manifold::new(&positions, &indices).map_err(|_| UniteError::OpenPiece { faces: piece.triangles.len() })
}

fn indexed(solid: &Manifold) -> IndexedMesh {
    let positions = solid.ps.iter().map(|p| [p.x as f32, p.y as f32, p.z as f32]).collect();
    let triangles = solid.hs.chunks_exact(3).map(|h| [h[0].tail as u32, h[1].tail as u32, h[2].tail as u32]).collect();
    let mut mesh = IndexedMesh { positions, triangles };
    // Crossings computed in f64 can round onto a vertex beside them.
    mesh.merge_coincident_vertices();
    mesh.remove_unused_vertices();
    mesh
}

/// The pieces of `mesh` (faces connected through edges), each with its own vertices.
pub(crate) fn split(mesh: &IndexedMesh) -> Vec<IndexedMesh> {
    let piece = piece_of_each_face(&mesh.triangles);
    let mut order: Vec<u32> = (0..mesh.triangles.len() as u32).collect();
    order.sort_by_key(|&f| piece[f as usize]);
    let mut index_of = vec![u32::MAX; mesh.positions.len()];
    let mut pieces = Vec::new();
    for run in order.chunk_by(|&a, &b| piece[a as usize] == piece[b as usize]) {
        let mut part = IndexedMesh::default();
        for &f in run {
            let triangle = mesh.triangles[f as usize].map(|v| {
                let new = &mut index_of[v as usize];
                if *new == u32::MAX {
                    *new = part.positions.len() as u32;
                    part.positions.push(mesh.positions[v as usize]);
                }
                *new
            });
            part.triangles.push(triangle);
        }
        for p in run.iter().flat_map(|&f| mesh.triangles[f as usize]) {
            index_of[p as usize] = u32::MAX;
        }
        pieces.push(part);
    }
    pieces
}

fn split_count(mesh: &IndexedMesh) -> usize {
    let mut roots = piece_of_each_face(&mesh.triangles);
    roots.sort_unstable();
    roots.dedup();
    roots.len()
}

/// Whether two boxes share a point.
fn boxes_meet(a: crate::Bounds, b: crate::Bounds) -> bool {
    (0..3).all(|k| a.min[k] <= b.max[k] && b.min[k] <= a.max[k])
}

/// The pieces in groups whose members' boxes do not meet, largest first.
fn group(pieces: &[IndexedMesh]) -> Vec<Vec<usize>> {
    let boxes: Vec<_> = pieces.iter().map(|p| p.bounds()).collect();
    let meet = |a: usize, b: usize| matches!((boxes[a], boxes[b]), (Some(a), Some(b)) if boxes_meet(a, b));
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&p| std::cmp::Reverse(pieces[p].triangles.len()));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for p in order {
        match groups.iter_mut().find(|g| g.iter().all(|&q| !meet(p, q))) {
            Some(g) => g.push(p),
            None => groups.push(vec![p]),
        }
    }
    groups
}
