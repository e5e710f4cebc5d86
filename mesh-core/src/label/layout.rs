//! The label block: the text's lines on the left, the Data Matrix (with its
//! one-module quiet zone) on the right, both centred on the block's middle
//! line, and a margin of flat face all round. Coordinates are the label's
//! own: x along the text, y up, the block's centre at the origin.

use super::code::data_matrix;
use super::error::LabelError;
use super::flatten::{Contour, twice_area};
use super::text::text_contours;
use super::trace::trace_modules;
use super::{LabelOptions, MIN_MODULE_MM};

/// The label laid out, before it is put on a model.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelShape {
    /// The outlines of the relief in mm, each with its region on the left
    /// (counter-clockwise round letters and modules, clockwise round holes).
    pub contours: Vec<Vec<[f64; 2]>>,
    /// The block with its margin, width and height in mm: what must fit on the face.
    pub size_mm: [f64; 2],
    /// Where the code's modules lie, when there is a code.
    pub code: Option<CodePlacement>,
}

impl LabelShape {
    /// The area of the relief's outline (letters and dark modules), in mm².
    pub fn area_mm2(&self) -> f64 {
        self.contours.iter().map(|c| twice_area(c)).sum::<f64>() / 2.0
    }
}

/// The Data Matrix's grid in the label's coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodePlacement {
    /// The symbol's top-left corner (its first row is the top one), in mm.
    pub top_left_mm: [f64; 2],
    pub module_mm: f64,
    pub columns: usize,
    pub rows: usize,
}

/// Lays out `options`' text and code (the face and placement are not used here).
pub fn label_shape(options: &LabelOptions<'_>) -> Result<LabelShape, LabelError> {
    let letter_height = options.letter_height_mm;
    if !(letter_height.is_finite() && letter_height > 0.0) {
        return Err(LabelError::LetterHeight { got: letter_height });
    }
    let margin = options.margin_mm;
    if !(margin.is_finite() && margin >= 0.0) {
        return Err(LabelError::Margin { got: margin });
    }
    let tolerance = options.tolerance_mm;
    if !(tolerance.is_finite() && tolerance > 0.0) {
        return Err(LabelError::Tolerance { got: tolerance });
    }
    let module = options.module_mm;
    let module_readable = module.is_finite() && module >= MIN_MODULE_MM;
    if !options.code.is_empty() && !module_readable {
        return Err(LabelError::ModuleTooSmall { got: module, min: MIN_MODULE_MM });
    }
    let mut text = if options.text.trim().is_empty() {
        Vec::new()
    } else {
        text_contours(options.font, &options.text, f64::from(letter_height), f64::from(tolerance))?
    };
    let text_box = bounds(&text);
    let code = if options.code.is_empty() { None } else { Some(data_matrix(&options.code)?) };
    if text_box.is_none() && code.is_none() {
        return Err(LabelError::Empty);
    }

    let module = f64::from(module);
    // The text's box, then the code's (quiet zone included) two modules to its right.
    let (text_min, text_max) = text_box.unwrap_or(([0.0; 2], [0.0; 2]));
    let text_size = [text_max[0] - text_min[0], text_max[1] - text_min[1]];
    let (code_size, gap) = match &code {
        Some(grid) => ([(grid.columns + 2) as f64 * module, (grid.rows + 2) as f64 * module], {
            if text_box.is_some() { module } else { 0.0 }
        }),
        None => ([0.0; 2], 0.0),
    };
    let block = [text_size[0] + gap + code_size[0], text_size[1].max(code_size[1])];
    // Text moved so the block's left edge is at −block/2 and its middle line at y = 0.
    let shift = [-block[0] / 2.0 - text_min[0], -(text_min[1] + text_max[1]) / 2.0];
    for contour in &mut text {
        for p in contour.iter_mut() {
            *p = [p[0] + shift[0], p[1] + shift[1]];
        }
    }
    let mut contours = text;
    let placement = code.map(|grid| {
        let left = -block[0] / 2.0 + text_size[0] + gap + module;
        let bottom = -(grid.rows as f64) * module / 2.0;
        contours.extend(
            trace_modules(&grid)
                .into_iter()
                .map(|c| c.into_iter().map(|[x, y]| [left + x * module, bottom + y * module]).collect::<Contour>()),
        );
        CodePlacement { top_left_mm: [left, -bottom], module_mm: module, columns: grid.columns, rows: grid.rows }
    });
    let margin = f64::from(margin);
    Ok(LabelShape { contours, size_mm: [block[0] + 2.0 * margin, block[1] + 2.0 * margin], code: placement })
}

/// The box round all the contours' points, or `None` when there are none.
fn bounds(contours: &[Contour]) -> Option<([f64; 2], [f64; 2])> {
    let mut points = contours.iter().flatten();
    let first = *points.next()?;
    Some(
        points.fold((first, first), |(lo, hi), p| {
            ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
        }),
    )
}
