//! ASCII STL: `solid` blocks of `facet normal … outer loop vertex ×3 endloop
//! endfacet`, keywords in any case, any whitespace (CRLF, tabs), several
//! solids per file (all kept, each a body), an optional UTF-8 byte order mark.
//!
//! Large files are read in parts cut where a line starts with `facet`, one
//! part per core. A part cannot know how the file reads before it, so the
//! parts are accepted only when each one but the last ends inside a solid
//! and all of them read cleanly; anything else is read again in one go,
//! which gives the exact error. Line and column are worked out only for an
//! error, from its byte offset: counting lines costs as much as reading.

use super::weld::Welder;
use super::{ReadError, ReadOutcome, ReadWarning, SourceFormat, decimal, parts};
use crate::{Body, IndexedMesh};

/// The mesh of every solid, and each solid as a body named as in the file.
pub(crate) fn read(bytes: &[u8]) -> Result<ReadOutcome, ReadError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let starts = part_starts(text, parts::count(text.len()));
    if starts.len() > 1 {
        let chunks: Vec<&[u8]> =
            starts.iter().zip(starts.iter().skip(1).chain([&text.len()])).map(|(&a, &b)| &text[a..b]).collect();
        let read: Result<Vec<Part>, Problem> =
            parts::read_each(&chunks, |index, chunk| read_part(chunk, index > 0)).into_iter().collect();
        // Every part but the last must end inside a solid, as the next one assumed.
        if let Ok(read) = read
            && read.iter().rev().skip(1).all(|part| part.ends_inside_solid)
        {
            return Ok(join(read));
        }
    }
    read_part(text, false).map(|part| join(vec![part])).map_err(|problem| problem.into_error(text))
}

/// Where the parts begin: 0, then the start of the first line that begins
/// with `facet` after each even share of the text.
fn part_starts(text: &[u8], parts: usize) -> Vec<usize> {
    let mut starts = vec![0];
    for k in 1..parts {
        let from = (text.len() * k / parts).max(starts[starts.len() - 1] + 1);
        if let Some(at) = next_facet_line(text, from) {
            starts.push(at);
        }
    }
    starts.dedup();
    starts
}

fn next_facet_line(text: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        at += text.get(at..)?.iter().position(|&b| b == b'\n')? + 1;
        let line = &text[at..];
        let indent = line.iter().position(|&b| b != b' ' && b != b'\t')?;
        if line.get(indent..indent + 6).is_some_and(|w| w[..5].eq_ignore_ascii_case(b"facet") && is_space(w[5])) {
            return Some(at + indent);
        }
    }
}

/// What one part read, in its own numbering.
struct Part {
    welder: Welder,
    triangles: usize,
    /// Each `solid` the part opened: its name and first triangle.
    solids: Vec<(String, usize)>,
    /// The part ended inside a solid (no `endsolid` yet).
    ends_inside_solid: bool,
}

/// The parts in order, as one mesh (they fit together: see `read`).
fn join(parts: Vec<Part>) -> ReadOutcome {
    let mut welder: Option<Welder> = None;
    let mut starts: Vec<(String, usize)> = Vec::new();
    let mut ends_inside_solid = false;
    let mut triangles = 0;
    for part in parts {
        starts.extend(part.solids.into_iter().map(|(name, first)| (name, triangles + first)));
        triangles += part.triangles;
        ends_inside_solid = part.ends_inside_solid;
        match &mut welder {
            Some(welder) => welder.append(part.welder),
            None => welder = Some(part.welder),
        }
    }
    let mesh = welder.map(Welder::finish).unwrap_or_default();
    let bodies = starts
        .iter()
        .enumerate()
        .map(|(i, (name, first))| {
            let end = starts.get(i + 1).map_or(triangles, |(_, next)| *next);
            Body { name: name.clone(), triangles: *first..end }
        })
        .collect();
    let warnings = if ends_inside_solid { vec![ReadWarning::MissingEndsolid] } else { Vec::new() };
    ReadOutcome { mesh, format: SourceFormat::AsciiStl, bodies, colors: None, warnings }
}

/// What went wrong in a part, by byte offset within it; made into a
/// [`ReadError`] against the whole text only when read in one go.
#[derive(Debug)]
enum Problem {
    Unexpected { at: usize, len: usize, expected: &'static str },
    NotANumber { at: usize, len: usize },
    NonFinite { triangle: usize },
    End { expected: &'static str },
}

impl Problem {
    fn into_error(self, text: &[u8]) -> ReadError {
        let syntax = |at: usize, problem: String| {
            let line_start = text[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            ReadError::AsciiSyntax {
                format: "ASCII STL",
                line: line_of(text, at),
                column: at - line_start + 1,
                problem,
            }
        };
        match self {
            Problem::Unexpected { at, len, expected } => {
                syntax(at, format!("expected {expected}, found `{}`", shown(&text[at..at + len])))
            }
            Problem::NotANumber { at, len } => syntax(at, format!("`{}` is not a number", shown(&text[at..at + len]))),
            Problem::NonFinite { triangle } => ReadError::NonFiniteCoordinate { triangle },
            Problem::End { expected } => ReadError::UnexpectedEnd { line: line_of(text, text.len()), expected },
        }
    }
}

/// The line (from 1) holding byte `at`.
fn line_of(text: &[u8], at: usize) -> usize {
    1 + text[..at].iter().filter(|&&b| b == b'\n').count()
}

/// Reads facets and solids from `text`; `inside_solid` when the part starts
/// after a `solid` line that an earlier part read.
fn read_part(text: &[u8], inside_solid: bool) -> Result<Part, Problem> {
    // About 210 bytes per facet in typical exports.
    let mut welder = Welder::with_capacity(text.len() / 210);
    let mut cursor = Cursor { text, at: 0 };
    let mut solids = Vec::new();
    let mut triangles = 0;
    let mut inside = inside_solid;
    loop {
        if !inside {
            if !cursor.skip_whitespace() {
                break;
            }
            cursor.keyword(b"solid", "`solid`")?;
            let name = String::from_utf8_lossy(cursor.rest_of_line()).trim().to_owned();
            solids.push((name, triangles));
            inside = true;
        }
        let Some((at, word)) = cursor.word() else {
            break;
        };
        if word.eq_ignore_ascii_case(b"endsolid") {
            cursor.rest_of_line();
            inside = false;
            continue;
        }
        if !word.eq_ignore_ascii_case(b"facet") {
            return Err(Problem::Unexpected { at, len: word.len(), expected: "`facet` or `endsolid`" });
        }
        triangles += 1;
        cursor.keyword(b"normal", "`normal`")?;
        // The normal is recomputed from the corners wherever it is needed, so
        // it is skipped unread: exporters write `nan` there for flat faces.
        for _ in 0..3 {
            cursor.word().ok_or(Problem::End { expected: "a number" })?;
        }
        cursor.keyword(b"outer", "`outer`")?;
        cursor.keyword(b"loop", "`loop`")?;
        let mut corners = [[0.0; 3]; 3];
        for corner in &mut corners {
            cursor.keyword(b"vertex", "`vertex`")?;
            *corner = cursor.point().map_err(|p| p.in_triangle(triangles))?;
        }
        cursor.keyword(b"endloop", "`endloop`")?;
        cursor.keyword(b"endfacet", "`endfacet`")?;
        welder.push_triangle(corners);
    }
    Ok(Part { welder, triangles, solids, ends_inside_solid: inside })
}

impl Problem {
    /// A non-finite number is reported with the triangle it belongs to.
    fn in_triangle(self, triangle: usize) -> Problem {
        match self {
            Problem::NonFinite { .. } => Problem::NonFinite { triangle },
            other => other,
        }
    }
}

/// ASCII whitespace (space, tab, LF, VT, FF, CR) as bits of a mask.
const SPACE: u64 = 1 << b' ' | 1 << b'\t' | 1 << b'\n' | 1 << 0x0b | 1 << 0x0c | 1 << b'\r';

#[inline]
fn is_space(byte: u8) -> bool {
    byte < 64 && SPACE >> byte & 1 != 0
}

/// A position in the text.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// Skips whitespace; false at the end of the text.
    #[inline]
    fn skip_whitespace(&mut self) -> bool {
        while let Some(&byte) = self.text.get(self.at) {
            if !is_space(byte) {
                return true;
            }
            self.at += 1;
        }
        false
    }

    /// Moves past the rest of the line (a solid's name), whatever it holds, and returns it.
    fn rest_of_line(&mut self) -> &'a [u8] {
        let start = self.at;
        let len = self.text[start..].iter().position(|&b| b == b'\n').unwrap_or(self.text.len() - start);
        self.at = (start + len + 1).min(self.text.len());
        &self.text[start..start + len]
    }

    /// The next word and where it starts.
    #[inline]
    fn word(&mut self) -> Option<(usize, &'a [u8])> {
        if !self.skip_whitespace() {
            return None;
        }
        let start = self.at;
        while self.text.get(self.at).is_some_and(|&b| !is_space(b)) {
            self.at += 1;
        }
        Some((start, &self.text[start..self.at]))
    }

    /// Reads the next word and checks it is `keyword` (lower-case letters), in any case.
    #[inline]
    fn keyword<const N: usize>(&mut self, keyword: &[u8; N], expected: &'static str) -> Result<(), Problem> {
        if !self.skip_whitespace() {
            return Err(Problem::End { expected });
        }
        let rest = &self.text[self.at..];
        let len = N;
        // Setting bit 5 lower-cases an ASCII letter and turns no other byte
        // into a lower-case letter.
        let letters_match = match rest.first_chunk::<8>() {
            // Eight bytes at once, keeping the keyword's length of them.
            Some(head) if len <= 8 => {
                let mut wanted = [0u8; 8];
                wanted[..len].copy_from_slice(keyword);
                let kept = u64::MAX >> (64 - 8 * len as u32);
                (u64::from_le_bytes(*head) | 0x2020_2020_2020_2020) & kept == u64::from_le_bytes(wanted)
            }
            _ => rest.len() >= len && keyword.iter().zip(rest).all(|(k, b)| b | 0x20 == *k),
        };
        let matches = letters_match && rest.get(len).is_none_or(|&b| is_space(b));
        if matches {
            self.at += len;
            return Ok(());
        }
        let (at, word) = self.word().ok_or(Problem::End { expected })?;
        Err(Problem::Unexpected { at, len: word.len(), expected })
    }

    #[inline]
    fn point(&mut self) -> Result<[f32; 3], Problem> {
        let mut point = [0.0; 3];
        for coordinate in &mut point {
            if !self.skip_whitespace() {
                return Err(Problem::End { expected: "a number" });
            }
            let at = self.at;
            let rest = &self.text[at..];
            let value = match decimal::parse(rest) {
                Some((value, len)) if rest.get(len).is_none_or(|&b| is_space(b)) => {
                    self.at += len;
                    value
                }
                _ => {
                    let len = rest.iter().position(|&b| is_space(b)).unwrap_or(rest.len());
                    return Err(Problem::NotANumber { at, len });
                }
            };
            if !value.is_finite() {
                return Err(Problem::NonFinite { triangle: 0 });
            }
            *coordinate = value;
        }
        Ok(point)
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
