//! The standard views of a dental model, in the scanner's axes.
//!
//! Intraoral scans are exported in millimetres with **+Y** the occlusal
//! axis (the biting surfaces face +Y), **+Z** towards the incisors and
//! **+X** to the patient's left (checked on the corpus arches
//! `ref_upper_tag0.stl` and `ref_lower_tag0.stl`: 62 mm wide in X, 12 mm
//! high in Y, narrowing towards +Z where the incisors are).

/// The vertical of the screen in every view but the ones looking along it.
pub(crate) const UP: [f32; 3] = [0.0, 1.0, 0.0];

/// Which arch an arch-specific view looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Arch {
    Upper,
    Lower,
}

impl Arch {
    pub(crate) const BOTH: [Arch; 2] = [Arch::Upper, Arch::Lower];

    /// The name the API uses.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Arch::Upper => "upper",
            Arch::Lower => "lower",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Arch::Upper => "Upper",
            Arch::Lower => "Lower",
        }
    }
}

/// A view the toolbar offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StandardView {
    /// Facing the incisors.
    Front,
    /// From above, the incisors at the bottom of the screen.
    Top,
    /// From the patient's left.
    Left,
    /// From the patient's right.
    Right,
    /// Straight onto the biting surfaces of one arch.
    Occlusal(Arch),
}

impl StandardView {
    /// Unit direction from the target to the camera.
    pub(crate) fn towards_camera(self) -> [f32; 3] {
        match self {
            StandardView::Front => [0.0, 0.0, 1.0],
            // The lower arch's teeth face +Y, the upper's −Y: each is seen onto its biting surfaces.
            StandardView::Top | StandardView::Occlusal(Arch::Lower) => [0.0, 1.0, 0.0],
            StandardView::Occlusal(Arch::Upper) => [0.0, -1.0, 0.0],
            StandardView::Left => [1.0, 0.0, 0.0],
            StandardView::Right => [-1.0, 0.0, 0.0],
        }
    }

    /// The screen's up direction in this view (never along the view direction).
    pub(crate) fn up(self) -> [f32; 3] {
        match self {
            // Looking down the occlusal axis: the incisors (+Z) at the top for the
            // occlusal view, as in an occlusal photograph; at the bottom from above.
            StandardView::Occlusal(_) => [0.0, 0.0, 1.0],
            StandardView::Top => [0.0, 0.0, -1.0],
            _ => UP,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            StandardView::Front => "Front",
            StandardView::Top => "Top",
            StandardView::Left => "Left",
            StandardView::Right => "Right",
            StandardView::Occlusal(Arch::Upper) => "Occlusal upper",
            StandardView::Occlusal(Arch::Lower) => "Occlusal lower",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [StandardView; 6] = [
        StandardView::Front,
        StandardView::Top,
        StandardView::Left,
        StandardView::Right,
        StandardView::Occlusal(Arch::Upper),
        StandardView::Occlusal(Arch::Lower),
    ];

    fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
        a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    }

    #[test]
    fn every_view_has_an_up_across_its_direction() {
        for view in ALL {
            let (direction, up) = (view.towards_camera(), view.up());
            assert!((dot(direction, direction) - 1.0).abs() < 1e-6, "{view:?}");
            assert_eq!(dot(direction, up), 0.0, "{view:?}: up along the view direction");
        }
    }

    #[test]
    fn front_faces_the_incisors_and_the_sides_are_opposite() {
        assert_eq!(StandardView::Front.towards_camera(), [0.0, 0.0, 1.0]);
        let (left, right) = (StandardView::Left.towards_camera(), StandardView::Right.towards_camera());
        assert_eq!(dot(left, right), -1.0);
    }

    #[test]
    fn each_occlusal_view_looks_onto_its_arch_s_biting_surfaces() {
        // The lower arch's cusps point up (+Y): seen from above; the upper's point down: seen from below.
        assert_eq!(StandardView::Occlusal(Arch::Lower).towards_camera(), UP);
        assert_eq!(StandardView::Occlusal(Arch::Upper).towards_camera(), UP.map(|c| -c));
    }
}
