//! Why a label could not be made, in words that say what to change.

/// Why a label could not be made. The model is never changed: the label
/// is either made whole or not at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabelError {
    #[error("the label font could not be read ({reason}); give the font file DejaVuSans-Bold.ttf")]
    UnreadableFont { reason: String },
    #[error("the label font has no letter for {character:?}; leave it out (letters, digits, spaces and '-' work)")]
    MissingGlyph { character: char },
    #[error(
        "the code's content ({length} characters) does not fit a Data Matrix symbol or has characters it cannot \
         hold; shorten it to the aligner's id"
    )]
    CodeUnencodable { length: usize },
    #[error("the label has no text and no code; give a text, a code, or both")]
    Empty,
    #[error("the letter height must be more than 0 mm (it is {got}); enter a height such as 4 mm")]
    LetterHeight { got: f32 },
    #[error("the relief depth must be more than 0 mm (it is {got}); enter a depth such as 0.6 mm")]
    Depth { got: f32 },
    #[error(
        "the code's modules must be at least {min} mm to read after printing at 0.05 mm layers (they are {got} mm); \
         make them larger, or leave out the code"
    )]
    ModuleTooSmall { got: f32, min: f32 },
    #[error("the margin round the label must be at least 0 mm (it is {got}); enter a margin such as 1 mm")]
    Margin { got: f32 },
    #[error("the curve tolerance must be more than 0 mm (it is {got}); enter a tolerance such as 0.02 mm")]
    Tolerance { got: f32 },
    #[error("the label's position and rotation must be numbers; enter them in mm and degrees")]
    Placement,
    #[error(
        "the face's plane (point ({}, {}, {}), normal ({}, {}, {})) is not a plane; give the plane of a flat face, \
         such as the bottom of a flat base",
        origin[0], origin[1], origin[2], normal[0], normal[1], normal[2]
    )]
    InvalidFace { origin: [f32; 3], normal: [f32; 3] },
    #[error(
        "the model has no flat face in the plane through ({:.2}, {:.2}, {:.2}) facing ({:.2}, {:.2}, {:.2}); give \
         the plane of a flat face, such as the bottom of a flat base (make one first)",
        origin[0], origin[1], origin[2], normal[0], normal[1], normal[2]
    )]
    FaceNotFound { origin: [f32; 3], normal: [f32; 3] },
    #[error(
        "the label is {:.1} × {:.1} mm (with its margin) but the flat face at ({:.2}, {:.2}, {:.2}) is {:.1} × \
         {:.1} mm there, or the label runs over its edge; use smaller letters, a shorter text or a smaller code, or \
         move the label",
        label_mm[0], label_mm[1], at[0], at[1], at[2], face_mm[0], face_mm[1]
    )]
    DoesNotFit { label_mm: [f32; 2], face_mm: [f32; 2], at: [f32; 3] },
    #[error(
        "a label {depth} mm deep would run into the model near ({:.2}, {:.2}, {:.2}); make it shallower, or move it",
        at[0], at[1], at[2]
    )]
    RunsIntoModel { depth: f32, at: [f32; 3] },
    #[error(
        "the label's outlines touch or cross each other or the face's edge near ({:.2}, {:.2}, {:.2}), so its \
         relief cannot be built; make the letters larger, or move the label",
        at[0], at[1], at[2]
    )]
    Unbuildable { at: [f32; 3] },
}
