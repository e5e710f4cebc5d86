//! The validation report of a mesh.

use crate::vector::{cross, dot, sub};
use crate::{Bounds, IndexedMesh};

use super::buckets::Buckets;
use super::edges::{boundary_loops, census};

/// Everything a technician needs to judge a model before printing.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationReport {
    pub triangles: usize,
    pub vertices: usize,
    pub bounds: Option<Bounds>,
    /// In mm².
    pub surface_area: f64,
    /// In mm³, signed: positive for a closed mesh facing outward. Meaningful
    /// only when the mesh is watertight with consistent orientation.
    pub signed_volume: f64,
    /// No boundary edge and no non-manifold edge.
    pub watertight: bool,
    /// The length, in edges, of each hole's rim.
    pub boundary_loops: Vec<usize>,
    pub non_manifold_edges: usize,
    /// Faces of zero area (collapsed or collinear corners).
    pub degenerate_faces: usize,
    /// Faces with the same three vertices as an earlier face.
    pub duplicate_faces: usize,
    /// Separate pieces (faces connected through shared edges).
    pub components: usize,
    pub orientation: Orientation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Every pair of neighbouring faces agrees; `outward` when the enclosed volume is positive.
    Consistent { outward: bool },
    /// This many shared edges are run the same way by both of their faces.
    Inconsistent { misoriented_edges: usize },
}

/// How a model's height compares with the heights a printer can build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeightCheck {
    Fits {
        height_mm: f32,
    },
    TooTall {
        height_mm: f32,
        max_mm: f32,
    },
    TooShort {
        height_mm: f32,
        min_mm: f32,
    },
    /// A mesh without vertices has no height.
    Empty,
}

impl ValidationReport {
    /// The model's height in mm: its extent along Z, the axis it is printed along.
    pub fn height_mm(&self) -> Option<f32> {
        self.bounds.map(|b| b.size()[2])
    }

    /// The height against the printable range `min_mm..=max_mm`.
    pub fn check_height(&self, min_mm: f32, max_mm: f32) -> HeightCheck {
        match self.height_mm() {
            None => HeightCheck::Empty,
            Some(height_mm) if height_mm > max_mm => HeightCheck::TooTall { height_mm, max_mm },
            Some(height_mm) if height_mm < min_mm => HeightCheck::TooShort { height_mm, min_mm },
            Some(height_mm) => HeightCheck::Fits { height_mm },
        }
    }
}

pub fn validate(mesh: &IndexedMesh) -> ValidationReport {
    let bounds = mesh.bounds();
    let scale = bounds.map_or(1.0, |b| b.size().iter().map(|s| f64::from(*s).powi(2)).sum::<f64>());
    // Below this (relative to the model's size) a face has no area to print.
    let degenerate_area = scale * 1e-14;

    let mut surface_area = 0.0;
    let mut signed_volume = 0.0;
    let mut degenerate_faces = 0;
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|i| mesh.positions[i as usize].map(f64::from));
        let cross = cross(sub(b, a), sub(c, a));
        let area = 0.5 * dot(cross, cross).sqrt();
        if area <= degenerate_area {
            degenerate_faces += 1;
        }
        surface_area += area;
        signed_volume += dot(a, self::cross(b, c)) / 6.0;
    }

    let edges = census(mesh);
    let loops = boundary_loops(&edges.boundary);
    let watertight = edges.boundary.is_empty() && edges.non_manifold.is_empty();
    let orientation = if edges.misoriented == 0 {
        Orientation::Consistent { outward: signed_volume >= 0.0 }
    } else {
        Orientation::Inconsistent { misoriented_edges: edges.misoriented }
    };

    ValidationReport {
        triangles: mesh.triangles.len(),
        vertices: mesh.positions.len(),
        bounds,
        surface_area,
        signed_volume,
        watertight,
        boundary_loops: loops,
        non_manifold_edges: edges.non_manifold.len(),
        degenerate_faces,
        duplicate_faces: duplicate_faces(mesh),
        components: components(mesh.triangles.len(), &edges.neighbours),
        orientation,
    }
}

/// Faces with the same three vertices as another, in any order, beyond the first.
fn duplicate_faces(mesh: &IndexedMesh) -> usize {
    let sorted = || {
        mesh.triangles.iter().map(|t| {
            let mut sorted = *t;
            sorted.sort_unstable();
            (sorted[0], [sorted[1], sorted[2]])
        })
    };
    let mut buckets = Buckets::new(mesh.positions.len(), sorted);
    buckets
        .groups_mut()
        .map(|group| {
            group.sort_unstable();
            group.windows(2).filter(|pair| pair[0] == pair[1]).count()
        })
        .sum()
}

/// Connected pieces of faces, by union-find over faces sharing an edge.
fn components(faces: usize, neighbours: &[(u32, u32)]) -> usize {
    let mut parent: Vec<u32> = (0..faces as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut pieces = faces;
    for &(a, b) in neighbours {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
            pieces -= 1;
        }
    }
    pieces
}
