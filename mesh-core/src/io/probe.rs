//! Format detection from content.
//!
//! The order of the checks is the point of this file: a binary STL whose
//! size matches its declared triangle count is binary whatever its header
//! says (many exporters write `solid` there); a file that starts with
//! `solid` is ASCII only if what follows the first line reads as ASCII STL.

use super::{ReadError, SourceFormat};

pub(crate) const BINARY_HEADER_LEN: usize = 80;
pub(crate) const BINARY_PREAMBLE_LEN: usize = 84;
pub(crate) const BINARY_TRIANGLE_LEN: usize = 50;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Signatures of files people pick by mistake, with what to call them.
const FOREIGN_SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF", "it is a PDF document"),
    (b"PK\x03\x04", "it is a ZIP archive; unpack it first"),
    (b"\x89PNG", "it is a PNG image"),
    (b"\xFF\xD8\xFF", "it is a JPEG image"),
    (b"GIF8", "it is a GIF image"),
    (b"<?xml", "it is an XML document"),
];

pub(crate) fn probe(bytes: &[u8]) -> Result<SourceFormat, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if declared_binary_len(bytes) == Some(bytes.len() as u64) {
        return Ok(SourceFormat::BinaryStl);
    }
    if bytes.starts_with(b"ply\n") || bytes.starts_with(b"ply\r\n") {
        return Ok(SourceFormat::Ply);
    }
    // Before the signatures: a 3MF is a ZIP, and other ZIPs stay "not an STL".
    if bytes.starts_with(b"PK\x03\x04") && super::threemf::is_package(bytes) {
        return Ok(SourceFormat::ThreeMf);
    }
    if let Some((_, what)) = FOREIGN_SIGNATURES.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(ReadError::NotStl { what });
    }
    if looks_like_ascii_stl(bytes) {
        return Ok(SourceFormat::AsciiStl);
    }
    if is_mostly_text(bytes) && looks_like_obj(bytes) {
        return Ok(SourceFormat::Obj);
    }
    if is_mostly_text(bytes) {
        return Err(ReadError::NotStl { what: "it is a text file that does not start with `solid`" });
    }
    match bytes.len() {
        len if len < BINARY_HEADER_LEN => {
            Err(ReadError::NotStl { what: "it is too short to be a binary STL and is not ASCII STL" })
        }
        len if len < BINARY_PREAMBLE_LEN => Err(ReadError::HeaderWithoutCount { len }),
        _ => Ok(SourceFormat::BinaryStl),
    }
}

/// The length a binary STL must have, from the triangle count after its header.
pub(crate) fn declared_binary_len(bytes: &[u8]) -> Option<u64> {
    let count = declared_count(bytes)?;
    Some(BINARY_PREAMBLE_LEN as u64 + BINARY_TRIANGLE_LEN as u64 * u64::from(count))
}

pub(crate) fn declared_count(bytes: &[u8]) -> Option<u32> {
    let count = bytes.get(BINARY_HEADER_LEN..BINARY_PREAMBLE_LEN)?;
    Some(u32::from_le_bytes([count[0], count[1], count[2], count[3]]))
}

/// `solid` (any case, after an optional byte order mark) ending its word,
/// and the first word of the next line is `facet` or `endsolid`, or there is
/// no next line at all.
fn looks_like_ascii_stl(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = text.trim_ascii_start();
    let Some(keyword) = text.get(..5) else { return false };
    if !keyword.eq_ignore_ascii_case(b"solid") {
        return false;
    }
    if text.get(5).is_some_and(|b| !b.is_ascii_whitespace()) {
        return false;
    }
    let Some(newline) = text.iter().position(|&b| b == b'\n') else {
        return !text.contains(&0);
    };
    let body = text[newline..].trim_ascii_start();
    let word_len = body.iter().position(u8::is_ascii_whitespace).unwrap_or(body.len());
    let word = &body[..word_len];
    word.is_empty() || word.eq_ignore_ascii_case(b"facet") || word.eq_ignore_ascii_case(b"endsolid")
}

/// The first statement (past comments and blank lines) is one OBJ uses.
fn looks_like_obj(bytes: &[u8]) -> bool {
    const KEYWORDS: &[&[u8]] = &[b"v", b"vn", b"vt", b"f", b"o", b"g", b"s", b"mtllib", b"usemtl"];
    let first =
        bytes.split(|&b| b == b'\n').map(<[u8]>::trim_ascii).find(|line| !line.is_empty() && !line.starts_with(b"#"));
    first.and_then(|line| line.split(u8::is_ascii_whitespace).next()).is_some_and(|word| KEYWORDS.contains(&word))
}

/// Every one of the first 512 bytes is printable ASCII, whitespace or part
/// of a UTF-8 sequence: binary STL floats and counts never look like that.
fn is_mostly_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.iter().all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t')) && head.iter().all(|&b| b != 0x7F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary_with_header(header: &[u8], count: u32, triangles_held: usize) -> Vec<u8> {
        let mut bytes = header.to_vec();
        bytes.resize(BINARY_HEADER_LEN, b' ');
        bytes.extend_from_slice(&count.to_le_bytes());
        bytes.resize(BINARY_PREAMBLE_LEN + BINARY_TRIANGLE_LEN * triangles_held, 0);
        bytes
    }

    #[test]
    fn binary_whose_header_starts_with_solid_is_binary() {
        let bytes = binary_with_header(b"solid exported by a CAD tool", 3, 3);
        assert_eq!(probe(&bytes), Ok(SourceFormat::BinaryStl));
    }

    #[test]
    fn binary_with_solid_header_and_trailing_byte_is_binary() {
        let mut bytes = binary_with_header(b"solid part", 2, 2);
        bytes.push(0);
        assert_eq!(probe(&bytes), Ok(SourceFormat::BinaryStl));
    }

    #[test]
    fn solid_then_facet_is_ascii_in_any_case() {
        assert_eq!(probe(b"SOLID\r\n\tFACET NORMAL 0 0 1"), Ok(SourceFormat::AsciiStl));
        assert_eq!(probe(b"\xEF\xBB\xBFsolid name\nendsolid name\n"), Ok(SourceFormat::AsciiStl));
    }

    #[test]
    fn solidity_is_not_solid() {
        assert!(probe(b"solidity is a word, not an STL keyword\n").is_err());
    }

    #[test]
    fn foreign_files_are_named() {
        let err = probe(b"%PDF-1.7\n\x00\x01\x02").unwrap_err();
        assert!(err.to_string().contains("PDF"), "{err}");
    }

    #[test]
    fn eighty_bytes_is_a_header_without_count() {
        assert_eq!(probe(&[0u8; 80]), Err(ReadError::HeaderWithoutCount { len: 80 }));
    }
}
