//! ASCII STL: `solid` blocks of `facet normal … outer loop vertex ×3 endloop
//! endfacet`, keywords in any case, any whitespace (CRLF, tabs), several
//! solids per file (all kept), an optional UTF-8 byte order mark.

use super::weld::Welder;
use super::{ReadError, ReadWarning};
use crate::{Body, IndexedMesh};

/// The mesh of every solid, and each solid as a body named as in the file.
pub(crate) fn read(bytes: &[u8]) -> Result<(IndexedMesh, Vec<Body>, Vec<ReadWarning>), ReadError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // About 250 bytes per facet in typical exports.
    let mut welder = Welder::with_capacity(text.len() / 250);
    let mut lexer = Lexer::new(text);
    let mut warnings = Vec::new();
    let mut bodies = Vec::new();
    let mut triangle = 0;

    while lexer.skip_whitespace() {
        lexer.keyword("`solid`")?;
        let name = String::from_utf8_lossy(lexer.rest_of_line()).trim().to_owned();
        let first = triangle;
        loop {
            let Some(word) = lexer.word() else {
                warnings.push(ReadWarning::MissingEndsolid);
                bodies.push(Body { name, triangles: first..triangle });
                return Ok((welder.finish(), bodies, warnings));
            };
            if word.text.eq_ignore_ascii_case(b"endsolid") {
                lexer.rest_of_line();
                bodies.push(Body { name, triangles: first..triangle });
                break;
            }
            if !word.text.eq_ignore_ascii_case(b"facet") {
                return Err(lexer.unexpected(&word, "`facet` or `endsolid`"));
            }
            triangle += 1;
            lexer.keyword("`normal`")?;
            lexer.point(triangle)?;
            lexer.keyword("`outer`")?;
            lexer.keyword("`loop`")?;
            let mut corners = [[0.0; 3]; 3];
            for corner in &mut corners {
                lexer.keyword("`vertex`")?;
                *corner = lexer.point(triangle)?;
            }
            lexer.keyword("`endloop`")?;
            lexer.keyword("`endfacet`")?;
            welder.push_triangle(corners);
        }
    }
    Ok((welder.finish(), bodies, warnings))
}

struct Word<'a> {
    text: &'a [u8],
    line: usize,
    column: usize,
}

/// A cursor over the text that knows its line and column, for messages.
struct Lexer<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a [u8]) -> Self {
        Lexer { text, at: 0, line: 1, line_start: 0 }
    }

    /// Skips whitespace; false at the end of the text.
    fn skip_whitespace(&mut self) -> bool {
        while let Some(&byte) = self.text.get(self.at) {
            if byte == b'\n' {
                self.line += 1;
                self.line_start = self.at + 1;
            } else if !byte.is_ascii_whitespace() {
                return true;
            }
            self.at += 1;
        }
        false
    }

    /// Moves past the rest of the line (a solid's name), whatever it holds, and returns it.
    fn rest_of_line(&mut self) -> &'a [u8] {
        let start = self.at;
        match self.text[start..].iter().position(|&b| b == b'\n') {
            Some(offset) => {
                self.at += offset + 1;
                self.line += 1;
                self.line_start = self.at;
                &self.text[start..start + offset]
            }
            None => {
                self.at = self.text.len();
                &self.text[start..]
            }
        }
    }

    fn word(&mut self) -> Option<Word<'a>> {
        if !self.skip_whitespace() {
            return None;
        }
        let start = self.at;
        let len = self.text[start..].iter().position(u8::is_ascii_whitespace).unwrap_or(self.text.len() - start);
        self.at += len;
        Some(Word { text: &self.text[start..start + len], line: self.line, column: start - self.line_start + 1 })
    }

    fn expect_word(&mut self, expected: &'static str) -> Result<Word<'a>, ReadError> {
        self.word().ok_or(ReadError::UnexpectedEnd { line: self.line, expected })
    }

    /// Reads the next word and checks it is `expected` (given in backticks), in any case.
    fn keyword(&mut self, expected: &'static str) -> Result<(), ReadError> {
        let word = self.expect_word(expected)?;
        if word.text.eq_ignore_ascii_case(expected.trim_matches('`').as_bytes()) {
            Ok(())
        } else {
            Err(self.unexpected(&word, expected))
        }
    }

    fn point(&mut self, triangle: usize) -> Result<[f32; 3], ReadError> {
        let mut point = [0.0; 3];
        for coordinate in &mut point {
            let word = self.expect_word("a number")?;
            let value = std::str::from_utf8(word.text)
                .ok()
                .and_then(|s| s.parse::<f32>().ok())
                .ok_or_else(|| self.syntax(&word, format!("`{}` is not a number", shown(word.text))))?;
            if !value.is_finite() {
                return Err(ReadError::NonFiniteCoordinate { triangle });
            }
            *coordinate = value;
        }
        Ok(point)
    }

    fn unexpected(&self, word: &Word<'_>, expected: &str) -> ReadError {
        self.syntax(word, format!("expected {expected}, found `{}`", shown(word.text)))
    }

    fn syntax(&self, word: &Word<'_>, problem: String) -> ReadError {
        ReadError::AsciiSyntax { format: "ASCII STL", line: word.line, column: word.column, problem }
    }
}

/// A word as it can be shown in a message: valid UTF-8, at most 40 characters.
fn shown(text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

/// The mesh as ASCII STL in one `solid`. Coordinates are written in the
/// shortest form that reads back to the same `f32`, so a round trip is exact.
pub(crate) fn write(mesh: &IndexedMesh, name: &str) -> String {
    use std::fmt::Write;
    // A name is one line of plain words.
    let name: String = name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut text = String::with_capacity(mesh.triangles.len() * 260);
    let _ = writeln!(text, "solid {name}");
    for triangle in &mesh.triangles {
        let corners = triangle.map(|i| mesh.positions[i as usize]);
        let [nx, ny, nz] = super::face_normal(corners);
        let _ = writeln!(text, "  facet normal {nx:e} {ny:e} {nz:e}\n    outer loop");
        for [x, y, z] in corners {
            let _ = writeln!(text, "      vertex {x:e} {y:e} {z:e}");
        }
        text.push_str("    endloop\n  endfacet\n");
    }
    let _ = writeln!(text, "endsolid {name}");
    text
}
