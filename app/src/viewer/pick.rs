//! Picking a point on a model's surface: the nearest crossing of a ray with
//! the mesh's triangles (Möller–Trumbore), on the CPU, in model units (mm).
//!
//! A dental arch has about 80 000 triangles: testing them all takes a few
//! milliseconds, once per click, so no acceleration structure is kept.

use mesh_core::IndexedMesh;

/// Where a ray meets a surface.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    pub(crate) point: [f32; 3],
    /// Along the ray, in units of its direction's length.
    pub(crate) distance: f32,
}

/// The nearest point where the ray from `origin` along `direction` meets
/// `mesh` (either side of a face), or `None` if it misses.
pub(crate) fn first_hit(mesh: &IndexedMesh, origin: [f32; 3], direction: [f32; 3]) -> Option<Hit> {
    let corner = |i: u32| mesh.positions.get(i as usize).copied();
    let mut nearest: Option<f32> = None;
    for triangle in &mesh.triangles {
        let (Some(a), Some(b), Some(c)) = (corner(triangle[0]), corner(triangle[1]), corner(triangle[2])) else {
            continue;
        };
        if let Some(t) = crossing(origin, direction, a, b, c)
            && nearest.is_none_or(|best| t < best)
        {
            nearest = Some(t);
        }
    }
    nearest.map(|t| Hit { point: along(origin, direction, t), distance: t })
}

/// The distance between two points, in the models' unit (mm).
pub(crate) fn distance(a: [f32; 3], b: [f32; 3]) -> f32 {
    let d = sub(a, b);
    dot(d, d).sqrt()
}

/// Möller–Trumbore: the ray parameter `t > 0` where it crosses triangle `abc`.
fn crossing(origin: [f32; 3], direction: [f32; 3], a: [f32; 3], b: [f32; 3], c: [f32; 3]) -> Option<f32> {
    const EPSILON: f32 = 1e-9;
    let (edge1, edge2) = (sub(b, a), sub(c, a));
    let p = cross(direction, edge2);
    let determinant = dot(edge1, p);
    if determinant.abs() < EPSILON {
        return None; // parallel to the face (or a degenerate face)
    }
    let inverse = 1.0 / determinant;
    let s = sub(origin, a);
    let u = dot(s, p) * inverse;
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let q = cross(s, edge1);
    let v = dot(direction, q) * inverse;
    if v < 0.0 || u + v > 1.0 {
        return None;
    }
    let t = dot(edge2, q) * inverse;
    (t > EPSILON).then_some(t)
}

fn along(origin: [f32; 3], direction: [f32; 3], t: f32) -> [f32; 3] {
    [origin[0] + direction[0] * t, origin[1] + direction[1] * t, origin[2] + direction[2] * t]
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An axis-aligned cube from (0, 0, 0) to (10, 10, 10), 12 triangles.
    fn cube() -> IndexedMesh {
        let positions = (0..8_u8)
            .map(|i| [f32::from(i & 1) * 10.0, f32::from((i >> 1) & 1) * 10.0, f32::from((i >> 2) & 1) * 10.0])
            .collect();
        let quads: [[u32; 4]; 6] = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]];
        let triangles = quads.iter().flat_map(|q| [[q[0], q[1], q[2]], [q[0], q[2], q[3]]]).collect();
        IndexedMesh { positions, triangles }
    }

    fn assert_near(a: [f32; 3], b: [f32; 3]) {
        assert!(distance(a, b) < 1e-4, "{a:?} is not {b:?}");
    }

    #[test]
    fn a_ray_down_onto_the_cube_hits_its_top_face_first() {
        let hit = first_hit(&cube(), [3.0, 4.0, 25.0], [0.0, 0.0, -1.0]).expect("the ray crosses the cube");
        assert_near(hit.point, [3.0, 4.0, 10.0]);
        assert!((hit.distance - 15.0).abs() < 1e-4);
    }

    #[test]
    fn a_slanted_ray_hits_the_side_it_reaches_first() {
        // From the left of the cube, rising: meets the x = 0 face at y = 5, z = 5.
        let direction = [1.0 / 2f32.sqrt(), 1.0 / 2f32.sqrt(), 0.0];
        let hit = first_hit(&cube(), [-5.0, 0.0, 5.0], direction).expect("the ray crosses the cube");
        assert_near(hit.point, [0.0, 5.0, 5.0]);
    }

    #[test]
    fn a_ray_that_passes_by_or_points_away_misses() {
        assert_eq!(first_hit(&cube(), [20.0, 20.0, 25.0], [0.0, 0.0, -1.0]), None);
        assert_eq!(first_hit(&cube(), [3.0, 4.0, 25.0], [0.0, 0.0, 1.0]), None);
    }

    #[test]
    fn a_ray_from_inside_hits_the_wall_in_front() {
        let hit = first_hit(&cube(), [5.0, 5.0, 5.0], [1.0, 0.0, 0.0]).expect("inside, every ray meets a wall");
        assert_near(hit.point, [10.0, 5.0, 5.0]);
    }

    #[test]
    fn distances_are_euclidean() {
        assert_eq!(distance([0.0, 0.0, 0.0], [3.0, 4.0, 12.0]), 13.0);
    }
}
