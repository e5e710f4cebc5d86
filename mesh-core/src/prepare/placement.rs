//! Where a prepared model stands: the rigid motion that puts the arch's
//! teeth along +Z and its front along +Y, the lowest point (the base's
//! bottom) at z = 0 and the box centred over the origin, as printers and
//! plate layouts take a model.

use crate::IndexedMesh;
use crate::ops::ArchFrame;
use crate::vector::{cross, dot};

/// A rotation and a shift, applied in `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The rows of the rotation: where X, Y and Z come from.
    pub rows: [[f64; 3]; 3],
    /// Added after the rotation, in mm.
    pub shift: [f64; 3],
}

impl Placement {
    /// The motion that stands `mesh`, an arch of frame `frame`, on the
    /// plane z = 0 with its teeth up and its front along +Y.
    pub fn standing(mesh: &IndexedMesh, frame: &ArchFrame) -> Placement {
        let z = frame.up.map(f64::from);
        let y = frame.front.map(f64::from);
        let x = cross(y, z);
        let rows = [x, y, z];
        let (mut min, mut max) = ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]);
        for p in &mesh.positions {
            let p = p.map(f64::from);
            for (axis, row) in rows.iter().enumerate() {
                let c = dot(*row, p);
                min[axis] = min[axis].min(c);
                max[axis] = max[axis].max(c);
            }
        }
        let shift = [-(min[0] + max[0]) / 2.0, -(min[1] + max[1]) / 2.0, -min[2]];
        Placement { rows, shift }
    }

    /// `point` moved.
    pub fn apply(&self, point: [f32; 3]) -> [f32; 3] {
        let p = point.map(f64::from);
        [0, 1, 2].map(|axis| (dot(self.rows[axis], p) + self.shift[axis]) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::FrameClue;

    #[test]
    fn an_arch_with_teeth_along_minus_y_stands_with_them_up_on_z_0() {
        let mesh = IndexedMesh {
            positions: vec![[10.0, -5.0, 3.0], [12.0, 5.0, 3.0], [10.0, 0.0, 9.0]],
            triangles: vec![[0, 1, 2]],
        };
        let frame = ArchFrame { up: [0.0, -1.0, 0.0], front: [0.0, 0.0, 1.0], clue: FrameClue::Given };
        let placement = Placement::standing(&mesh, &frame);
        let placed: Vec<[f32; 3]> = mesh.positions.iter().map(|&p| placement.apply(p)).collect();
        // The point farthest along −Y is the highest, the one farthest along +Y sits at z = 0.
        assert_eq!(placed[0][2], 10.0);
        assert_eq!(placed[1][2], 0.0);
        // Front (+Z before) is +Y now, centred: z from 3 to 9 becomes y from −3 to 3.
        assert_eq!((placed[0][1], placed[2][1]), (-3.0, 3.0));
    }
}
