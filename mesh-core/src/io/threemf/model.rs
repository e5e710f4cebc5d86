//! The model part of a 3MF package: objects, components and the build, and
//! placing them into one mesh in millimetres.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, QName, ResolveResult};
use quick_xml::reader::NsReader;
use rustc_hash::FxHashMap;

use super::{
    CORE_NAMESPACE, GEOMETRY_NEUTRAL_EXTENSIONS, MAX_COMPONENT_DEPTH, MAX_PLACED_ELEMENTS, MAX_PLACEMENTS,
    PRODUCTION_NAMESPACE,
};
use crate::IndexedMesh;
use crate::io::ReadError;
use crate::io::weld::Welder;

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
pub(super) struct Model {
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
    pub(super) fn parse(xml: &[u8], part: &str) -> Result<Model, ReadError> {
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
    pub(super) fn build(&self, xml: &[u8], part: &str) -> Result<IndexedMesh, ReadError> {
        if let Some((triangles, vertices)) = self.placed_size()
            && triangles.max(vertices) > MAX_PLACED_ELEMENTS
        {
            return Err(ReadError::ThreeMfUnsupported {
                feature: format!(
                    "{triangles} triangles and {vertices} vertices once every object is placed (at most \
                     {MAX_PLACED_ELEMENTS} of each)"
                ),
            });
        }
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

    /// How many triangles and vertices the build places, every placement
    /// counted (at most: `append` may share vertices), without placing any;
    /// `None` where [`Model::place`] will name a problem instead (an object
    /// that is not defined, components nested too deep).
    fn placed_size(&self) -> Option<(usize, usize)> {
        let mut known = FxHashMap::default();
        let mut total = (0usize, 0usize);
        for item in &self.items {
            let (triangles, vertices) = self.object_size(item.object, 0, &mut known)?;
            total = (total.0.saturating_add(triangles), total.1.saturating_add(vertices));
        }
        Some(total)
    }

    /// [`Model::placed_size`] of one object, each object counted once
    /// however often it is placed (`known`), so a deep tree is counted in
    /// time linear in the model's objects and components.
    fn object_size(&self, id: u32, depth: usize, known: &mut FxHashMap<u32, (usize, usize)>) -> Option<(usize, usize)> {
        if let Some(&size) = known.get(&id) {
            return Some(size);
        }
        if depth > MAX_COMPONENT_DEPTH {
            return None;
        }
        let object = self.objects.get(&id)?;
        let mut size = object.mesh.as_ref().map_or((0, 0), |mesh| (mesh.triangle_count(), mesh.vertex_count()));
        for component in &object.components {
            let (triangles, vertices) = self.object_size(component.object, depth + 1, known)?;
            size = (size.0.saturating_add(triangles), size.1.saturating_add(vertices));
        }
        known.insert(id, size);
        Some(size)
    }
}

/// Appends one placed object, sharing a vertex between identical positions
/// (`-0.0` is `0.0`). Indices were checked against the object when read.
fn append(mesh: &IndexedMesh, transform: &Transform, out: &mut IndexedMesh) -> Result<(), String> {
    if out.positions.len() + mesh.positions.len() > u32::MAX as usize {
        return Err("the model holds more than 2³² vertices".to_owned());
    }
    // Fewer than 2³² vertices in all, checked above.
    let first = out.positions.len() as u32;
    let mut welder = Welder::for_vertices(mesh.positions.len());
    let mut remap = Vec::with_capacity(mesh.positions.len());
    for (vertex, &p) in mesh.positions.iter().enumerate() {
        let moved =
            if *transform == Transform::IDENTITY { p } else { transform.apply(p.map(f64::from)).map(|c| c as f32) };
        if moved.iter().any(|c| !c.is_finite()) {
            return Err(format!("vertex {vertex} lies beyond the range of 32-bit numbers once placed"));
        }
        remap.push(first + welder.add_vertex(moved));
    }
    out.positions.extend(welder.finish().positions);
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
