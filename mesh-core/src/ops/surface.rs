//! Nearest points on a model's surface, through parry's triangle mesh and
//! its bounding volume hierarchy: logarithmic per query, so every vertex of
//! one arch against another, or every sample of a trim line against its
//! arch, takes milliseconds.

use parry3d::math::Vector;
use parry3d::query::PointQuery;
use parry3d::shape::TriMesh;

use crate::IndexedMesh;

/// A model's surface, ready for nearest-point queries.
pub(crate) struct Surface {
    mesh: TriMesh,
}

impl Surface {
    /// The surface of `mesh`, or `None` when it has no triangles.
    pub(crate) fn new(mesh: &IndexedMesh) -> Option<Self> {
        let vertices = mesh.positions.iter().map(|&[x, y, z]| Vector::new(x, y, z)).collect();
        TriMesh::new(vertices, mesh.triangles.clone()).ok().map(|mesh| Surface { mesh })
    }

    /// The point of the surface nearest `p`.
    pub(crate) fn nearest(&self, [x, y, z]: [f32; 3]) -> [f32; 3] {
        let projection = self.mesh.project_local_point(Vector::new(x, y, z), false);
        let q = projection.point;
        [q.x, q.y, q.z]
    }

    /// The distance from `p` to the surface (unsigned, in mm).
    pub(crate) fn distance(&self, [x, y, z]: [f32; 3]) -> f32 {
        self.mesh.distance_to_local_point(Vector::new(x, y, z), false)
    }
}
