//! The label's 2D code: a Data Matrix (ECC 200) symbol of the payload, as
//! a grid of dark modules. Data Matrix is the denser of the common 2D codes
//! for short identifiers (an 11-character case, arch and stage id fits a
//! 16 × 16 symbol), and its finder pattern reads at any rotation.

use datamatrix::{DataMatrix, SymbolList};

use super::error::LabelError;

/// A symbol's modules, row 0 at the top (as a reader sees it), `true` dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModuleGrid {
    pub(crate) columns: usize,
    pub(crate) rows: usize,
    dark: Vec<bool>,
}

impl ModuleGrid {
    pub(crate) fn new(columns: usize, rows: usize, dark: Vec<bool>) -> Self {
        debug_assert_eq!(dark.len(), columns * rows, "one entry per module");
        ModuleGrid { columns, rows, dark }
    }

    /// Whether the module at column `x`, row `y` from the top is dark; outside the grid is light.
    pub(crate) fn is_dark(&self, x: i64, y: i64) -> bool {
        if x < 0 || y < 0 || x >= self.columns as i64 || y >= self.rows as i64 {
            return false;
        }
        self.dark[y as usize * self.columns + x as usize]
    }
}

/// The smallest square Data Matrix symbol holding `payload`.
pub(crate) fn data_matrix(payload: &str) -> Result<ModuleGrid, LabelError> {
    let symbol = DataMatrix::encode_str(payload, SymbolList::default().enforce_square())
        .map_err(|_| LabelError::CodeUnencodable { length: payload.chars().count() })?;
    let bitmap = symbol.bitmap();
    let (columns, rows) = (bitmap.width(), bitmap.height());
    let mut dark = vec![false; columns * rows];
    for (x, y) in bitmap.pixels() {
        dark[y * columns + x] = true;
    }
    Ok(ModuleGrid::new(columns, rows, dark))
}
