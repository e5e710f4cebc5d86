//! `trayforge mesh …`: mesh-core on the command line, for people and scripts.
//!
//! `inspect FILE [--json]` prints the validation report; `convert IN OUT`
//! writes binary STL (`--ascii` for ASCII); `repair IN OUT` repairs with the
//! default options, prints what changed, and writes like `convert`. A file
//! that cannot be read is reported on stderr with exit code 2.

use std::io::Write;
use std::path::{Path, PathBuf};

use mesh_core::{Orientation, ReadOutcome, RepairOptions, RepairReport, SourceFormat, ValidationReport};
use trayforge_wire::{BoundingBox, MeshReport};

/// Why a mesh command failed: the input (exit code 2) or anything else.
#[derive(Debug, thiserror::Error)]
pub enum MeshCommandError {
    #[error("{path}: {source}")]
    BadInput { path: PathBuf, source: mesh_core::ReadError },
    #[error("cannot read {path}: {source}")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Unwritable { path: PathBuf, source: std::io::Error },
}

pub fn read_mesh(path: &Path) -> Result<ReadOutcome, MeshCommandError> {
    let bytes = std::fs::read(path).map_err(|source| MeshCommandError::Unreadable { path: path.to_owned(), source })?;
    mesh_core::read(&bytes).map_err(|source| MeshCommandError::BadInput { path: path.to_owned(), source })
}

pub fn report(outcome: &ReadOutcome) -> MeshReport {
    let report: ValidationReport = mesh_core::validate(&outcome.mesh);
    let (orientation, misoriented_edges) = match report.orientation {
        Orientation::Consistent { outward: true } => ("outward", 0),
        Orientation::Consistent { outward: false } => ("inward", 0),
        Orientation::Inconsistent { misoriented_edges } => ("inconsistent", misoriented_edges),
    };
    MeshReport {
        format: match outcome.format {
            SourceFormat::BinaryStl => "binary_stl",
            SourceFormat::AsciiStl => "ascii_stl",
            SourceFormat::Obj => "obj",
            SourceFormat::Ply => "ply",
            SourceFormat::ThreeMf => "3mf",
        }
        .to_owned(),
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
    for warning in &report.warnings {
        lines.push(format!("  warning: {warning}"));
    }
    lines.join("\n")
}

/// Reads `input`, repairs it with the default options and writes the result
/// to `output` (binary STL, or ASCII named after the file); nothing is
/// written when the input cannot be read.
pub fn repair_file(input: &Path, output: &Path, ascii: bool) -> Result<RepairReport, MeshCommandError> {
    let outcome = read_mesh(input)?;
    let (mesh, report) = mesh_core::repair(&outcome.mesh, &RepairOptions::default());
    let bytes = if ascii {
        let name = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        mesh_core::write_ascii_stl(&mesh, &name).into_bytes()
    } else {
        mesh_core::write_binary_stl(&mesh)
    };
    write_atomically(output, &bytes)?;
    Ok(report)
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
