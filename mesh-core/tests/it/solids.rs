//! Closed solids built in code, faces wound outward, for tests (and the
//! preparation benchmark, which includes this file).

use mesh_core::IndexedMesh;

/// A cube of edge `size` with its low corner at `origin`: 8 vertices, 12 faces.
pub(crate) fn cube_at(origin: [f32; 3], size: f32) -> IndexedMesh {
    cuboid_at(origin, [size; 3])
}

/// A box of edges `size` (along X, Y, Z) with its low corner at `origin`: 8 vertices, 12 faces.
pub(crate) fn cuboid_at(origin: [f32; 3], size: [f32; 3]) -> IndexedMesh {
    let positions = (0..8)
        .map(|i| {
            let corner = [i & 1, (i >> 1) & 1, (i >> 2) & 1];
            [0, 1, 2].map(|axis| origin[axis] + size[axis] * corner[axis] as f32)
        })
        .collect();
    let triangles = vec![
        [0, 2, 1],
        [1, 2, 3], // z = 0
        [4, 5, 6],
        [5, 7, 6], // z = size
        [0, 1, 4],
        [1, 5, 4], // y = 0
        [2, 6, 3],
        [3, 6, 7], // y = size
        [0, 4, 2],
        [2, 4, 6], // x = 0
        [1, 3, 5],
        [3, 7, 5], // x = size
    ];
    IndexedMesh { positions, triangles }
}

/// A square prism from `-half` to `half` in X and Y, with a vertex ring at
/// each of `levels` (in Z, rising), and a square through-hole of
/// half-width `hole` when given.
pub(crate) fn square_prism(half: f32, hole: Option<f32>, levels: &[f32]) -> IndexedMesh {
    let square = |h: f32| [[-h, -h], [h, -h], [h, h], [-h, h]];
    let mut mesh = IndexedMesh::default();
    // rings[k][level]: the first vertex of ring k (0 outer, 1 hole) at that level.
    let mut rings: Vec<Vec<u32>> = Vec::new();
    for h in std::iter::once(half).chain(hole) {
        let starts = levels
            .iter()
            .map(|&z| {
                let start = mesh.positions.len() as u32;
                mesh.positions.extend(square(h).map(|[x, y]| [x, y, z]));
                start
            })
            .collect();
        rings.push(starts);
    }
    let corner = |ring: &[u32], level: usize, i: usize| ring[level] + (i % 4) as u32;
    let top = levels.len() - 1;
    // Walls: the outer ring runs counter-clockwise seen from above, so its quads face out;
    // the hole's walls face into the hole.
    for (k, ring) in rings.iter().enumerate() {
        for level in 0..top {
            for i in 0..4 {
                let (a, b) = (corner(ring, level, i), corner(ring, level, i + 1));
                let (c, d) = (corner(ring, level + 1, i + 1), corner(ring, level + 1, i));
                if k == 0 {
                    mesh.triangles.extend([[a, b, c], [a, c, d]]);
                } else {
                    mesh.triangles.extend([[b, a, d], [b, d, c]]);
                }
            }
        }
    }
    match rings.as_slice() {
        [outer] => {
            let (b, t) = (outer[0], outer[top]);
            mesh.triangles.extend([[b, b + 2, b + 1], [b, b + 3, b + 2], [t, t + 1, t + 2], [t, t + 2, t + 3]]);
        }
        [outer, inner] => {
            for i in 0..4 {
                let (o, p) = (corner(outer, top, i), corner(outer, top, i + 1));
                let (q, r) = (corner(inner, top, i + 1), corner(inner, top, i));
                mesh.triangles.extend([[o, p, q], [o, q, r]]);
                let (o, p) = (corner(outer, 0, i), corner(outer, 0, i + 1));
                let (q, r) = (corner(inner, 0, i + 1), corner(inner, 0, i));
                mesh.triangles.extend([[o, q, p], [o, r, q]]);
            }
        }
        _ => unreachable!("a prism has an outer ring and at most one hole"),
    }
    mesh
}

/// A torus round the Z axis: `major` from the axis to the tube's centre,
/// `minor` the tube's radius, `around × across` quads of two faces each.
pub(crate) fn torus(major: f32, minor: f32, around: u32, across: u32) -> IndexedMesh {
    let mut positions = Vec::with_capacity((around * across) as usize);
    for i in 0..around {
        let u = std::f64::consts::TAU * f64::from(i) / f64::from(around);
        for j in 0..across {
            let v = std::f64::consts::TAU * f64::from(j) / f64::from(across);
            let ring = f64::from(major) + f64::from(minor) * v.cos();
            positions.push([ring * u.cos(), ring * u.sin(), f64::from(minor) * v.sin()].map(|c| c as f32));
        }
    }
    let index = |i: u32, j: u32| (i % around) * across + j % across;
    let mut triangles = Vec::with_capacity((2 * around * across) as usize);
    for i in 0..around {
        for j in 0..across {
            let (a, b, c, d) = (index(i, j), index(i + 1, j), index(i + 1, j + 1), index(i, j + 1));
            triangles.extend([[a, b, c], [a, c, d]]);
        }
    }
    IndexedMesh { positions, triangles }
}
