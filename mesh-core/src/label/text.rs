//! Lines of text as polygons in millimetres, from a TrueType/OpenType font
//! given as bytes (the app fetches DejaVu Sans Bold when it needs it; the
//! crate never embeds a font).
//!
//! The letter height is the height of a capital letter (the font's cap
//! height), so "4 mm letters" measure 4 mm on the model. Letters advance
//! by their horizontal advance plus the font's `kern` table pairs (the
//! horizontal, non-variable subtables); `GPOS` kerning is not applied.
//! Lines go down from the first, 1.4 letter heights apart.
//!
//! Every glyph's contours come out with the glyph on their left
//! (counter-clockwise outer contours, clockwise holes), whatever the
//! font's convention: a glyph whose contours add up to a negative area is
//! turned round.

use ttf_parser::{Face, GlyphId};

use super::error::LabelError;
use super::flatten::{Contour, FlatteningBuilder, twice_area};

/// Distance between baselines, in letter heights.
const LINE_SPACING: f64 = 1.4;

/// The contours of `text` (lines split at `\n`), the first baseline at y = 0, starting at x = 0.
pub(crate) fn text_contours(
    font: &[u8],
    text: &str,
    letter_height_mm: f64,
    tolerance_mm: f64,
) -> Result<Vec<Contour>, LabelError> {
    let face = Face::parse(font, 0).map_err(|e| LabelError::UnreadableFont { reason: e.to_string() })?;
    let cap_height = face
        .capital_height()
        .filter(|&h| h > 0)
        .map(f64::from)
        .or_else(|| capital_h_height(&face))
        .unwrap_or(0.7 * f64::from(face.units_per_em()));
    let scale = letter_height_mm / cap_height;
    let mut contours = Vec::new();
    for (line_number, line) in text.lines().enumerate() {
        let baseline = -(line_number as f64) * LINE_SPACING * letter_height_mm;
        let mut pen = 0.0;
        let mut previous: Option<GlyphId> = None;
        for character in line.chars() {
            let glyph = face.glyph_index(character).ok_or(LabelError::MissingGlyph { character })?;
            if let Some(left) = previous {
                pen += f64::from(kerning(&face, left, glyph)) * scale;
            }
            let mut builder = FlatteningBuilder::new([pen, baseline], scale, tolerance_mm);
            // A glyph without an outline (a space) only advances.
            if face.outline_glyph(glyph, &mut builder).is_some() {
                let mut glyph_contours = builder.contours;
                if glyph_contours.iter().map(|c| twice_area(c)).sum::<f64>() < 0.0 {
                    glyph_contours.iter_mut().for_each(|c| c.reverse());
                }
                contours.extend(glyph_contours);
            }
            pen += f64::from(face.glyph_hor_advance(glyph).unwrap_or(0)) * scale;
            previous = Some(glyph);
        }
    }
    Ok(contours)
}

/// The height of the capital H's outline, for fonts without a cap height.
fn capital_h_height(face: &Face<'_>) -> Option<f64> {
    let glyph = face.glyph_index('H')?;
    let bounds = face.glyph_bounding_box(glyph)?;
    (bounds.y_max > 0).then(|| f64::from(bounds.y_max))
}

/// The `kern` table's adjustment between two glyphs, in font units.
fn kerning(face: &Face<'_>, left: GlyphId, right: GlyphId) -> i16 {
    let Some(kern) = face.tables().kern else { return 0 };
    kern.subtables
        .into_iter()
        .filter(|s| s.horizontal && !s.variable && !s.has_cross_stream)
        .filter_map(|s| s.glyphs_kerning(left, right))
        .fold(0i16, |sum, k| sum.saturating_add(k))
}
