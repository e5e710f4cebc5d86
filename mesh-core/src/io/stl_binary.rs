//! Binary STL: an 80-byte header, a little-endian `u32` triangle count, then
//! 50 bytes per triangle (normal, three corners, a 16-bit attribute word).
//!
//! The header is never kept: exporters put patient names in it. Only its
//! `COLOR=` marker is looked at, to read face colours the Materialise way.

use super::probe::{BINARY_PREAMBLE_LEN, BINARY_TRIANGLE_LEN, declared_count};
use super::weld::Welder;
use super::{ReadError, ReadOutcome, ReadWarning, SourceFormat, colour};
use crate::IndexedMesh;

/// Coordinates beyond a kilometre are not a dental model but noise read as floats.
const PLAUSIBLE_COORDINATE: f32 = 1.0e6;

pub(crate) fn read(bytes: &[u8]) -> Result<ReadOutcome, ReadError> {
    let declared = declared_count(bytes).ok_or(ReadError::HeaderWithoutCount { len: bytes.len() })?;
    let body = &bytes[BINARY_PREAMBLE_LEN..];
    let held = body.len() / BINARY_TRIANGLE_LEN;
    if (declared as usize) > held {
        return Err(truncated_or_noise(body, declared, held));
    }
    let (triangles, trailing) = body.split_at(declared as usize * BINARY_TRIANGLE_LEN);

    let mut attributes = Vec::with_capacity(declared as usize);
    attributes
        .extend(triangles.chunks_exact(BINARY_TRIANGLE_LEN).map(|record| u16::from_le_bytes([record[48], record[49]])));
    let mesh = weld(triangles)?;
    let colors = colour::face_colours(&bytes[..super::probe::BINARY_HEADER_LEN], &attributes);

    let mut warnings = Vec::new();
    if !trailing.is_empty() {
        warnings.push(ReadWarning::TrailingBytes { count: trailing.len() });
    }
    Ok(ReadOutcome { colors, ..ReadOutcome::single_body(mesh, SourceFormat::BinaryStl, warnings) })
}

/// Welds whole triangle records.
///
/// One pass on one core: reading is so cheap here that splitting the file
/// costs more (merging the parts' vertex tables misses the cache) than a
/// second core gains.
fn weld(records: &[u8]) -> Result<IndexedMesh, ReadError> {
    weld_finite(records).map_err(|index| ReadError::NonFiniteCoordinate { triangle: index + 1 })
}

/// The welded mesh, or the index of the first triangle with a coordinate
/// that is not finite. (A plain index keeps the hot loop free of the
/// error's size.)
fn weld_finite(records: &[u8]) -> Result<IndexedMesh, usize> {
    let (records, _) = records.as_chunks::<BINARY_TRIANGLE_LEN>();
    let mut welder = Welder::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let corners = corners(record);
        if !corners.iter().flatten().fold(true, |finite, c| finite & c.is_finite()) {
            return Err(index);
        }
        welder.push_triangle(corners);
    }
    Ok(welder.finish())
}

/// The three corners of one 50-byte triangle record (the normal is skipped:
/// it is recomputed from the corners wherever it is needed).
#[inline]
fn corners(record: &[u8; BINARY_TRIANGLE_LEN]) -> [[f32; 3]; 3] {
    let float = |at: usize| f32::from_le_bytes([record[at], record[at + 1], record[at + 2], record[at + 3]]);
    [[float(12), float(16), float(20)], [float(24), float(28), float(32)], [float(36), float(40), float(44)]]
}

/// A file shorter than its count says is a truncated STL if what it holds
/// reads as triangles, and something else if it reads as noise.
fn truncated_or_noise(body: &[u8], declared: u32, held: usize) -> ReadError {
    let plausible = body.as_chunks::<BINARY_TRIANGLE_LEN>().0.iter().take(8).all(|record| {
        corners(record)
            .iter()
            .flatten()
            .all(|c| c.is_finite() && c.abs() < PLAUSIBLE_COORDINATE && (*c == 0.0 || c.is_normal()))
    });
    if plausible {
        ReadError::Truncated { declared, held }
    } else {
        ReadError::NotStl { what: "its content is neither ASCII STL nor binary STL triangles" }
    }
}

/// What our binary STL header says: never the source's header, which can
/// hold a patient's name.
const HEADER: &[u8] = b"Trayforge binary STL";

/// The mesh as binary STL, with face normals computed from the corners.
pub(crate) fn write(mesh: &IndexedMesh) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(BINARY_PREAMBLE_LEN + BINARY_TRIANGLE_LEN * mesh.triangles.len());
    bytes.extend_from_slice(HEADER);
    bytes.resize(super::probe::BINARY_HEADER_LEN, b' ');
    // A mesh read from a file or built by an operation holds fewer than 2³² triangles.
    bytes.extend_from_slice(&(mesh.triangles.len() as u32).to_le_bytes());
    bytes.resize(BINARY_PREAMBLE_LEN + BINARY_TRIANGLE_LEN * mesh.triangles.len(), 0);
    let (records, _) = bytes[BINARY_PREAMBLE_LEN..].as_chunks_mut::<BINARY_TRIANGLE_LEN>();
    for (record, triangle) in records.iter_mut().zip(&mesh.triangles) {
        let corners = triangle.map(|i| mesh.positions[i as usize]);
        let [n, a, b, c] = [super::face_normal(corners), corners[0], corners[1], corners[2]];
        for (at, value) in [n, a, b, c].into_iter().flatten().enumerate() {
            record[4 * at..4 * at + 4].copy_from_slice(&value.to_le_bytes());
        }
        // The attribute word stays 0: no colour.
    }
    bytes
}
