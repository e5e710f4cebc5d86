//! The arch's frame, found from the model itself: which way its teeth point
//! (the occlusal direction) and where its front (the incisors) is. Scans
//! and plans come in every axis convention (Y up, Z up, off the origin), so
//! nothing here assumes one.
//!
//! - The occlusal **axis** is the surface's thinnest direction: the axis
//!   of least area-weighted spread of its faces (an arch is a wide, shallow U).
//! - Its **sign**: an open scan's rim (its longest boundary) lies on the gum
//!   side, so the teeth point from the rim to the rest. A closed model tells
//!   its teeth by their detail: the bending of the surface (edge length
//!   times the angle between the two faces) is far larger among cusps and
//!   fissures than on a gum, a palate or a flat bottom.
//! - The **front**: seen along the axis from the middle of the tooth tips,
//!   the tips go round every way but the back, where the U is open; the
//!   front is opposite the widest empty angle.

use parry3d::math::{Mat3, SymmetricEigen3, Vec3};

use crate::IndexedMesh;
use crate::analysis::problem_edges;
use crate::vector::{cross, dot, plane_axes, sub};

/// An arch's frame, as unit vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArchFrame {
    /// From the gums to the teeth: the base goes on the other side.
    pub up: [f32; 3],
    /// From the middle of the arch to its incisors, across `up`.
    pub front: [f32; 3],
    /// What told the teeth's side.
    pub clue: FrameClue,
}

/// What told which way the teeth point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameClue {
    /// The open rim of a scan, on the gum side.
    OpenRim,
    /// The detail of the teeth against the smoother gum side.
    Detail,
    /// Given by the user (the frame was flipped or set by hand).
    Given,
}

/// Why no frame could be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the model has no faces with an area, so it has no shape to find its teeth from; check the model")]
    Flat,
}

impl ArchFrame {
    /// The same frame upside down: the teeth the other way, the front kept.
    pub fn flipped(&self) -> ArchFrame {
        ArchFrame { up: self.up.map(|c| -c), front: self.front, clue: FrameClue::Given }
    }

    /// The frame with `up` given by the user (any length but zero) and the
    /// front made square to it; `None` for an up without a direction.
    pub fn with_up(&self, up: [f32; 3]) -> Option<ArchFrame> {
        let up = unit(up.map(f64::from))?;
        let front = self.front.map(f64::from);
        let across = sub(front, up.map(|c| c * dot(front, up)));
        let front = unit(across).unwrap_or_else(|| plane_axes(up).0);
        Some(ArchFrame { up: up.map(|c| c as f32), front: front.map(|c| c as f32), clue: FrameClue::Given })
    }

    /// `up` and `front` given by a caller (such as a recipe that recorded them).
    pub fn given(up: [f32; 3], front: [f32; 3]) -> Option<ArchFrame> {
        ArchFrame { up, front, clue: FrameClue::Given }.with_up(up)
    }
}

/// The frame of the arch `mesh`.
pub fn find_arch_frame(mesh: &IndexedMesh) -> Result<ArchFrame, FrameError> {
    let axis = thinnest_axis(mesh).ok_or(FrameError::Flat)?;
    let (up, clue) = match rim_side(mesh, axis) {
        Some(side) => (axis.map(|c| -c * side), FrameClue::OpenRim),
        None => (axis.map(|c| c * detail_side(mesh, axis)), FrameClue::Detail),
    };
    let front = front(mesh, up);
    Ok(ArchFrame { up: up.map(|c| c as f32), front: front.map(|c| c as f32), clue })
}

/// The axis of least area-weighted spread of the faces' centres.
fn thinnest_axis(mesh: &IndexedMesh) -> Option<[f64; 3]> {
    let mut total = 0.0;
    let mut sum = [0.0f64; 3];
    let mut moments = [[0.0f64; 3]; 3];
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|v| mesh.positions[v as usize].map(f64::from));
        let n = cross(sub(b, a), sub(c, a));
        let area = 0.5 * dot(n, n).sqrt();
        if !area.is_finite() || area == 0.0 {
            continue;
        }
        let centre = [0, 1, 2].map(|i| (a[i] + b[i] + c[i]) / 3.0);
        total += area;
        for i in 0..3 {
            sum[i] += area * centre[i];
            for j in 0..3 {
                moments[i][j] += area * centre[i] * centre[j];
            }
        }
    }
    if total == 0.0 {
        return None;
    }
    let mean = sum.map(|s| s / total);
    let covariance = |i: usize, j: usize| (moments[i][j] / total - mean[i] * mean[j]) as f32;
    let matrix = Mat3::from_cols(
        Vec3::new(covariance(0, 0), covariance(1, 0), covariance(2, 0)),
        Vec3::new(covariance(0, 1), covariance(1, 1), covariance(2, 1)),
        Vec3::new(covariance(0, 2), covariance(1, 2), covariance(2, 2)),
    );
    let eigen = SymmetricEigen3::new(matrix);
    let smallest = eigen.eigenvectors.x_axis;
    unit([smallest.x, smallest.y, smallest.z].map(f64::from))
}

/// For an open model: +1 when its longest rim lies on the `+axis` side of
/// its surface's middle, −1 when on the other; `None` for a closed model
/// or a rim too short to be a scan's open side (a small hole).
fn rim_side(mesh: &IndexedMesh, axis: [f64; 3]) -> Option<f64> {
    let boundary = problem_edges(mesh).boundary;
    // A scan's rim runs round the whole arch; holes have a few dozen edges.
    if boundary.len() < 100 {
        return None;
    }
    let level = |v: u32| dot(mesh.positions[v as usize].map(f64::from), axis);
    let rim = boundary.iter().flatten().map(|&v| level(v)).sum::<f64>() / (2 * boundary.len()) as f64;
    let (low, high) = levels(mesh, axis);
    let middle = 0.5 * (low + high);
    Some(if rim > middle { 1.0 } else { -1.0 })
}

/// +1 when the surface bends more on the `+axis` side of its middle than
/// on the other side, else −1.
fn detail_side(mesh: &IndexedMesh, axis: [f64; 3]) -> f64 {
    let (low, high) = levels(mesh, axis);
    let middle = 0.5 * (low + high);
    let normal = |t: [u32; 3]| {
        let [a, b, c] = t.map(|v| mesh.positions[v as usize].map(f64::from));
        unit(cross(sub(b, a), sub(c, a)))
    };
    let mut edges: Vec<([u32; 2], u32)> = mesh
        .triangles
        .iter()
        .enumerate()
        .flat_map(|(f, t)| [0, 1, 2].map(|i| ([t[i].min(t[(i + 1) % 3]), t[i].max(t[(i + 1) % 3])], f as u32)))
        .collect();
    edges.sort_unstable();
    let mut bending = [0.0f64; 2];
    for pair in edges.windows(2) {
        let ((edge, f), (other, g)) = (pair[0], pair[1]);
        if edge != other {
            continue;
        }
        let (Some(n), Some(m)) = (normal(mesh.triangles[f as usize]), normal(mesh.triangles[g as usize])) else {
            continue;
        };
        let [a, b] = edge.map(|v| mesh.positions[v as usize].map(f64::from));
        let length = dot(sub(b, a), sub(b, a)).sqrt();
        let angle = dot(n, m).clamp(-1.0, 1.0).acos();
        let side = usize::from(0.5 * (dot(a, axis) + dot(b, axis)) > middle);
        bending[side] += length * angle;
    }
    if bending[1] >= bending[0] { 1.0 } else { -1.0 }
}

/// The direction, across `up`, from the middle of the tooth tips to the
/// front of the arch.
fn front(mesh: &IndexedMesh, up: [f64; 3]) -> [f64; 3] {
    const BINS: usize = 72;
    let (low, high) = levels(mesh, up);
    // The tips: the top quarter of the model along the occlusal direction.
    let tip_level = high - 0.25 * (high - low);
    let (u, w) = plane_axes(up);
    let tips: Vec<[f64; 2]> = mesh
        .positions
        .iter()
        .map(|p| p.map(f64::from))
        .filter(|&p| dot(p, up) >= tip_level)
        .map(|p| [dot(p, u), dot(p, w)])
        .collect();
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in &tips {
        for i in 0..2 {
            min[i] = min[i].min(p[i]);
            max[i] = max[i].max(p[i]);
        }
    }
    let centre = [0.5 * (min[0] + max[0]), 0.5 * (min[1] + max[1])];
    let mut occupied = [false; BINS];
    for p in &tips {
        let angle = (p[1] - centre[1]).atan2(p[0] - centre[0]);
        let bin = (((angle + std::f64::consts::PI) / std::f64::consts::TAU) * BINS as f64) as usize;
        occupied[bin.min(BINS - 1)] = true;
    }
    // The widest run of empty bins, going round.
    let (mut best_start, mut best_length) = (0, 0);
    for start in 0..BINS {
        if occupied[start] || !occupied[(start + BINS - 1) % BINS] {
            continue;
        }
        let length = (0..BINS).take_while(|k| !occupied[(start + k) % BINS]).count();
        if length > best_length {
            (best_start, best_length) = (start, length);
        }
    }
    let direction = if best_length == 0 {
        // Tips all round (no gap): the wider extent runs across the arch,
        // so the front is along the narrower one.
        if max[0] - min[0] > max[1] - min[1] { [0.0, 1.0] } else { [1.0, 0.0] }
    } else {
        let middle = best_start as f64 + 0.5 * best_length as f64;
        let angle = middle / BINS as f64 * std::f64::consts::TAU - std::f64::consts::PI;
        [-angle.cos(), -angle.sin()]
    };
    [0, 1, 2].map(|i| direction[0] * u[i] + direction[1] * w[i])
}

/// The lowest and highest vertex along `axis`.
fn levels(mesh: &IndexedMesh, axis: [f64; 3]) -> (f64, f64) {
    mesh.positions.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), p| {
        let level = dot(p.map(f64::from), axis);
        (low.min(level), high.max(level))
    })
}

fn unit(v: [f64; 3]) -> Option<[f64; 3]> {
    let length = dot(v, v).sqrt();
    (length.is_finite() && length > 1e-12).then(|| v.map(|c| c / length))
}
