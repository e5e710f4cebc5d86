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
//! Neighbouring letters never touch: a kerning pair that would make them
//! touch is left out, and letters whose outlines touch even so (bold "KX",
//! arm to arm) are moved apart by a fiftieth of a letter height at a time,
//! until at least twice the curve tolerance lies between them. Touching
//! letters would make one relief of two outlines that cross.
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

/// How far a letter touching the one before it is moved right at a time, in letter heights …
const NUDGE: f64 = 0.02;
/// … and at most how many times.
const MAX_NUDGES: usize = 25;

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
    let gap = 2.0 * tolerance_mm;
    let mut contours = Vec::new();
    for (line_number, line) in text.lines().enumerate() {
        let baseline = -(line_number as f64) * LINE_SPACING * letter_height_mm;
        let mut pen = 0.0;
        let mut previous: Option<GlyphId> = None;
        let mut previous_contours: Vec<Contour> = Vec::new();
        for character in line.chars() {
            let glyph = face.glyph_index(character).ok_or(LabelError::MissingGlyph { character })?;
            let kern = previous.map_or(0.0, |left| f64::from(kerning(&face, left, glyph)) * scale);
            let mut glyph_contours = outline(&face, glyph, [pen, baseline], scale, tolerance_mm);
            // Kerned if that keeps the letters apart, else not; and letters
            // that touch even so (bold "KX") are moved apart a little.
            let mut shift = kern;
            if kern != 0.0 && !apart(&shifted(&glyph_contours, kern), &previous_contours, gap) {
                shift = 0.0;
            }
            for _ in 0..MAX_NUDGES {
                if apart(&shifted(&glyph_contours, shift), &previous_contours, gap) {
                    break;
                }
                shift += NUDGE * letter_height_mm;
            }
            glyph_contours = shifted(&glyph_contours, shift);
            pen += shift;
            if !glyph_contours.is_empty() {
                previous_contours.clone_from(&glyph_contours);
            }
            contours.extend(glyph_contours);
            pen += f64::from(face.glyph_hor_advance(glyph).unwrap_or(0)) * scale;
            previous = Some(glyph);
        }
    }
    Ok(contours)
}

/// A glyph's contours placed at `origin`, each running with the glyph on its left
/// (none for a glyph without an outline, such as a space).
fn outline(face: &Face<'_>, glyph: GlyphId, origin: [f64; 2], scale: f64, tolerance: f64) -> Vec<Contour> {
    let mut builder = FlatteningBuilder::new(origin, scale, tolerance);
    if face.outline_glyph(glyph, &mut builder).is_none() {
        return Vec::new();
    }
    let mut contours = builder.contours;
    if contours.iter().map(|c| twice_area(c)).sum::<f64>() < 0.0 {
        contours.iter_mut().for_each(|c| c.reverse());
    }
    contours
}

/// `contours` moved `by` mm along x.
fn shifted(contours: &[Contour], by: f64) -> Vec<Contour> {
    contours.iter().map(|c| c.iter().map(|&[x, y]| [x + by, y]).collect()).collect()
}

/// Whether two glyphs' outlines keep more than `gap` apart (and neither lies inside the other).
fn apart(a: &[Contour], b: &[Contour], gap: f64) -> bool {
    let edges = |contours: &[Contour]| -> Vec<([f64; 2], [f64; 2])> {
        contours.iter().flat_map(|c| (0..c.len()).map(move |i| (c[i], c[(i + 1) % c.len()]))).collect()
    };
    let (a_edges, b_edges) = (edges(a), edges(b));
    let close = a_edges.iter().any(|&(p, q)| b_edges.iter().any(|&(r, s)| segment_distance(p, q, r, s) <= gap));
    let inside = |point: Option<&[f64; 2]>, edges: &[([f64; 2], [f64; 2])]| {
        point.is_some_and(|&p| {
            edges
                .iter()
                .filter(|&&(q, r)| {
                    (q[1] > p[1]) != (r[1] > p[1]) && p[0] < q[0] + (p[1] - q[1]) / (r[1] - q[1]) * (r[0] - q[0])
                })
                .count()
                % 2
                == 1
        })
    };
    !close
        && !inside(a.first().and_then(|c| c.first()), &b_edges)
        && !inside(b.first().and_then(|c| c.first()), &a_edges)
}

/// The distance between the segments `p → q` and `r → s` (0 when they cross).
fn segment_distance(p: [f64; 2], q: [f64; 2], r: [f64; 2], s: [f64; 2]) -> f64 {
    let orient = |a: [f64; 2], b: [f64; 2], c: [f64; 2]| (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    let crosses = orient(p, q, r) * orient(p, q, s) < 0.0 && orient(r, s, p) * orient(r, s, q) < 0.0;
    if crosses {
        return 0.0;
    }
    let to_segment = |x: [f64; 2], a: [f64; 2], b: [f64; 2]| {
        let d = [b[0] - a[0], b[1] - a[1]];
        let length = d[0] * d[0] + d[1] * d[1];
        let t =
            if length > 0.0 { (((x[0] - a[0]) * d[0] + (x[1] - a[1]) * d[1]) / length).clamp(0.0, 1.0) } else { 0.0 };
        ((x[0] - a[0] - t * d[0]).powi(2) + (x[1] - a[1] - t * d[1]).powi(2)).sqrt()
    };
    to_segment(p, r, s).min(to_segment(q, r, s)).min(to_segment(r, p, q)).min(to_segment(s, p, q))
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
