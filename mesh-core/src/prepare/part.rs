//! What differs per model: which arch it is, what its label says, and
//! anything set by hand for it (its trim line, the way its teeth point).

use crate::ops::Arch;

/// One model of a case, as the recipe sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub arch: Arch,
    /// The label's text, such as `K7Q-4M2 U07`.
    pub label_text: String,
    /// What the label's Data Matrix encodes: the aligner's id.
    pub code: String,
    /// A trim line placed by hand on this model (points on its surface, in
    /// order round the arch, the last back at the first), instead of the
    /// recipe's proposal.
    pub trim_line: Option<Vec<[f32; 3]>>,
    /// The way the teeth point, when the user set it (such as flipping the
    /// one found from the model): the base goes on the other side.
    pub up: Option<[f32; 3]>,
}

impl Part {
    /// The aligner of stage `stage` of `arch` in the case `case_code`:
    /// labelled `K7Q-4M2 U07` (U or L, two digits), with the code `K7Q-4M2-U07`.
    pub fn aligner(case_code: &str, arch: Arch, stage: u32) -> Self {
        let letter = match arch {
            Arch::Upper => 'U',
            Arch::Lower => 'L',
        };
        Part {
            arch,
            label_text: format!("{case_code} {letter}{stage:02}"),
            code: format!("{case_code}-{letter}{stage:02}"),
            trim_line: None,
            up: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aligner_is_labelled_with_its_case_arch_and_stage() {
        let part = Part::aligner("K7Q-4M2", Arch::Upper, 7);
        assert_eq!(part.label_text, "K7Q-4M2 U07");
        assert_eq!(part.code, "K7Q-4M2-U07");
        assert_eq!(Part::aligner("K7Q-4M2", Arch::Lower, 123).label_text, "K7Q-4M2 L123");
    }
}
