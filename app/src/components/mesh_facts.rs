//! The facts of a mesh that was read: triangles, size, format, warnings.

use std::sync::Arc;

use leptos::prelude::*;
use mesh_core::{Body, Orientation, ReadWarning, SourceFormat, ValidationReport};

use crate::display::{group_thousands, megabytes};

#[component]
pub(crate) fn MeshFacts(
    name: String,
    size: usize,
    format: SourceFormat,
    bodies: Vec<Body>,
    warnings: Vec<ReadWarning>,
    report: Arc<ValidationReport>,
) -> impl IntoView {
    let triangles = report.triangles;
    let bounds = report.bounds.map(|b| {
        let [x, y, z] = b.size();
        format!("{x:.1} × {y:.1} × {z:.1} mm")
    });
    let face_problems = face_problems(&report);
    let faces = if face_problems.is_empty() { "all fine".to_owned() } else { face_problems.join(", ") };
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    view! {
        <div class="mesh-facts">
            <h2 class="file-name">{name.clone()}</h2>
            <dl>
                <dt>"Looks like"</dt>
                <dd data-testid="file-guess">{crate::import::guess(&name).to_string()}</dd>
                <dt>"Triangles"</dt>
                <dd data-testid="triangle-count" data-count=triangles.to_string()>{group_thousands(triangles)}</dd>
                <dt>"Vertices"</dt>
                <dd>{group_thousands(report.vertices)}</dd>
                <dt>"Size (x × y × z)"</dt>
                <dd data-testid="bounds">{bounds.unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>"File"</dt>
                <dd>{format!("{format}, {}", megabytes(size as u64))}</dd>
                <dt>"Closed"</dt>
                <dd data-testid="watertight" class:problem=!report.watertight>{closed(&report)}</dd>
                <dt>"Volume"</dt>
                <dd>{if report.watertight { format!("{:.0} mm³", report.signed_volume.abs()) } else { "— (not closed)".to_owned() }}</dd>
                {(bodies.len() > 1).then(|| view! {
                    <dt>"Bodies"</dt>
                    <dd data-testid="bodies" data-count=bodies.len().to_string()>{body_list(&bodies)}</dd>
                })}
                <dt>"Pieces"</dt>
                <dd class:problem=report.components != 1>{report.components.to_string()}</dd>
                <dt>"Faces"</dt>
                <dd class:problem=!face_problems.is_empty()>{faces}</dd>
            </dl>
            {(!warnings.is_empty()).then(|| view! {
                <ul class="warnings" data-testid="read-warnings">
                    {warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// Whether the surface is closed, and if not, why, in a technician's words.
fn closed(report: &ValidationReport) -> String {
    if report.watertight {
        return "yes".to_owned();
    }
    let mut reasons = Vec::new();
    match report.boundary_loops.len() {
        0 => {}
        1 => reasons.push("1 hole".to_owned()),
        n => reasons.push(format!("{n} holes")),
    }
    if report.non_manifold_edges > 0 {
        reasons.push(format!("{} non-manifold edges", report.non_manifold_edges));
    }
    format!("no ({})", reasons.join(", "))
}

/// The file's named parts: `upper (12 faces), lower (12 faces)`.
fn body_list(bodies: &[Body]) -> String {
    let named = |b: &Body| if b.name.is_empty() { "unnamed".to_owned() } else { b.name.clone() };
    bodies
        .iter()
        .map(|b| format!("{} ({} faces)", named(b), group_thousands(b.triangles.len())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is wrong with the faces, if anything.
fn face_problems(report: &ValidationReport) -> Vec<String> {
    let mut problems = Vec::new();
    if report.degenerate_faces > 0 {
        problems.push(format!("{} degenerate", report.degenerate_faces));
    }
    if report.duplicate_faces > 0 {
        problems.push(format!("{} duplicate", report.duplicate_faces));
    }
    if let Orientation::Inconsistent { misoriented_edges } = report.orientation {
        problems.push(format!("flipped ({misoriented_edges} edges disagree)"));
    } else if let Orientation::Consistent { outward: false } = report.orientation {
        problems.push("inside out".to_owned());
    }
    problems
}
