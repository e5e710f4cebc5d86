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

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::reader::NsReader;
use zip::ZipArchive;

mod model;
mod write;

pub use write::{ThreeMfObject, ThreeMfWriteError, write_3mf};

use self::model::Model;
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
/// A part may unpack to at most this many times the package's size: a
/// model's XML deflates 5 to 10 times, a ZIP bomb thousands of times. So a
/// hostile package is refused after unpacking a bounded multiple of what
/// was uploaded, never a gigabyte …
const MAX_EXPANSION: u64 = 40;
/// … and every package may unpack this much (a small model's few parts).
const MIN_PART_BUDGET: u64 = 16 << 20;
/// Placements of objects (build items and components, nested) in one model.
const MAX_PLACEMENTS: usize = 100_000;
/// Triangles, and vertices, once every placement is counted: a plate of a
/// hundred arches. Components nested a few levels place an object millions
/// of times from a file of a few kilobytes; such a model is refused before
/// any of it is placed.
const MAX_PLACED_ELEMENTS: usize = 20_000_000;
const MAX_COMPONENT_DEPTH: usize = 64;
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
    let budget = part_budget(bytes.len());
    let part = model_part_name(&mut archive, budget)?;
    let xml = read_part(&mut archive, &part, budget)?;
    let model = Model::parse(&xml, &part)?;
    let mesh = model.build(&xml, &part)?;
    Ok((mesh, Vec::new()))
}

/// The model part the package's relationships name, or else (when they
/// name none, or one that is missing) the part named `3D/….model`, the
/// usual `3D/3dmodel.model` first. Part names ignore case, as in OPC.
fn model_part_name(archive: &mut ZipArchive<Cursor<&[u8]>>, budget: u64) -> Result<String, ReadError> {
    let names: Vec<String> = archive.file_names().filter_map(Result::ok).map(|name| name.into_owned()).collect();
    let find = |wanted: &str| {
        names.iter().find(|name| name.trim_start_matches('/').eq_ignore_ascii_case(wanted.trim_start_matches('/')))
    };
    let target = find(RELATIONSHIPS_PART)
        .cloned()
        .and_then(|rels| read_part(archive, &rels, budget).ok())
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

/// How much one part of a package of `package_len` bytes may unpack to.
pub(crate) fn part_budget(package_len: usize) -> u64 {
    (package_len as u64).saturating_mul(MAX_EXPANSION).clamp(MIN_PART_BUDGET, MAX_PART_BYTES)
}

/// The part `part`, unpacked as a stream that stops past `budget` bytes:
/// neither the size the ZIP declares nor the bytes it inflates to can make
/// it take more memory than that.
fn read_part(archive: &mut ZipArchive<Cursor<&[u8]>>, part: &str, budget: u64) -> Result<Vec<u8>, ReadError> {
    let damaged = |e: &dyn std::fmt::Display| ReadError::ThreeMfPackage {
        problem: format!("its part `{part}` cannot be unpacked: {e}"),
    };
    let file = archive.by_name(part).map_err(|e| damaged(&e))?;
    let mut bytes = Vec::with_capacity(file.size().min(budget) as usize);
    file.take(budget + 1).read_to_end(&mut bytes).map_err(|e| damaged(&e))?;
    if bytes.len() as u64 > budget {
        return Err(ReadError::ThreeMfPackage {
            problem: format!(
                "its part `{part}` unpacks to more than {} MiB, over {MAX_EXPANSION} times the file's size, which no \
                 model needs (it may be a ZIP bomb)",
                budget >> 20
            ),
        });
    }
    Ok(bytes)
}
