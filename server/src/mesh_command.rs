//! `trayforge mesh …`: mesh-core on the command line, for people and scripts.
//!
//! `inspect FILE [--json] [--min-height MM] [--max-height MM]` prints the
//! validation report; `convert IN OUT` writes the format OUT's extension
//! names: binary STL (`--ascii` for ASCII) or 3MF (one object per body);
//! `repair IN OUT` repairs with the default options, prints what changed,
//! and writes STL like `convert`; `prepare IN OUT [--recipe FILE.json]
//! [--arch upper|lower] [--label TEXT] [--flip]` runs the preparation
//! recipe (the default recipe when no file is given), prints each step's
//! sentence and writes the prepared model. A file that cannot be read, a
//! recipe that is not valid, and a model the recipe refuses (with its step
//! and reason) are reported on stderr with exit code 2; nothing is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use mesh_core::{
    Body, HeightCheck, IndexedMesh, Orientation, ReadOutcome, RepairOptions, RepairReport, ThreeMfObject,
    ValidationReport,
};
use trayforge_wire::{BoundingBox, MeshBody, MeshReport};

/// Why a mesh command failed: the input (exit code 2) or anything else.
#[derive(Debug, thiserror::Error)]
pub enum MeshCommandError {
    #[error("{path}: {source}")]
    BadInput { path: PathBuf, source: mesh_core::ReadError },
    #[error("cannot read {path}: {source}")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Unwritable { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot write `{extension}` files; name the output .stl or .3mf")]
    UnknownOutputFormat { path: PathBuf, extension: String },
    #[error("{path}: {source}")]
    Unencodable { path: PathBuf, source: mesh_core::ThreeMfWriteError },
    #[error("{path}: not a valid recipe: {message}")]
    BadRecipe { path: PathBuf, message: String },
    #[error("{path}: not prepared, nothing written: {source}")]
    Refused { path: PathBuf, source: mesh_core::prepare::PrepareError },
}

impl MeshCommandError {
    /// Whether the user gave something unusable (exit code 2), rather than
    /// the machine failing to read or write (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            MeshCommandError::BadInput { .. }
                | MeshCommandError::UnknownOutputFormat { .. }
                | MeshCommandError::BadRecipe { .. }
                | MeshCommandError::Refused { .. }
        )
    }
}

/// The heights a printer can build, in mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintableHeight {
    pub min_mm: f32,
    pub max_mm: f32,
}

pub fn read_mesh(path: &Path) -> Result<ReadOutcome, MeshCommandError> {
    let bytes = std::fs::read(path).map_err(|source| MeshCommandError::Unreadable { path: path.to_owned(), source })?;
    mesh_core::read(&bytes).map_err(|source| MeshCommandError::BadInput { path: path.to_owned(), source })
}

pub fn report(outcome: &ReadOutcome, printable: Option<PrintableHeight>) -> MeshReport {
    let report: ValidationReport = mesh_core::validate(&outcome.mesh);
    let (orientation, misoriented_edges) = match report.orientation {
        Orientation::Consistent { outward: true } => ("outward", 0),
        Orientation::Consistent { outward: false } => ("inward", 0),
        Orientation::Inconsistent { misoriented_edges } => ("inconsistent", misoriented_edges),
    };
    let height_check = printable.map(|p| {
        match report.check_height(p.min_mm, p.max_mm) {
            HeightCheck::Fits { .. } | HeightCheck::Empty => "fits",
            HeightCheck::TooTall { .. } => "too_tall",
            HeightCheck::TooShort { .. } => "too_short",
        }
        .to_owned()
    });
    MeshReport {
        format: outcome.format.id().to_owned(),
        bodies: outcome
            .bodies
            .iter()
            .map(|b| MeshBody { name: b.name.clone(), triangles: b.triangles.len() })
            .collect(),
        face_colors: outcome.colors.is_some(),
        height_mm: report.height_mm(),
        height_check,
        triangles: report.triangles,
        vertices: report.vertices,
        bounds: report.bounds.map(|b| BoundingBox { min: b.min, max: b.max, size: b.size() }),
        surface_area_mm2: report.surface_area,
        volume_mm3: report.watertight.then_some(report.signed_volume.abs()),
        watertight: report.watertight,
        boundary_loops: report.boundary_loops,
        non_manifold_edges: report.non_manifold_edges,
        degenerate_faces: report.degenerate_faces,
        duplicate_faces: report.duplicate_faces,
        components: report.components,
        orientation: orientation.to_owned(),
        misoriented_edges,
        warnings: outcome.warnings.iter().map(ToString::to_string).collect(),
    }
}

/// The report as a person reads it.
pub fn describe(path: &Path, report: &MeshReport) -> String {
    let mut lines = vec![format!("{} ({})", path.display(), report.format.replace('_', " "))];
    lines.push(format!("  triangles          {}", report.triangles));
    lines.push(format!("  vertices           {}", report.vertices));
    if let Some(b) = &report.bounds {
        lines.push(format!("  size               {:.2} × {:.2} × {:.2} mm", b.size[0], b.size[1], b.size[2]));
    }
    lines.push(format!("  surface area       {:.1} mm²", report.surface_area_mm2));
    lines.push(match report.volume_mm3 {
        Some(volume) => format!("  volume             {volume:.1} mm³"),
        None => "  volume             — (not watertight)".to_owned(),
    });
    lines.push(format!(
        "  watertight         {}",
        match (report.watertight, report.boundary_loops.len()) {
            (true, _) => "yes".to_owned(),
            (false, 1) => "no (1 hole)".to_owned(),
            (false, holes) => format!("no ({holes} holes)"),
        }
    ));
    lines.push(format!("  non-manifold edges {}", report.non_manifold_edges));
    lines.push(format!("  degenerate faces   {}", report.degenerate_faces));
    lines.push(format!("  duplicate faces    {}", report.duplicate_faces));
    lines.push(format!("  components         {}", report.components));
    lines.push(format!("  orientation        {}", report.orientation));
    if let Some(height) = report.height_mm {
        let check = match report.height_check.as_deref() {
            Some("fits") => " (fits the printer)",
            Some("too_tall") => " (TOO TALL for the printer)",
            Some("too_short") => " (too short for the printer)",
            _ => "",
        };
        lines.push(format!("  height             {height:.2} mm{check}"));
    }
    if report.bodies.len() > 1 {
        let named = |b: &MeshBody| if b.name.is_empty() { "unnamed".to_owned() } else { b.name.clone() };
        let bodies: Vec<String> = report.bodies.iter().map(|b| format!("{} ({})", named(b), b.triangles)).collect();
        lines.push(format!("  bodies             {}", bodies.join(", ")));
    }
    if report.face_colors {
        lines.push("  face colours       yes".to_owned());
    }
    for warning in &report.warnings {
        lines.push(format!("  warning: {warning}"));
    }
    lines.join("\n")
}

/// The mesh in the format `output`'s extension names: `.stl` (binary, or
/// ASCII when `ascii`) or `.3mf` (one object per body when there are
/// several, named as in the file).
pub fn encode(mesh: &IndexedMesh, bodies: &[Body], output: &Path, ascii: bool) -> Result<Vec<u8>, MeshCommandError> {
    let stem = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let extension = output.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "stl" if ascii => Ok(mesh_core::write_ascii_stl(mesh, &stem).into_bytes()),
        "stl" => Ok(mesh_core::write_binary_stl(mesh)),
        "3mf" => {
            let parts: Vec<(String, IndexedMesh)> = match bodies {
                [_, _, ..] => bodies
                    .iter()
                    .filter(|b| !b.triangles.is_empty())
                    .map(|b| {
                        (
                            if b.name.is_empty() { stem.clone() } else { b.name.clone() },
                            mesh.submesh(b.triangles.clone()),
                        )
                    })
                    .collect(),
                _ => vec![(stem, mesh.clone())],
            };
            let objects: Vec<ThreeMfObject<'_>> =
                parts.iter().map(|(name, mesh)| ThreeMfObject { name, mesh }).collect();
            mesh_core::write_3mf(&objects)
                .map_err(|source| MeshCommandError::Unencodable { path: output.to_owned(), source })
        }
        _ => Err(MeshCommandError::UnknownOutputFormat {
            path: output.to_owned(),
            extension: if extension.is_empty() { "(no extension)".to_owned() } else { format!(".{extension}") },
        }),
    }
}

/// Reads `input`, repairs it with the default options and writes the result
/// to `output` (binary STL, or ASCII named after the file); nothing is
/// written when the input cannot be read.
pub fn repair_file(input: &Path, output: &Path, ascii: bool) -> Result<RepairReport, MeshCommandError> {
    let outcome = read_mesh(input)?;
    let (mesh, report) = mesh_core::repair(&outcome.mesh, &RepairOptions::default());
    // Repair works on the whole mesh: the file's bodies do not survive it.
    write_atomically(output, &encode(&mesh, &[], output, ascii)?)?;
    Ok(report)
}

/// What `prepare` is asked for besides the files.
#[derive(Debug, Clone, Default)]
pub struct PrepareRequest {
    /// A recipe as JSON (the API's `Recipe`); the default recipe when `None`.
    pub recipe: Option<PathBuf>,
    /// The arch, for the label's U or L; else guessed from the file name (upper when it says nothing).
    pub arch: Option<mesh_core::Arch>,
    /// The label's text (the Data Matrix encodes it too); else the file's name.
    pub label: Option<String>,
    /// Turn the teeth's direction found from the model the other way.
    pub flip: bool,
}

/// Reads `input`, applies the recipe and writes the prepared model to
/// `output`; returns each step's sentence. Nothing is written when the
/// input, the recipe or the preparation fails.
pub fn prepare_file(input: &Path, output: &Path, request: &PrepareRequest) -> Result<Vec<String>, MeshCommandError> {
    use mesh_core::prepare::{Part, Recipe, check_recipe, prepare};
    let recipe = match &request.recipe {
        None => Recipe::default(),
        Some(path) => {
            let bad = |message: String| MeshCommandError::BadRecipe { path: path.clone(), message };
            let text =
                std::fs::read(path).map_err(|source| MeshCommandError::Unreadable { path: path.clone(), source })?;
            let recipe: Recipe = serde_json::from_slice(&text).map_err(|e| bad(e.to_string()))?;
            check_recipe(&recipe).map_err(|problem| bad(problem.to_string()))?;
            recipe
        }
    };
    let outcome = read_mesh(input)?;
    let name = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let lower = name.to_lowercase();
    let arch = request.arch.unwrap_or(if lower.contains("lower") || lower.contains("mandib") {
        mesh_core::Arch::Lower
    } else {
        mesh_core::Arch::Upper
    });
    let label: String = request.label.clone().unwrap_or_else(|| name.chars().take(16).collect());
    let mut part = Part { code: label.replace(' ', "-"), label_text: label, ..Part::aligner("", arch, 0) };
    if request.flip {
        let found = mesh_core::find_arch_frame(&outcome.mesh)
            .map_err(|e| MeshCommandError::Refused { path: input.to_owned(), source: e.into() })?;
        part.up = Some(found.flipped().up);
    }
    let font = crate::jobs::prepare_case::LABEL_FONT;
    let prepared = prepare(&outcome.mesh, &recipe, &part, font)
        .map_err(|source| MeshCommandError::Refused { path: input.to_owned(), source })?;
    write_atomically(output, &encode(&prepared.mesh, &[], output, false)?)?;
    Ok(prepared.steps.iter().map(|(step, said)| format!("{step}: {said}")).collect())
}

/// Writes `bytes` to `path` so that no partial file is ever visible: a
/// temporary name beside it, flushed to disk, then renamed over.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), MeshCommandError> {
    let unwritable = |source| MeshCommandError::Unwritable { path: path.to_owned(), source };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.partial", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(unwritable)
}
