//! PLY 1.0 (Stanford polygon files) as intraoral scanners export them: a
//! text header that declares elements and their properties, then every
//! element's values in ASCII or binary of either byte order.
//!
//! Only `vertex` (`x`, `y`, `z`, optional `red`/`green`/`blue`) and `face`
//! (the list `vertex_indices` or `vertex_index`, optional colour) are used;
//! every other property and element (normals, confidence, `edge`,
//! `material` …) is stepped over by its declared type. Polygons become a fan
//! of triangles. Vertices keep the file's order, except that bit-identical
//! positions become one vertex: some exporters split vertices at normal or
//! colour seams, and a model must be closed where its surface is.
//!
//! Binary vertices whose properties all have a fixed size are read through
//! a layout (stride and offsets) worked out once from the header; faces and
//! elements with lists are read value by value. ASCII is read as
//! whitespace-separated tokens whatever the line breaks; line and column are
//! worked out only for an error.
//!
//! Face and vertex numbers in messages count from 0, as face indices do.

mod header;
mod values;

use self::header::{Element, Encoding, Header, Kind, Role, Scalar, Use};
use self::values::{Ascii, Binary, Shortfall, Values, decode};
use super::weld::Welder;
use super::{ReadError, ReadWarning};
use crate::{IndexedMesh, Rgb};

/// The mesh, one colour per triangle when the file has face or vertex
/// colours, and what was overlooked.
type Contents = (IndexedMesh, Option<Vec<Rgb>>, Vec<ReadWarning>);

pub(crate) fn read(bytes: &[u8]) -> Result<Contents, ReadError> {
    let header = Header::parse(bytes)?;
    let mut collector = Collector::new(&header);
    let end = match header.encoding {
        Encoding::Ascii => read_body(&mut Ascii { bytes, at: header.body_start }, &header, &mut collector),
        Encoding::LittleEndian => read_binary::<false>(bytes, &header, &mut collector),
        Encoding::BigEndian => read_binary::<true>(bytes, &header, &mut collector),
    }
    .map_err(|problem| problem.into_error(bytes, &header))?;

    let mut warnings = Vec::new();
    if collector.short_faces > 0 {
        warnings.push(ReadWarning::ShortFacesSkipped { count: collector.short_faces });
    }
    let trailing = match header.encoding {
        Encoding::Ascii => bytes.get(end..).map_or(0, |rest| rest.trim_ascii().len()),
        _ => bytes.len().saturating_sub(end),
    };
    if trailing > 0 {
        warnings.push(ReadWarning::TrailingBytes { count: trailing });
    }
    let colours = collector.triangle_colours();
    let mut triangles = collector.triangles;
    let positions = weld(collector.positions, &mut triangles);
    Ok((IndexedMesh { positions, triangles }, colours, warnings))
}

/// What went wrong in the body, made into a [`ReadError`] with the header at hand.
#[derive(Debug)]
enum Problem {
    Truncated { element: usize, read: usize },
    NotANumber { at: usize, len: usize, integer: bool },
    NonFinite { vertex: usize },
    IndexOutOfRange { face: usize, index: i64 },
    BadListLength { element: usize, number: usize, length: i64 },
}

impl Problem {
    fn into_error(self, bytes: &[u8], header: &Header<'_>) -> ReadError {
        let element = |index: usize| header.elements.get(index);
        match self {
            Problem::Truncated { element: index, read } => ReadError::PlyTruncated {
                elements: element(index).map(Element::plural).unwrap_or_default(),
                declared: element(index).map_or(0, |e| e.count),
                read,
            },
            Problem::NotANumber { at, len, integer } => {
                let before = bytes.get(..at).unwrap_or_default();
                let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let token = shown(bytes.get(at..at.saturating_add(len)).unwrap_or_default());
                let kind = if integer { "a whole number" } else { "a number" };
                ReadError::AsciiSyntax {
                    format: "ASCII PLY",
                    line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
                    column: at - line_start + 1,
                    problem: format!("`{token}` is not {kind}"),
                }
            }
            Problem::NonFinite { vertex } => ReadError::NonFiniteVertex { vertex },
            Problem::IndexOutOfRange { face, index } => {
                ReadError::PlyIndexOutOfRange { face, index, vertices: header.vertex_count }
            }
            Problem::BadListLength { element: index, number, length } => ReadError::PlyListLength {
                element: element(index).map(|e| shown(e.name)).unwrap_or_default(),
                number,
                length,
            },
        }
    }
}

/// What the elements hold, gathered while reading.
struct Collector {
    /// Declared by the header: the bound for face indices.
    vertex_count: usize,
    positions: Vec<[f32; 3]>,
    /// One per vertex when the vertices are coloured, else empty.
    vertex_colours: Vec<Rgb>,
    triangles: Vec<[u32; 3]>,
    /// One per triangle when the faces are coloured, else empty.
    face_colours: Vec<Rgb>,
    faces_coloured: bool,
    short_faces: usize,
    /// The face being read; kept to spare an allocation per face.
    polygon: Vec<u32>,
}

impl Collector {
    fn new(header: &Header<'_>) -> Self {
        let faces_coloured = header.elements.iter().any(|e| e.role == Role::Face && e.coloured);
        Collector {
            vertex_count: header.vertex_count,
            positions: Vec::new(),
            vertex_colours: Vec::new(),
            triangles: Vec::new(),
            face_colours: Vec::new(),
            faces_coloured,
            short_faces: 0,
            polygon: Vec::new(),
        }
    }

    fn vertex(&mut self, number: usize, point: [f64; 3], colour: Option<Rgb>) -> Result<(), Problem> {
        let point = point.map(|c| c as f32);
        if !point.iter().all(|c| c.is_finite()) {
            return Err(Problem::NonFinite { vertex: number });
        }
        self.positions.push(point);
        if let Some(colour) = colour {
            self.vertex_colours.push(colour);
        }
        Ok(())
    }

    #[inline]
    fn index(&mut self, face: usize, value: f64) -> Result<(), Problem> {
        // The cast saturates (NaN becomes 0), so the round trip fails for
        // negative, fractional and too large values alike.
        let index = value as u32;
        if f64::from(index) == value && (index as usize) < self.vertex_count {
            self.polygon.push(index);
            Ok(())
        } else {
            Err(Problem::IndexOutOfRange { face, index: value as i64 })
        }
    }

    /// The polygon just read as a fan of triangles around its first corner.
    #[inline]
    fn face(&mut self, colour: Option<Rgb>) {
        let Some((&first, rest)) = self.polygon.split_first().filter(|(_, rest)| rest.len() >= 2) else {
            self.short_faces += 1;
            return;
        };
        for pair in rest.windows(2) {
            self.triangles.push([first, pair[0], pair[1]]);
            if let Some(colour) = colour {
                self.face_colours.push(colour);
            }
        }
    }

    /// Face colours, else each triangle's average of its corners' colours.
    fn triangle_colours(&self) -> Option<Vec<Rgb>> {
        if self.triangles.is_empty() {
            return None;
        }
        if self.faces_coloured {
            return Some(self.face_colours.clone());
        }
        if self.vertex_colours.is_empty() || self.vertex_colours.len() != self.positions.len() {
            return None;
        }
        let colour = |i: u32| self.vertex_colours.get(i as usize).copied().unwrap_or_default().map(u16::from);
        Some(
            self.triangles
                .iter()
                .map(|t| {
                    let [a, b, c] = t.map(colour);
                    [0, 1, 2].map(|k| ((a[k] + b[k] + c[k] + 1) / 3) as u8)
                })
                .collect(),
        )
    }
}

/// A colour channel from a value of type `scalar`: integers as 0–255
/// (16-bit ones scaled), floats as 0–1.
fn channel(value: f64, scalar: Scalar) -> u8 {
    let value = match scalar {
        Scalar::F32 | Scalar::F64 => value * 255.0,
        Scalar::U16 | Scalar::I16 => value / 257.0,
        _ => value,
    };
    // Rounds half up (the value is not negative once clamped); NaN becomes 0.
    (value.clamp(0.0, 255.0) + 0.5) as u8
}

impl Shortfall {
    fn in_element(self, element: usize, read: usize) -> Problem {
        match self {
            Shortfall::End => Problem::Truncated { element, read },
            Shortfall::NotANumber { at, len, integer } => Problem::NotANumber { at, len, integer },
        }
    }
}

/// Reads every element with the value-by-value source; returns where it stopped.
fn read_body(values: &mut impl Values, header: &Header<'_>, out: &mut Collector) -> Result<usize, Problem> {
    for (index, element) in header.elements.iter().enumerate() {
        read_element(values, index, element, header.encoding, out)?;
    }
    Ok(values.position())
}

fn read_element(
    values: &mut impl Values,
    index: usize,
    element: &Element<'_>,
    encoding: Encoding,
    out: &mut Collector,
) -> Result<(), Problem> {
    if element.properties.is_empty() {
        // Nothing to read, however many there are.
        return Ok(());
    }
    reserve(element, encoding, values.bytes_left(), out);
    let mut point = [0.0f64; 3];
    let mut colour = [0u8; 3];
    for number in 0..element.count {
        for property in &element.properties {
            match property.kind {
                Kind::Scalar(scalar) => {
                    let value = values.next(scalar).map_err(|s| s.in_element(index, number))?;
                    match property.used_as {
                        Use::Coordinate(axis) => point[axis % 3] = value,
                        Use::Channel(k) => colour[k % 3] = channel(value, scalar),
                        Use::Skip | Use::Indices => {}
                    }
                }
                Kind::List { count, item } => {
                    let length = values.next(count).map_err(|s| s.in_element(index, number))?;
                    if length < 0.0 {
                        return Err(Problem::BadListLength { element: index, number, length: length as i64 });
                    }
                    let indices = property.used_as == Use::Indices;
                    if indices {
                        out.polygon.clear();
                    }
                    // Every value takes at least a byte, so a huge length ends at the end of the file.
                    for _ in 0..length as u64 {
                        let value = values.next(item).map_err(|s| s.in_element(index, number))?;
                        if indices {
                            out.index(number, value)?;
                        }
                    }
                }
            }
        }
        match element.role {
            Role::Vertex => out.vertex(number, point, element.coloured.then_some(colour))?,
            Role::Face => out.face(element.coloured.then_some(colour)),
            Role::Other => {}
        }
    }
    Ok(())
}

/// Room for what the element will add, no more than the bytes left can
/// hold (a header may declare billions of anything).
fn reserve(element: &Element<'_>, encoding: Encoding, bytes_left: usize, out: &mut Collector) {
    let room = element.count.min(bytes_left / element.min_instance_len(encoding));
    match element.role {
        Role::Vertex => {
            out.positions.reserve(room);
            if element.coloured {
                out.vertex_colours.reserve(room);
            }
        }
        Role::Face => {
            out.triangles.reserve(room);
            if element.coloured {
                out.face_colours.reserve(room);
            }
        }
        Role::Other => {}
    }
}

/// Reads the binary body: vertices and list-free elements through their
/// fixed layout, the rest value by value. Returns where the body ended.
fn read_binary<const BIG: bool>(bytes: &[u8], header: &Header<'_>, out: &mut Collector) -> Result<usize, Problem> {
    let mut at = header.body_start;
    for (index, element) in header.elements.iter().enumerate() {
        match element.fixed_layout() {
            Some((stride, offsets)) if stride > 0 => {
                let left = bytes.len().saturating_sub(at);
                let held = left / stride;
                if held < element.count {
                    return Err(Problem::Truncated { element: index, read: held });
                }
                // count ≤ held, so the product is at most `left`.
                let len = element.count * stride;
                let records = bytes.get(at..at + len).unwrap_or_default();
                if element.role == Role::Vertex {
                    read_fixed_vertices::<BIG>(records, stride, &offsets, element, out)?;
                }
                at += len;
            }
            Some(_) => {}
            None => {
                let mut values = Binary::<BIG> { bytes, at };
                read_element(&mut values, index, element, header.encoding, out)?;
                at = values.position();
            }
        }
    }
    Ok(at)
}

/// The vertex records, `stride` bytes each, through the header's layout.
fn read_fixed_vertices<const BIG: bool>(
    records: &[u8],
    stride: usize,
    offsets: &[usize],
    element: &Element<'_>,
    out: &mut Collector,
) -> Result<(), Problem> {
    let mut coordinates = [(0, Scalar::F32); 3];
    let mut channels = [(0, Scalar::U8); 3];
    for (property, &offset) in element.properties.iter().zip(offsets) {
        let Kind::Scalar(scalar) = property.kind else { continue };
        match property.used_as {
            Use::Coordinate(axis) => coordinates[axis % 3] = (offset, scalar),
            Use::Channel(k) => channels[k % 3] = (offset, scalar),
            Use::Skip | Use::Indices => {}
        }
    }
    out.positions.reserve(records.len() / stride);
    if element.coloured {
        out.vertex_colours.reserve(records.len() / stride);
    }
    for (number, record) in records.chunks_exact(stride).enumerate() {
        let point = coordinates.map(|(offset, scalar)| decode::<BIG>(record, offset, scalar).unwrap_or(f64::NAN));
        let colour = element.coloured.then(|| {
            channels.map(|(offset, scalar)| channel(decode::<BIG>(record, offset, scalar).unwrap_or(0.0), scalar))
        });
        out.vertex(number, point, colour)?;
    }
    Ok(())
}

/// Gives bit-identical positions one vertex (the first in file order) and
/// turns `-0.0` into `0.0`, as the STL readers do; a file without
/// duplicates keeps its vertex order.
fn weld(positions: Vec<[f32; 3]>, triangles: &mut [[u32; 3]]) -> Vec<[f32; 3]> {
    let mut welder = Welder::for_vertices(positions.len());
    let index_of: Vec<u32> = positions.iter().map(|&position| welder.add_vertex(position)).collect();
    let welded = welder.finish().positions;
    if welded.len() < positions.len() {
        for triangle in triangles.iter_mut() {
            *triangle = triangle.map(|i| index_of.get(i as usize).copied().unwrap_or_default());
        }
    }
    welded
}

/// Words from the file as they can be shown in a message: valid UTF-8, at most 40 characters.
fn shown(text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}
