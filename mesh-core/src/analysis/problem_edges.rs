//! The edges that make a mesh not closed, as vertex pairs a viewer can
//! draw: boundary edges (one face: the rims of holes) and non-manifold
//! edges (three or more faces). The validation report counts them; this
//! says where they are.

use super::edges::census;
use crate::IndexedMesh;

/// Problem edges as `[lower, upper]` vertex indices, each edge once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemEdges {
    /// Edges of exactly one face: the rims of holes.
    pub boundary: Vec<[u32; 2]>,
    /// Edges shared by three or more faces.
    pub non_manifold: Vec<[u32; 2]>,
}

impl ProblemEdges {
    /// No boundary and no non-manifold edge: nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.boundary.is_empty() && self.non_manifold.is_empty()
    }
}

/// The vertices on `mesh`'s open rims (boundary edges), each once, in order.
pub(crate) fn rim_vertices(mesh: &IndexedMesh) -> Vec<u32> {
    let mut rim: Vec<u32> = census(mesh).boundary.iter().flat_map(|e| [e.from, e.to]).collect();
    rim.sort_unstable();
    rim.dedup();
    rim
}

/// Where `mesh` is open or non-manifold; empty for a closed manifold mesh.
pub fn problem_edges(mesh: &IndexedMesh) -> ProblemEdges {
    let edges = census(mesh);
    let boundary = edges.boundary.iter().map(|e| [e.from.min(e.to), e.from.max(e.to)]).collect();
    ProblemEdges { boundary, non_manifold: edges.non_manifold }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed tetrahedron, faces wound outward.
    fn tetrahedron() -> IndexedMesh {
        IndexedMesh {
            positions: vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            triangles: vec![[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]],
        }
    }

    fn sorted(mut edges: Vec<[u32; 2]>) -> Vec<[u32; 2]> {
        edges.sort_unstable();
        edges
    }

    #[test]
    fn a_closed_mesh_has_no_problem_edges() {
        assert!(problem_edges(&tetrahedron()).is_empty());
    }

    #[test]
    fn a_missing_face_leaves_its_three_edges_as_boundary() {
        let mut open = tetrahedron();
        open.triangles.remove(2); // [1, 2, 3]
        let edges = problem_edges(&open);
        assert_eq!(sorted(edges.boundary), vec![[1, 2], [1, 3], [2, 3]]);
        assert!(edges.non_manifold.is_empty());
    }

    #[test]
    fn a_fin_on_an_edge_makes_it_non_manifold_and_leaves_the_fin_open() {
        let mut finned = tetrahedron();
        finned.positions.push([1.0, 1.0, 1.0]);
        finned.triangles.push([0, 1, 4]);
        let edges = problem_edges(&finned);
        assert_eq!(edges.non_manifold, vec![[0, 1]]);
        assert_eq!(sorted(edges.boundary), vec![[0, 4], [1, 4]]);
    }

    #[test]
    fn a_single_triangle_is_all_boundary() {
        let triangle =
            IndexedMesh { positions: vec![[0.0; 3], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], triangles: vec![[2, 0, 1]] };
        assert_eq!(sorted(problem_edges(&triangle).boundary), vec![[0, 1], [0, 2], [1, 2]]);
    }
}
