//! Reading meshes from bytes: format detection, the readers, and what they
//! report.
//!
//! Invariant: `read` and `read_as` never panic and never return a silently
//! partial mesh; anything they cannot read fully is an error, and anything
//! they read but had to overlook is a warning.

mod colour;
mod decimal;
mod obj;
mod parts;
mod ply;
mod probe;
mod stl_ascii;
mod stl_binary;
mod threemf;
mod weld;

use std::ops::Range;

pub use threemf::{ThreeMfObject, ThreeMfWriteError, write_3mf};

use crate::IndexedMesh;

/// About the most memory reading a file of `len` bytes that starts with
/// `head` takes at once, the file's bytes included: a 3MF package its
/// largest unpacked part besides (bounded, see `threemf`), any file about
/// twice its size (measured: a 50 MB binary STL peaks near 80 MB). For a
/// server to bound how many files it reads at once.
pub fn read_memory_bound(head: &[u8], len: u64) -> u64 {
    let own = len.saturating_mul(2);
    if head.starts_with(b"PK\x03\x04") {
        own.saturating_add(threemf::part_budget(usize::try_from(len).unwrap_or(usize::MAX)))
    } else {
        own
    }
}

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
    Ply,
    ThreeMf,
}

impl SourceFormat {
    /// A stable name for scripts and APIs: `binary_stl`, `ascii_stl`, `obj`, `ply`, `3mf`.
    pub fn id(self) -> &'static str {
        match self {
            SourceFormat::BinaryStl => "binary_stl",
            SourceFormat::AsciiStl => "ascii_stl",
            SourceFormat::Obj => "obj",
            SourceFormat::Ply => "ply",
            SourceFormat::ThreeMf => "3mf",
        }
    }
}

impl std::fmt::Display for SourceFormat {
    /// The name people know the format by.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SourceFormat::BinaryStl => "binary STL",
            SourceFormat::AsciiStl => "ASCII STL",
            SourceFormat::Obj => "OBJ",
            SourceFormat::Ply => "PLY",
            SourceFormat::ThreeMf => "3MF",
        })
    }
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
    #[error("the PLY header has no `end_header` line; the file is truncated or damaged — export it again")]
    PlyNoEndHeader,
    #[error("PLY header, line {line}: {problem}; fix or export the file again")]
    PlyHeader { line: usize, problem: String },
    #[error(
        "PLY format `{format}` is not one Trayforge reads (ascii, binary_little_endian or binary_big_endian); export the model again as binary PLY or STL"
    )]
    PlyFormat { format: String },
    #[error(
        "the PLY vertices have no `{missing}` property, so their positions are unknown; export the model again with vertex positions"
    )]
    PlyNoPosition { missing: &'static str },
    #[error("the PLY faces have no `vertex_indices` list; export the model again as a triangle mesh")]
    PlyNoFaceIndices,
    #[error(
        "PLY declares {declared} {elements} but the file ends after {read}; the file is truncated — export it again"
    )]
    PlyTruncated { elements: String, declared: usize, read: usize },
    #[error(
        "vertex {vertex} (counting from 0) has a coordinate that is not a finite number (NaN, infinity, or beyond single precision); the exporter wrote a broken model — export it again"
    )]
    NonFiniteVertex { vertex: usize },
    #[error(
        "PLY face {face} (counting from 0) refers to vertex {index}, but the file has only {vertices} vertices, counted from 0; the file is damaged — export it again"
    )]
    PlyIndexOutOfRange { face: usize, index: i64, vertices: usize },
    #[error(
        "PLY {element} {number} (counting from 0) has a list of {length} values; the file is damaged — export it again"
    )]
    PlyListLength { element: String, number: usize, length: i64 },
    #[error("the 3MF package is damaged ({problem}); export it again")]
    ThreeMfPackage { problem: String },
    #[error("the 3MF package has no 3D model part; export it again")]
    ThreeMfNoModel,
    #[error("3MF part `{part}`, line {line}, column {column}: {problem}; fix or export the file again")]
    ThreeMfModel { part: String, line: usize, column: usize, problem: String },
    #[error(
        "the 3MF model uses {feature}, which Trayforge cannot read; export it as a plain 3MF (meshes only) or as STL"
    )]
    ThreeMfUnsupported { feature: String },
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
    #[error("{count} PLY faces with fewer than three vertices were skipped")]
    ShortFacesSkipped { count: usize },
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
    read_as(bytes, detect_format(bytes)?)
}

/// The format [`read`] would read the bytes as, or why it would read none
/// (an empty file, a PDF, text that is no mesh format …).
pub fn detect_format(bytes: &[u8]) -> Result<SourceFormat, ReadError> {
    probe::probe(bytes)
}

/// Reads the bytes as `format`, without detecting it: for callers that
/// know the format already. Whatever the bytes hold, the answer is a mesh
/// or that format's error, as from [`read`].
pub fn read_as(bytes: &[u8], format: SourceFormat) -> Result<ReadOutcome, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let mut outcome = match format {
        SourceFormat::BinaryStl => stl_binary::read(bytes)?,
        SourceFormat::AsciiStl => stl_ascii::read(bytes)?,
        SourceFormat::Obj => {
            let (mesh, warnings) = obj::read(bytes)?;
            ReadOutcome::single_body(mesh, SourceFormat::Obj, warnings)
        }
        SourceFormat::Ply => {
            let (mesh, colors, warnings) = ply::read(bytes)?;
            ReadOutcome { colors, ..ReadOutcome::single_body(mesh, SourceFormat::Ply, warnings) }
        }
        SourceFormat::ThreeMf => {
            let (mesh, warnings) = threemf::read(bytes)?;
            ReadOutcome::single_body(mesh, SourceFormat::ThreeMf, warnings)
        }
    };
    if outcome.mesh.is_empty() {
        outcome.warnings.push(ReadWarning::NoTriangles);
    }
    Ok(outcome)
}
