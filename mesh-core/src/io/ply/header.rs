//! The PLY header: the encoding, each element with its count and typed
//! properties, and which properties the reader keeps.
//!
//! Invariant: a parsed header has a `vertex` element with scalar `x`, `y`
//! and `z` (or none at all), and a `face` element with an index list (or
//! none at all); `used_as` marks exactly the properties the body reader keeps.

use super::shown;
use crate::io::ReadError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Ascii,
    LittleEndian,
    BigEndian,
}

/// A PLY scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scalar {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Scalar {
    pub(super) fn from_name(name: &[u8]) -> Option<Scalar> {
        Some(match name {
            b"char" | b"int8" => Scalar::I8,
            b"uchar" | b"uint8" => Scalar::U8,
            b"short" | b"int16" => Scalar::I16,
            b"ushort" | b"uint16" => Scalar::U16,
            b"int" | b"int32" => Scalar::I32,
            b"uint" | b"uint32" => Scalar::U32,
            b"float" | b"float32" => Scalar::F32,
            b"double" | b"float64" => Scalar::F64,
            _ => return None,
        })
    }

    /// Bytes in binary PLY.
    pub(super) fn size(self) -> usize {
        match self {
            Scalar::I8 | Scalar::U8 => 1,
            Scalar::I16 | Scalar::U16 => 2,
            Scalar::I32 | Scalar::U32 | Scalar::F32 => 4,
            Scalar::F64 => 8,
        }
    }

    pub(super) fn is_integer(self) -> bool {
        !matches!(self, Scalar::F32 | Scalar::F64)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Scalar(Scalar),
    List { count: Scalar, item: Scalar },
}

/// What the reader does with a property's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    Skip,
    Coordinate(usize),
    Channel(usize),
    Indices,
}

#[derive(Debug)]
pub(super) struct Property<'a> {
    pub(super) name: &'a [u8],
    pub(super) kind: Kind,
    pub(super) used_as: Use,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Vertex,
    Face,
    Other,
}

#[derive(Debug)]
pub(super) struct Element<'a> {
    pub(super) name: &'a [u8],
    pub(super) count: usize,
    pub(super) properties: Vec<Property<'a>>,
    pub(super) role: Role,
    /// Every one of red, green and blue is there.
    pub(super) coloured: bool,
}

impl Element<'_> {
    /// How the element is called in a message: "vertices", "faces", "`edge` elements".
    pub(super) fn plural(&self) -> String {
        match self.name {
            b"vertex" => "vertices".to_owned(),
            b"face" => "faces".to_owned(),
            name => format!("`{}` elements", String::from_utf8_lossy(name)),
        }
    }

    /// The fewest bytes one instance that adds to the mesh can take (a
    /// face needs three indices), to bound what is reserved before reading:
    /// a header may declare billions of anything.
    pub(super) fn min_instance_len(&self, encoding: Encoding) -> usize {
        let len: usize = self
            .properties
            .iter()
            .map(|p| {
                let (size, values) = match p.kind {
                    Kind::Scalar(scalar) => (scalar.size(), 1),
                    Kind::List { count, item } if p.used_as == Use::Indices => (count.size() + 3 * item.size(), 4),
                    Kind::List { count, .. } => (count.size(), 1),
                };
                // In ASCII a value is at least a digit and a separator.
                if encoding == Encoding::Ascii { 2 * values } else { size }
            })
            .sum();
        len.max(1)
    }

    /// Stride and property offsets of an element without lists, in binary.
    pub(super) fn fixed_layout(&self) -> Option<(usize, Vec<usize>)> {
        let mut offsets = Vec::with_capacity(self.properties.len());
        let mut stride = 0usize;
        for property in &self.properties {
            let Kind::Scalar(scalar) = property.kind else { return None };
            offsets.push(stride);
            stride = stride.checked_add(scalar.size())?;
        }
        Some((stride, offsets))
    }
}

#[derive(Debug)]
pub(super) struct Header<'a> {
    pub(super) encoding: Encoding,
    pub(super) elements: Vec<Element<'a>>,
    /// Where the first element's values start.
    pub(super) body_start: usize,
    /// What the vertex element declares (0 when there is none): face indices are checked against it.
    pub(super) vertex_count: usize,
}

const VERTEX_COORDINATES: [&[u8]; 3] = [b"x", b"y", b"z"];
const COLOUR_CHANNELS: [[&[u8]; 2]; 3] =
    [[b"red", b"diffuse_red"], [b"green", b"diffuse_green"], [b"blue", b"diffuse_blue"]];

impl<'a> Header<'a> {
    pub(super) fn parse(bytes: &'a [u8]) -> Result<Header<'a>, ReadError> {
        let (end_line, body_start) = header_end(bytes).ok_or(ReadError::PlyNoEndHeader)?;
        let mut encoding = None;
        let mut elements: Vec<Element<'a>> = Vec::new();
        let lines = bytes.get(..end_line).unwrap_or_default().split(|&b| b == b'\n');
        for (number, line) in lines.enumerate() {
            let error = |problem: String| ReadError::PlyHeader { line: number + 1, problem };
            if number == 0 {
                if line.trim_ascii() != b"ply" {
                    return Err(error(format!("expected `ply`, found `{}`", shown(line.trim_ascii()))));
                }
                continue;
            }
            let mut words = line.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
            let Some(keyword) = words.next() else { continue };
            match keyword {
                b"comment" | b"obj_info" => {}
                b"format" => {
                    let name =
                        words.next().ok_or_else(|| error("`format` needs an encoding and a version".to_owned()))?;
                    encoding = Some(match name {
                        b"ascii" => Encoding::Ascii,
                        b"binary_little_endian" => Encoding::LittleEndian,
                        b"binary_big_endian" => Encoding::BigEndian,
                        other => return Err(ReadError::PlyFormat { format: shown(other) }),
                    });
                }
                b"element" => {
                    let (Some(name), Some(count)) = (words.next(), words.next()) else {
                        return Err(error("`element` needs a name and a count".to_owned()));
                    };
                    let count = std::str::from_utf8(count)
                        .ok()
                        .and_then(|c| c.parse::<usize>().ok())
                        .ok_or_else(|| error(format!("`{}` is not an element count", shown(count))))?;
                    elements.push(Element { name, count, properties: Vec::new(), role: Role::Other, coloured: false });
                }
                b"property" => {
                    let element =
                        elements.last_mut().ok_or_else(|| error("`property` comes before any `element`".to_owned()))?;
                    let scalar = |word: Option<&[u8]>| {
                        let word = word.ok_or_else(|| error("`property` needs a type and a name".to_owned()))?;
                        Scalar::from_name(word)
                            .ok_or_else(|| error(format!("`{}` is not a PLY property type", shown(word))))
                    };
                    let first = words.next();
                    let kind = if first == Some(b"list") {
                        let count = scalar(words.next())?;
                        if !count.is_integer() {
                            return Err(error("the length of a list must have an integer type".to_owned()));
                        }
                        Kind::List { count, item: scalar(words.next())? }
                    } else {
                        Kind::Scalar(scalar(first)?)
                    };
                    let name = words.next().ok_or_else(|| error("`property` needs a type and a name".to_owned()))?;
                    element.properties.push(Property { name, kind, used_as: Use::Skip });
                }
                other => {
                    return Err(error(format!(
                        "`{}` is not a PLY header keyword (`format`, `element`, `property`, `comment` or `end_header`)",
                        shown(other)
                    )));
                }
            }
        }
        let end_line_number = bytes.get(..end_line).unwrap_or_default().iter().filter(|&&b| b == b'\n').count() + 1;
        let encoding = encoding.ok_or_else(|| ReadError::PlyHeader {
            line: end_line_number,
            problem: "the header has no `format` line".to_owned(),
        })?;
        let mut header = Header { encoding, elements, body_start, vertex_count: 0 };
        header.assign_uses()?;
        Ok(header)
    }

    /// Finds the vertex and face elements and the properties the reader keeps.
    fn assign_uses(&mut self) -> Result<(), ReadError> {
        if let Some(vertex) = self.elements.iter_mut().find(|e| e.name == b"vertex") {
            vertex.role = Role::Vertex;
            for (axis, name) in VERTEX_COORDINATES.iter().enumerate() {
                let property = vertex
                    .properties
                    .iter_mut()
                    .find(|p| p.name == *name && matches!(p.kind, Kind::Scalar(_)))
                    .ok_or(ReadError::PlyNoPosition { missing: ["x", "y", "z"][axis] })?;
                property.used_as = Use::Coordinate(axis);
            }
            vertex.coloured = assign_channels(&mut vertex.properties);
            // Indices are 32-bit: more vertices could not be told apart (nor held in memory).
            self.vertex_count = vertex.count.min(u32::MAX as usize);
        }
        if let Some(face) = self.elements.iter_mut().find(|e| e.name == b"face") {
            face.role = Role::Face;
            let indices = face
                .properties
                .iter_mut()
                .find(|p| matches!(p.name, b"vertex_indices" | b"vertex_index") && matches!(p.kind, Kind::List { .. }))
                .ok_or(ReadError::PlyNoFaceIndices)?;
            indices.used_as = Use::Indices;
            face.coloured = assign_channels(&mut face.properties);
        }
        Ok(())
    }
}

/// Marks red, green and blue when all three are there as scalars.
fn assign_channels(properties: &mut [Property<'_>]) -> bool {
    let found = COLOUR_CHANNELS
        .map(|names| properties.iter().position(|p| names.contains(&p.name) && matches!(p.kind, Kind::Scalar(_))));
    let [Some(r), Some(g), Some(b)] = found else { return false };
    for (channel, at) in [r, g, b].into_iter().enumerate() {
        if let Some(property) = properties.get_mut(at) {
            property.used_as = Use::Channel(channel);
        }
    }
    true
}

/// Where the `end_header` line starts, and where the line after it starts.
fn header_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut start = 0;
    while let Some(rest) = bytes.get(start..).filter(|rest| !rest.is_empty()) {
        let newline = rest.iter().position(|&b| b == b'\n');
        let line = &rest[..newline.unwrap_or(rest.len())];
        let next = newline.map_or(bytes.len(), |at| start + at + 1);
        if line.trim_ascii() == b"end_header" {
            return Some((start, next));
        }
        start = next;
    }
    None
}
