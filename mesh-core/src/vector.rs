//! Three-component vector arithmetic in `f64`, the precision analysis and
//! repair work in (positions are stored as `f32`).

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// Two unit axes `(u, w)` of the plane with unit normal `normal`, with
/// `u × w = normal`: a polygon that runs counter-clockwise seen from the
/// side the normal points to runs counter-clockwise in `(u, w)`.
pub(crate) fn plane_axes(normal: [f64; 3]) -> ([f64; 3], [f64; 3]) {
    let helper = if normal[0].abs() < 0.6 { [1.0, 0.0, 0.0] } else { [0.0, 1.0, 0.0] };
    let u = cross(helper, normal);
    let u_length = dot(u, u).sqrt();
    let u = u.map(|c| c / u_length);
    (u, cross(normal, u))
}
