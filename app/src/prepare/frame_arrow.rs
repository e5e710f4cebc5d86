//! The arrow that shows which way an arch's teeth point, drawn in both of
//! the Prepare page's viewers: from the middle of the model out through
//! the teeth, with a head leaning towards the arch's front.

use mesh_core::Bounds;

/// The arrow's segments over a model of box `bounds` whose teeth point
/// along `up` (a unit vector), the head opening along `front`.
pub(crate) fn frame_arrow(bounds: &Bounds, up: [f32; 3], front: [f32; 3]) -> Vec<[[f32; 3]; 2]> {
    let centre = bounds.center();
    let size = bounds.size();
    // Half the box along `up`, and a fifth more: the tip clears the teeth.
    let reach = 0.6 * (0..3).map(|i| (size[i] * up[i]).abs()).sum::<f32>().max(1.0);
    let at = |along: f32, aside: f32| std::array::from_fn(|i| centre[i] + along * up[i] + aside * front[i]);
    let tip = at(reach, 0.0);
    let head = 0.25 * reach;
    vec![[at(0.0, 0.0), tip], [tip, at(reach - head, 0.5 * head)], [tip, at(reach - head, -0.5 * head)]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arrow_leaves_the_middle_along_up_and_its_head_points_back_at_it() {
        let bounds = Bounds { min: [-30.0, -20.0, 0.0], max: [30.0, 20.0, 20.0] };
        let arrow = frame_arrow(&bounds, [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]);
        assert_eq!(arrow[0], [[0.0, 0.0, 10.0], [0.0, 0.0, 22.0]], "from the middle to 1.2 × half the height above it");
        assert_eq!(arrow[1][1], [0.0, 1.5, 19.0]);
        assert_eq!(arrow[2][1], [0.0, -1.5, 19.0]);
        let down = frame_arrow(&bounds, [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]);
        assert_eq!(down[0][1], [0.0, 0.0, -2.0]);
    }
}
