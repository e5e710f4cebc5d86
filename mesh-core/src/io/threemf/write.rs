//! Writing a 3MF package: the three parts, the model as XML streamed into
//! the deflater in pieces.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{CONTENT_TYPES, CONTENT_TYPES_PART, MODEL_HEAD, MODEL_PART, RELATIONSHIPS, RELATIONSHIPS_PART};
use crate::IndexedMesh;

/// The writer hands the ZIP writer text in pieces of about this size.
const WRITE_CHUNK: usize = 1 << 16;

/// One mesh to write as a 3MF object.
#[derive(Debug, Clone, Copy)]
pub struct ThreeMfObject<'a> {
    /// Shown by slicers as the object's name; any text (it is escaped).
    pub name: &'a str,
    pub mesh: &'a IndexedMesh,
}

/// Why a 3MF package could not be written. Objects count from 1, vertices
/// from 0 as 3MF numbers them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreeMfWriteError {
    #[error(
        "object {object} (`{name}`) has no triangles with three different vertices; a 3MF object needs one — leave the empty mesh out"
    )]
    EmptyObject { object: usize, name: String },
    #[error(
        "object {object} (`{name}`), vertex {vertex} has a coordinate that is not a finite number; repair the mesh before exporting"
    )]
    NonFiniteCoordinate { object: usize, name: String, vertex: usize },
    #[error(
        "object {object} (`{name}`), triangle {triangle} names vertex {index} but the mesh has {vertices} vertices; the mesh is corrupt"
    )]
    IndexOutOfRange { object: usize, name: String, triangle: usize, index: u32, vertices: usize },
    #[error(
        "the ZIP writer failed while assembling the 3MF package ({reason}); this is a fault in Trayforge — report it"
    )]
    Package { reason: String },
}

/// The meshes as one 3MF package: each an object named `name`, each placed
/// once in the build, coordinates in millimetres, parts deflated.
///
/// A triangle that names one vertex twice is left out: 3MF forbids it, and
/// it has no area.
pub fn write_3mf(objects: &[ThreeMfObject<'_>]) -> Result<Vec<u8>, ThreeMfWriteError> {
    for (number, object) in (1..).zip(objects) {
        check_writable(number, object)?;
    }
    let package = |error: &dyn std::fmt::Display| ThreeMfWriteError::Package { reason: error.to_string() };
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in [(CONTENT_TYPES_PART, CONTENT_TYPES), (RELATIONSHIPS_PART, RELATIONSHIPS)] {
        zip.start_file(name, options).map_err(|e| package(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| package(&e))?;
    }
    zip.start_file(MODEL_PART, options.large_file(model_may_exceed_4_gib(objects))).map_err(|e| package(&e))?;
    write_model(&mut zip, objects).map_err(|e| package(&e))?;
    Ok(zip.finish().map_err(|e| package(&e))?.into_inner())
}

fn check_writable(object: usize, ThreeMfObject { name, mesh }: &ThreeMfObject<'_>) -> Result<(), ThreeMfWriteError> {
    let name = || (*name).to_owned();
    if let Some(vertex) = mesh.positions.iter().position(|p| p.iter().any(|c| !c.is_finite())) {
        return Err(ThreeMfWriteError::NonFiniteCoordinate { object, name: name(), vertex });
    }
    let vertices = mesh.positions.len();
    for (triangle, corners) in (1..).zip(&mesh.triangles) {
        if let Some(&index) = corners.iter().find(|&&i| i as usize >= vertices) {
            return Err(ThreeMfWriteError::IndexOutOfRange { object, name: name(), triangle, index, vertices });
        }
    }
    if !mesh.triangles.iter().any(|&t| has_three_vertices(t)) {
        return Err(ThreeMfWriteError::EmptyObject { object, name: name() });
    }
    Ok(())
}

fn has_three_vertices([a, b, c]: [u32; 3]) -> bool {
    a != b && b != c && a != c
}

/// Whether the model part could pass 4 GiB, the most a ZIP entry holds
/// without the ZIP64 extension (judged from the longest text of a vertex
/// and a triangle, so small models stay plain ZIP).
fn model_may_exceed_4_gib(objects: &[ThreeMfObject<'_>]) -> bool {
    const LONGEST_VERTEX: u64 = 3 * 48 + 40;
    const LONGEST_TRIANGLE: u64 = 3 * 10 + 40;
    let bound = objects.iter().fold(1u64 << 20, |sum, o| {
        sum.saturating_add(o.name.len() as u64 * 8)
            .saturating_add(o.mesh.positions.len() as u64 * LONGEST_VERTEX)
            .saturating_add(o.mesh.triangles.len() as u64 * LONGEST_TRIANGLE)
    });
    bound > u64::from(u32::MAX)
}

fn write_model(out: &mut impl Write, objects: &[ThreeMfObject<'_>]) -> std::io::Result<()> {
    let mut xml = String::with_capacity(WRITE_CHUNK + 1024);
    xml.push_str(MODEL_HEAD);
    // Writing to a String cannot fail: the fmt::Results below are always Ok.
    for (id, object) in (1..).zip(objects) {
        let _ = write!(xml, "  <object id=\"{id}\" type=\"model\" name=\"");
        escape_attribute(&mut xml, object.name);
        xml.push_str("\">\n   <mesh>\n    <vertices>\n");
        for [x, y, z] in &object.mesh.positions {
            // `{}` on f32 is the shortest decimal that parses back to the same value.
            let _ = writeln!(xml, "     <vertex x=\"{x}\" y=\"{y}\" z=\"{z}\"/>");
            flush_when_full(&mut xml, out)?;
        }
        xml.push_str("    </vertices>\n    <triangles>\n");
        for &[a, b, c] in object.mesh.triangles.iter().filter(|&&t| has_three_vertices(t)) {
            let _ = writeln!(xml, "     <triangle v1=\"{a}\" v2=\"{b}\" v3=\"{c}\"/>");
            flush_when_full(&mut xml, out)?;
        }
        xml.push_str("    </triangles>\n   </mesh>\n  </object>\n");
    }
    xml.push_str(" </resources>\n <build>\n");
    for id in 1..=objects.len() {
        let _ = writeln!(xml, "  <item objectid=\"{id}\"/>");
    }
    xml.push_str(" </build>\n</model>\n");
    out.write_all(xml.as_bytes())
}

fn flush_when_full(xml: &mut String, out: &mut impl Write) -> std::io::Result<()> {
    if xml.len() >= WRITE_CHUNK {
        out.write_all(xml.as_bytes())?;
        xml.clear();
    }
    Ok(())
}

/// `text` as the content of a double-quoted XML attribute. Tabs and line
/// breaks are written as character references (a reader would turn them
/// into spaces otherwise); characters XML 1.0 cannot hold become U+FFFD.
fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}
