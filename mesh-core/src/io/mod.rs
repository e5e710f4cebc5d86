//! Reading meshes from bytes: format detection, the readers, and what they
//! report.
//!
//! Invariant: `read` never panics and never returns a silently partial mesh;
//! anything it cannot read fully is an error, and anything it read but had
//! to overlook is a warning.

mod colour;
mod obj;
mod parts;
mod probe;
mod stl_ascii;
mod stl_binary;
mod weld;

use std::ops::Range;

use crate::IndexedMesh;

/// A colour as 8-bit red, green, blue.
pub type Rgb = [u8; 3];

/// A named part of a file (an ASCII STL `solid`): a run of the mesh's triangles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// As written in the file; empty when it has none.
    pub name: String,
    pub triangles: Range<usize>,
}

/// The file format a mesh was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    BinaryStl,
    AsciiStl,
    Obj,
}

/// A mesh read from bytes, with what the reader noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOutcome {
    pub mesh: IndexedMesh,
    pub format: SourceFormat,
    /// The file's parts in file order; together they hold every triangle once.
    /// Formats without parts give one unnamed body.
    pub bodies: Vec<Body>,
    /// One colour per triangle, when the file gives colours.
    pub colors: Option<Vec<Rgb>>,
    pub warnings: Vec<ReadWarning>,
}

/// Why a file could not be read. Each message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty (0 bytes); export the model again")]
    Empty,
    #[error(
        "the file ends after {len} bytes, inside the 80-byte binary STL header, before the triangle count; the export was cut short — export it again"
    )]
    HeaderWithoutCount { len: usize },
    #[error("binary STL declares {declared} triangles but holds {held}; the file is truncated — export it again")]
    Truncated { declared: u32, held: usize },
    #[error(
        "triangle {triangle} has a coordinate that is not a finite number (NaN or infinity); the exporter wrote a broken model — export it again"
    )]
    NonFiniteCoordinate { triangle: usize },
    #[error("{format}, line {line}, column {column}: {problem}; fix or export the file again")]
    AsciiSyntax { format: &'static str, line: usize, column: usize, problem: String },
    #[error(
        "ASCII STL ends at line {line} inside a facet (expected {expected}); the file is truncated — export it again"
    )]
    UnexpectedEnd { line: usize, expected: &'static str },
    #[error("this is not an STL file ({what}); choose the .stl export of the model")]
    NotStl { what: &'static str },
}

/// Something the reader overlooked while reading a usable mesh.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadWarning {
    #[error("{count} bytes after the last declared triangle were ignored")]
    TrailingBytes { count: usize },
    #[error("the file holds no triangles")]
    NoTriangles,
    #[error("the ASCII STL has no closing `endsolid`")]
    MissingEndsolid,
}

impl ReadOutcome {
    /// The outcome of a format without parts or colours.
    fn single_body(mesh: IndexedMesh, format: SourceFormat, warnings: Vec<ReadWarning>) -> Self {
        let bodies = vec![Body { name: String::new(), triangles: 0..mesh.triangle_count() }];
        ReadOutcome { mesh, format, bodies, colors: None, warnings }
    }
}

/// The mesh as binary STL (our own header, normals from the corners).
pub fn write_binary_stl(mesh: &IndexedMesh) -> Vec<u8> {
    stl_binary::write(mesh)
}

/// The mesh as ASCII STL, one `solid` named `name`.
pub fn write_ascii_stl(mesh: &IndexedMesh, name: &str) -> String {
    stl_ascii::write(mesh, name)
}

/// The unit normal of a face by the right-hand rule, or zero for a degenerate face.
fn face_normal([a, b, c]: [[f32; 3]; 3]) -> [f32; 3] {
    let u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    let v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    let n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    let length = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
    if length > 0.0 && length.is_finite() { n.map(|c| c / length) } else { [0.0; 3] }
}

/// Reads a mesh from the bytes of a file, detecting its format from the
/// content (never from a name, and never fooled by a binary STL whose header
/// starts with `solid`).
pub fn read(bytes: &[u8]) -> Result<ReadOutcome, ReadError> {
    let mut outcome = match probe::probe(bytes)? {
        probe::Format::BinaryStl => stl_binary::read(bytes)?,
        probe::Format::AsciiStl => stl_ascii::read(bytes)?,
        probe::Format::Obj => {
            let (mesh, warnings) = obj::read(bytes)?;
            ReadOutcome::single_body(mesh, SourceFormat::Obj, warnings)
        }
    };
    if outcome.mesh.is_empty() {
        outcome.warnings.push(ReadWarning::NoTriangles);
    }
    Ok(outcome)
}
