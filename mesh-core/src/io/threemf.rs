//! 3MF: an OPC package (a ZIP) whose model part, `3D/3dmodel.model`, is XML
//! holding indexed meshes as objects and a build list that places them.
//!
//! Writing gives one `<object type="model">` per mesh, in millimetres, each
//! coordinate as the shortest decimal that reads back to the same `f32`, so
//! write → read is exact. The only metadata is the application name: nothing
//! from a source file goes in.
//!
//! Reading takes every build item in order, its object's mesh (or its
//! components, recursively) moved by the transforms and scaled to
//! millimetres, and appends it to one mesh. Identical positions within one
//! placed object share a vertex; separate objects never do.

use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, QName, ResolveResult};
use quick_xml::reader::NsReader;
use rustc_hash::FxHashMap;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{ReadError, ReadWarning};
use crate::IndexedMesh;

const CORE_NAMESPACE: &str = "http://schemas.microsoft.com/3dmanufacturing/core/2015/02";
const PRODUCTION_NAMESPACE: &str = "http://schemas.microsoft.com/3dmanufacturing/production/2015/06";
/// Extensions a model may require that leave the meshes' geometry as the
/// core specification reads it (colours, UUIDs, named triangle sets).
const GEOMETRY_NEUTRAL_EXTENSIONS: &[&str] = &[
    "http://schemas.microsoft.com/3dmanufacturing/material/2015/02",
    PRODUCTION_NAMESPACE,
    "http://schemas.microsoft.com/3dmanufacturing/trianglesets/2021/07",
];
const MODEL_RELATIONSHIP: &str = "http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel";
const MODEL_PART: &str = "3D/3dmodel.model";
const RELATIONSHIPS_PART: &str = "_rels/.rels";
const CONTENT_TYPES_PART: &str = "[Content_Types].xml";
const MODEL_CONTENT_TYPE: &str = "application/vnd.ms-package.3dmanufacturing-3dmodel+xml";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
 <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
 <Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>
</Types>
"#;
const RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>
</Relationships>
"#;
const MODEL_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
 <metadata name="Application">Trayforge</metadata>
 <resources>
"#;

/// A model part that unpacks to more than this is refused rather than
/// exhausting memory (a dental arch is tens of megabytes).
const MAX_PART_BYTES: u64 = 1 << 30;
/// Placements of objects (build items and components, nested) in one model.
const MAX_PLACEMENTS: usize = 100_000;
const MAX_COMPONENT_DEPTH: usize = 64;
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

/// A ZIP whose entries include a `3D/….model` part, or whose content types
/// declare the 3MF model type (a 3MF that lost its model). A damaged ZIP
/// whose directory cannot be read counts when one of its local headers
/// names a model part, so that the reader can say the 3MF is damaged.
pub(crate) fn is_package(bytes: &[u8]) -> bool {
    let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
        return local_headers_name_a_model_part(bytes);
    };
    if archive.file_names().any(|name| name.is_ok_and(|name| is_model_part_name(&name))) {
        return true;
    }
    let mut content_types = String::new();
    archive.by_name(CONTENT_TYPES_PART).is_ok_and(|part| part.take(1 << 16).read_to_string(&mut content_types).is_ok())
        && content_types.contains(MODEL_CONTENT_TYPE)
}

fn is_model_part_name(name: &str) -> bool {
    let name = name.trim_start_matches('/').to_ascii_lowercase();
    name.starts_with("3d/") && name.ends_with(".model")
}

fn local_headers_name_a_model_part(bytes: &[u8]) -> bool {
    const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
    (0..bytes.len().saturating_sub(30)).filter(|&at| bytes[at..].starts_with(LOCAL_HEADER)).any(|at| {
        let name_len = usize::from(u16::from_le_bytes([bytes[at + 26], bytes[at + 27]]));
        bytes
            .get(at + 30..at + 30 + name_len)
            .and_then(|name| std::str::from_utf8(name).ok())
            .is_some_and(is_model_part_name)
    })
}

/// Reads every object the build of a 3MF package places, as one mesh in millimetres.
pub(crate) fn read(bytes: &[u8]) -> Result<(IndexedMesh, Vec<ReadWarning>), ReadError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::ThreeMfPackage {
        problem: format!("its ZIP directory cannot be read: {e}; the file may have been cut short"),
    })?;
    let part = model_part_name(&mut archive)?;
    let xml = read_part(&mut archive, &part)?;
    let model = Model::parse(&xml, &part)?;
    let mesh = model.build(&xml, &part)?;
    Ok((mesh, Vec::new()))
}

/// The model part the package's relationships name, or else (when they
/// name none, or one that is missing) the part named `3D/….model`, the
/// usual `3D/3dmodel.model` first. Part names ignore case, as in OPC.
fn model_part_name(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<String, ReadError> {
    let names: Vec<String> = archive.file_names().filter_map(Result::ok).map(|name| name.into_owned()).collect();
    let find = |wanted: &str| {
        names.iter().find(|name| name.trim_start_matches('/').eq_ignore_ascii_case(wanted.trim_start_matches('/')))
    };
    let target = find(RELATIONSHIPS_PART)
        .cloned()
        .and_then(|rels| read_part(archive, &rels).ok())
        .and_then(|rels| model_relationship_target(&rels));
    target
        .and_then(|target| find(&target))
        .or_else(|| find(MODEL_PART))
        .or_else(|| names.iter().find(|name| is_model_part_name(name)))
        .cloned()
        .ok_or(ReadError::ThreeMfNoModel)
}

/// The target of the first 3D-model relationship in a `.rels` part.
fn model_relationship_target(rels: &[u8]) -> Option<String> {
    let mut reader = NsReader::from_reader(rels);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let value = |key: &str| {
                    e.attributes().filter_map(Result::ok).find(|a| a.key.as_ref() == key).map(|a| a.value.into_owned())
                };
                if value("Type").is_some_and(|kind| kind.trim() == MODEL_RELATIONSHIP) {
                    return value("Target").map(|target| target.trim().to_owned());
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

fn read_part(archive: &mut ZipArchive<Cursor<&[u8]>>, part: &str) -> Result<Vec<u8>, ReadError> {
    let damaged = |e: &dyn std::fmt::Display| ReadError::ThreeMfPackage {
        problem: format!("its part `{part}` cannot be unpacked: {e}"),
    };
    let file = archive.by_name(part).map_err(|e| damaged(&e))?;
    let mut bytes = Vec::with_capacity(file.size().min(MAX_PART_BYTES) as usize);
    file.take(MAX_PART_BYTES + 1).read_to_end(&mut bytes).map_err(|e| damaged(&e))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(ReadError::ThreeMfUnsupported {
            feature: format!("a part `{part}` that unpacks to more than {} MiB", MAX_PART_BYTES >> 20),
        });
    }
    Ok(bytes)
}

/// A 3MF `transform`: the 3×4 matrix `m00 m01 m02 m10 … m32` of the
/// specification, for row vectors: `p' = p · M`, the last row the translation.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Transform([f64; 12]);

impl Transform {
    const IDENTITY: Transform = Transform::scale(1.0);

    const fn scale(s: f64) -> Transform {
        Transform([s, 0.0, 0.0, 0.0, s, 0.0, 0.0, 0.0, s, 0.0, 0.0, 0.0])
    }

    fn apply(&self, p: [f64; 3]) -> [f64; 3] {
        let m = &self.0;
        [0, 1, 2].map(|c| p[0] * m[c] + p[1] * m[3 + c] + p[2] * m[6 + c] + m[9 + c])
    }

    /// `self`, then `next`.
    fn then(&self, next: &Transform) -> Transform {
        let mut linear = *next;
        linear.0[9..].fill(0.0);
        let mut out = [0.0; 12];
        for row in 0..4 {
            let r = [self.0[3 * row], self.0[3 * row + 1], self.0[3 * row + 2]];
            // The translation row moves with the translation, the axes without it.
            let moved = if row == 3 { next.apply(r) } else { linear.apply(r) };
            out[3 * row..3 * row + 3].copy_from_slice(&moved);
        }
        Transform(out)
    }
}

/// What the model part holds, before the build places it.
#[derive(Debug)]
struct Model {
    /// Millimetres per model unit.
    unit: f64,
    objects: FxHashMap<u32, Object>,
    items: Vec<Placement>,
}

#[derive(Debug, Default)]
struct Object {
    mesh: Option<IndexedMesh>,
    components: Vec<Placement>,
    /// Byte offset of the `<object>` tag, for messages.
    at: usize,
}

/// A build item or a component: an object and where it goes.
#[derive(Debug, Clone, Copy)]
struct Placement {
    object: u32,
    transform: Transform,
    at: usize,
}

/// The core elements this reader acts on; everything else is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Model,
    Resources,
    Object,
    Mesh,
    Vertices,
    Vertex,
    Triangles,
    Triangle,
    Components,
    Component,
    Build,
    Item,
    Skipped,
}

impl Element {
    fn of(parent: Element, local_name: &str) -> Element {
        use Element::*;
        match (parent, local_name) {
            (Model, "resources") => Resources,
            (Resources, "object") => Object,
            (Object, "mesh") => Mesh,
            (Mesh, "vertices") => Vertices,
            (Vertices, "vertex") => Vertex,
            (Mesh, "triangles") => Triangles,
            (Triangles, "triangle") => Triangle,
            (Object, "components") => Components,
            (Components, "component") => Component,
            (Model, "build") => Build,
            (Build, "item") => Item,
            _ => Skipped,
        }
    }
}

/// Builds `ReadError::ThreeMfModel` errors pointing into one part.
struct Locator<'a> {
    xml: &'a [u8],
    part: &'a str,
}

impl Locator<'_> {
    fn error(&self, at: usize, problem: impl Into<String>) -> ReadError {
        let at = at.min(self.xml.len());
        // Point at the tag, not at the whitespace before it.
        let at = at + self.xml[at..].iter().take_while(|b| b.is_ascii_whitespace()).count();
        let before = &self.xml[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        ReadError::ThreeMfModel { part: self.part.to_owned(), line, column, problem: problem.into() }
    }
}

impl Model {
    fn parse(xml: &[u8], part: &str) -> Result<Model, ReadError> {
        let locate = Locator { xml, part };
        let mut reader = NsReader::from_reader(xml);
        reader.config_mut().trim_text(true);
        let mut model = Model { unit: 1.0, objects: FxHashMap::default(), items: Vec::new() };
        let mut stack: Vec<Element> = Vec::new();
        let mut object: Option<(u32, Object)> = None;
        let mut seen_root = false;
        loop {
            let at = reader.buffer_position() as usize;
            let (namespace, event) = match reader.read_resolved_event() {
                Ok(resolved) => resolved,
                Err(e) => {
                    return Err(locate.error(reader.error_position() as usize, format!("the XML is malformed: {e}")));
                }
            };
            let in_core = match namespace {
                ResolveResult::Bound(Namespace(ns)) => ns == CORE_NAMESPACE,
                ResolveResult::Unbound => true,
                ResolveResult::Unknown(_) => false,
            };
            let (tag, closes_now) = match event {
                Event::Start(tag) => (tag, false),
                Event::Empty(tag) => (tag, true),
                Event::End(_) => {
                    if let Some(Element::Object) = stack.pop() {
                        model.add_object(object.take(), &locate)?;
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let element = match stack.last() {
                None if seen_root => return Err(locate.error(at, "a second root element follows `<model>`")),
                None if in_core && tag.local_name().as_ref() == "model" => Element::Model,
                None => {
                    let name = tag.name().as_ref().to_owned();
                    return Err(locate.error(at, format!("the root element is `<{name}>`, not the 3MF `<model>`")));
                }
                Some(&parent) if in_core => Element::of(parent, tag.local_name().as_ref()),
                Some(_) => Element::Skipped,
            };
            seen_root = true;
            let attributes = Attributes::of(&tag, &reader, &locate, at)?;
            match element {
                Element::Model => {
                    model.unit = attributes.unit()?;
                    attributes.check_required_extensions()?;
                }
                Element::Object => {
                    let id = attributes.id("id")?;
                    object = Some((id, Object { at, ..Object::default() }));
                }
                Element::Mesh => {
                    if let Some((_, object)) = &mut object {
                        object.mesh = Some(IndexedMesh::default());
                    }
                }
                Element::Vertex => {
                    let position =
                        [attributes.coordinate("x")?, attributes.coordinate("y")?, attributes.coordinate("z")?];
                    if let Some(mesh) = object.as_mut().and_then(|(_, o)| o.mesh.as_mut()) {
                        mesh.positions.push(position);
                    }
                }
                Element::Triangle => {
                    if let Some((id, o)) = &mut object
                        && let Some(mesh) = &mut o.mesh
                    {
                        let vertices = mesh.positions.len();
                        let triangle = mesh.triangles.len() + 1;
                        let corners = [attributes.index("v1")?, attributes.index("v2")?, attributes.index("v3")?];
                        if let Some(&index) = corners.iter().find(|&&i| i as usize >= vertices) {
                            return Err(locate.error(
                                at,
                                format!(
                                    "triangle {triangle} of object {id} names vertex {index}, but the object has {vertices} vertices (0 to {})",
                                    vertices.saturating_sub(1)
                                ),
                            ));
                        }
                        mesh.triangles.push(corners);
                    }
                }
                Element::Component => {
                    let placement = attributes.placement()?;
                    if let Some((_, object)) = &mut object {
                        object.components.push(placement);
                    }
                }
                Element::Item => model.items.push(attributes.placement()?),
                _ => {}
            }
            if closes_now {
                if element == Element::Object {
                    model.add_object(object.take(), &locate)?;
                }
            } else {
                stack.push(element);
            }
        }
        if !seen_root {
            return Err(locate.error(xml.len(), "the part holds no `<model>` element"));
        }
        if !stack.is_empty() {
            return Err(locate.error(xml.len(), "the part ends before `</model>`; the file is truncated"));
        }
        Ok(model)
    }

    fn add_object(&mut self, object: Option<(u32, Object)>, locate: &Locator<'_>) -> Result<(), ReadError> {
        let Some((id, object)) = object else { return Ok(()) };
        if object.mesh.is_none() && object.components.is_empty() {
            return Err(locate.error(object.at, format!("object {id} has neither a mesh nor components")));
        }
        if self.objects.contains_key(&id) {
            return Err(locate.error(object.at, format!("object id {id} is defined twice")));
        }
        self.objects.insert(id, object);
        Ok(())
    }

    /// Every build item's object, placed and in millimetres, as one mesh.
    fn build(&self, xml: &[u8], part: &str) -> Result<IndexedMesh, ReadError> {
        let locate = Locator { xml, part };
        let mut mesh = IndexedMesh::default();
        let mut placements = 0;
        let unit = Transform::scale(self.unit);
        for item in &self.items {
            let placement = Placement { transform: item.transform.then(&unit), ..*item };
            self.place(placement, 0, &mut placements, &mut mesh, &locate)?;
        }
        Ok(mesh)
    }

    fn place(
        &self,
        placement: Placement,
        depth: usize,
        placements: &mut usize,
        out: &mut IndexedMesh,
        locate: &Locator<'_>,
    ) -> Result<(), ReadError> {
        let id = placement.object;
        let Some(object) = self.objects.get(&id) else {
            return Err(
                locate.error(placement.at, format!("this refers to object {id}, which the model does not define"))
            );
        };
        if depth > MAX_COMPONENT_DEPTH {
            return Err(locate.error(
                placement.at,
                format!("components nest more than {MAX_COMPONENT_DEPTH} deep here (does object {id} contain itself?)"),
            ));
        }
        *placements += 1;
        if *placements > MAX_PLACEMENTS {
            return Err(ReadError::ThreeMfUnsupported {
                feature: format!("more than {MAX_PLACEMENTS} placed objects and components"),
            });
        }
        if let Some(mesh) = &object.mesh {
            append(mesh, &placement.transform, out)
                .map_err(|problem| locate.error(object.at, format!("object {id}: {problem}")))?;
        }
        for component in &object.components {
            let transform = component.transform.then(&placement.transform);
            self.place(Placement { transform, ..*component }, depth + 1, placements, out, locate)?;
        }
        Ok(())
    }
}

/// Appends one placed object, sharing a vertex between identical positions
/// (`-0.0` is `0.0`). Indices were checked against the object when read.
fn append(mesh: &IndexedMesh, transform: &Transform, out: &mut IndexedMesh) -> Result<(), String> {
    if out.positions.len() + mesh.positions.len() > u32::MAX as usize {
        return Err("the model holds more than 2³² vertices".to_owned());
    }
    let mut index_of: FxHashMap<[u32; 3], u32> = FxHashMap::default();
    index_of.reserve(mesh.positions.len());
    let mut remap = Vec::with_capacity(mesh.positions.len());
    for (vertex, &p) in mesh.positions.iter().enumerate() {
        let moved =
            if *transform == Transform::IDENTITY { p } else { transform.apply(p.map(f64::from)).map(|c| c as f32) };
        if moved.iter().any(|c| !c.is_finite()) {
            return Err(format!("vertex {vertex} lies beyond the range of 32-bit numbers once placed"));
        }
        let moved = moved.map(|c| if c == 0.0 { 0.0 } else { c });
        let positions = &mut out.positions;
        let index = *index_of.entry(moved.map(f32::to_bits)).or_insert_with(|| {
            positions.push(moved);
            (positions.len() - 1) as u32
        });
        remap.push(index);
    }
    out.triangles.extend(mesh.triangles.iter().map(|t| t.map(|i| remap[i as usize])));
    Ok(())
}

/// The attributes of one tag, with what is needed to name their problems.
struct Attributes<'a> {
    values: Vec<(String, String)>,
    /// Namespace declarations (`xmlns:prefix`) on this tag: prefix → namespace.
    declared: Vec<(String, String)>,
    locate: &'a Locator<'a>,
    at: usize,
}

impl<'a> Attributes<'a> {
    fn of(
        tag: &BytesStart<'_>,
        reader: &NsReader<&[u8]>,
        locate: &'a Locator<'a>,
        at: usize,
    ) -> Result<Self, ReadError> {
        let mut values = Vec::new();
        let mut declared = Vec::new();
        for attribute in tag.attributes() {
            let attribute = attribute.map_err(|e| locate.error(at, format!("the XML is malformed: {e}")))?;
            let key = attribute.key;
            if let Some(prefix) = key.as_ref().strip_prefix("xmlns:") {
                declared.push((prefix.to_owned(), attribute.value.into_owned()));
            } else if key.prefix().is_none() {
                values.push((key.as_ref().to_owned(), attribute.value.into_owned()));
            } else if is_production_path(reader, key) {
                return Err(ReadError::ThreeMfUnsupported {
                    feature: "objects kept in other model parts (the production extension's `p:path`)".to_owned(),
                });
            }
        }
        Ok(Attributes { values, declared, locate, at })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim())
    }

    fn required(&self, key: &str) -> Result<&str, ReadError> {
        self.get(key).ok_or_else(|| self.locate.error(self.at, format!("the attribute `{key}` is missing")))
    }

    fn coordinate(&self, key: &str) -> Result<f32, ReadError> {
        let text = self.required(key)?;
        text.parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.locate.error(self.at, format!("`{text}` in `{key}` is not a finite number")))
    }

    fn index(&self, key: &str) -> Result<u32, ReadError> {
        let text = self.required(key)?;
        text.parse::<u32>()
            .map_err(|_| self.locate.error(self.at, format!("`{text}` in `{key}` is not a vertex index")))
    }

    fn id(&self, key: &str) -> Result<u32, ReadError> {
        let text = self.required(key)?;
        text.parse::<u32>().ok().filter(|&id| id > 0).ok_or_else(|| {
            self.locate.error(self.at, format!("`{text}` in `{key}` is not an object id (a positive whole number)"))
        })
    }

    fn placement(&self) -> Result<Placement, ReadError> {
        let object = self.id("objectid")?;
        let transform = match self.get("transform") {
            None => Transform::IDENTITY,
            Some(text) => self.transform(text)?,
        };
        Ok(Placement { object, transform, at: self.at })
    }

    fn transform(&self, text: &str) -> Result<Transform, ReadError> {
        let numbers: Option<Vec<f64>> =
            text.split_ascii_whitespace().map(|n| n.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        numbers.and_then(|numbers| <[f64; 12]>::try_from(numbers).ok()).map(Transform).ok_or_else(|| {
            self.locate.error(self.at, format!("`transform` must be 12 finite numbers, but it is `{text}`"))
        })
    }

    fn unit(&self) -> Result<f64, ReadError> {
        match self.get("unit") {
            None | Some("millimeter") => Ok(1.0),
            Some("micron") => Ok(0.001),
            Some("centimeter") => Ok(10.0),
            Some("inch") => Ok(25.4),
            Some("foot") => Ok(304.8),
            Some("meter") => Ok(1000.0),
            Some(other) => Err(self.locate.error(
                self.at,
                format!("`{other}` is not a 3MF unit (micron, millimeter, centimeter, inch, foot or meter)"),
            )),
        }
    }

    /// Refuses a model that requires an extension which changes what its
    /// geometry means (beams, slices, displacement …).
    fn check_required_extensions(&self) -> Result<(), ReadError> {
        let Some(required) = self.get("requiredextensions") else { return Ok(()) };
        for prefix in required.split_ascii_whitespace() {
            let Some((_, namespace)) = self.declared.iter().find(|(p, _)| p == prefix) else {
                return Err(self
                    .locate
                    .error(self.at, format!("the required extension `{prefix}` has no namespace declared")));
            };
            if !GEOMETRY_NEUTRAL_EXTENSIONS.contains(&namespace.as_str()) {
                return Err(ReadError::ThreeMfUnsupported { feature: format!("the extension `{namespace}`") });
            }
        }
        Ok(())
    }
}

fn is_production_path(reader: &NsReader<&[u8]>, key: QName<'_>) -> bool {
    let (namespace, local) = reader.resolver().resolve_attribute(key);
    local.as_ref() == "path" && matches!(namespace, ResolveResult::Bound(Namespace(ns)) if ns == PRODUCTION_NAMESPACE)
}
