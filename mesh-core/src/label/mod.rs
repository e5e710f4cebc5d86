//! Labels: a case code, arch and stage (`K7Q-4M2 U07`) in a real font and
//! a Data Matrix of the aligner's id, embossed on or engraved into a flat
//! face of a model (the bottom of a flat base).
//!
//! The pipeline, one file per step: `flatten.rs` turns glyph outlines into
//! polygons within a tolerance; `text.rs` sets lines of text from a font
//! given as bytes; `code.rs` encodes the Data Matrix and `trace.rs` turns
//! its dark modules into polygons; `layout.rs` puts text and code side by
//! side in a block with a margin ([`label_shape`]); `face.rs` finds the
//! flat face and checks the block fits on it; `relief.rs` builds the relief
//! ([`label`]).
//!
//! Invariant: a label on a closed, manifold, outward model gives a closed,
//! manifold, outward model: the face is re-triangulated with the label's
//! outlines as constrained edges (the cut cap's triangulation), and the
//! relief's walls and top share exactly those outline vertices.

mod code;
mod error;
mod face;
mod flatten;
mod layout;
mod relief;
mod text;
mod trace;

pub use error::LabelError;
pub use layout::{CodePlacement, LabelShape, label_shape};
pub use relief::{Labelled, label};

// For hollowing, which opens drain holes through the same flat face (and
// keeps them off the label).
pub(crate) use face::{FlatRegion, LabelFrame, flat_regions, label_box};

use crate::ops::Plane;

/// The smallest code module that reads after printing at 0.05 mm layers, in mm.
pub const MIN_MODULE_MM: f32 = 0.6;

/// Raised from the face, or cut into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Relief {
    /// Letters and dark modules stand `depth_mm` out of the face.
    #[default]
    Emboss,
    /// Letters and dark modules are cut `depth_mm` into the face.
    Engrave,
}

/// What the label says, where it goes and how it is made.
#[derive(Clone, PartialEq)]
pub struct LabelOptions<'a> {
    /// The font file's bytes (TrueType or OpenType): DejaVu Sans Bold, which
    /// the app ships in `public/fonts/`.
    pub font: &'a [u8],
    /// The text; `\n` starts a new line. Empty for none.
    pub text: String,
    /// What the Data Matrix beside the text encodes (the aligner's id). Empty for none.
    pub code: String,
    /// The flat face: a point in it and its outward normal (`FlatBase::bottom`).
    pub face: Plane,
    pub relief: Relief,
    /// The height of a capital letter, in mm.
    pub letter_height_mm: f32,
    /// How far letters and modules stand out or are cut in, in mm.
    pub depth_mm: f32,
    /// The side of one code module, in mm (at least [`MIN_MODULE_MM`]).
    pub module_mm: f32,
    /// Flat face kept free round the label, in mm.
    pub margin_mm: f32,
    /// Where the label's centre goes, in mm along the label's own x (the
    /// reading direction) and y, from the centre of the face (the centre of
    /// the bounding box of its largest flat region).
    pub offset_mm: [f32; 2],
    /// The reading direction, counter-clockwise seen from outside, in
    /// degrees from the model's X axis as seen on the face (from Z when the
    /// face looks along X).
    pub rotation_deg: f32,
    /// How far a letter's straight segments may stray from its curves, in mm.
    pub tolerance_mm: f32,
}

impl<'a> LabelOptions<'a> {
    /// An embossed label of `text` on `face`: 4 mm letters, 0.6 mm deep,
    /// no code, 0.8 mm modules, a 1 mm margin, centred, curves within 0.02 mm.
    pub fn new(font: &'a [u8], text: impl Into<String>, face: Plane) -> Self {
        LabelOptions {
            font,
            text: text.into(),
            code: String::new(),
            face,
            relief: Relief::Emboss,
            letter_height_mm: 4.0,
            depth_mm: 0.6,
            module_mm: 0.8,
            margin_mm: 1.0,
            offset_mm: [0.0; 2],
            rotation_deg: 0.0,
            tolerance_mm: 0.02,
        }
    }
}

impl std::fmt::Debug for LabelOptions<'_> {
    /// Everything but the font's bytes, of which only the length.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabelOptions")
            .field("font", &format_args!("<{} bytes>", self.font.len()))
            .field("text", &self.text)
            .field("code", &self.code)
            .field("face", &self.face)
            .field("relief", &self.relief)
            .field("letter_height_mm", &self.letter_height_mm)
            .field("depth_mm", &self.depth_mm)
            .field("module_mm", &self.module_mm)
            .field("margin_mm", &self.margin_mm)
            .field("offset_mm", &self.offset_mm)
            .field("rotation_deg", &self.rotation_deg)
            .field("tolerance_mm", &self.tolerance_mm)
            .finish()
    }
}
