//! Inspect a model: pick or drop a mesh file, read it in the browser with
//! mesh-core, see it in the viewer with its triangle count and size.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mesh_core::{Body, IndexedMesh, ReadWarning, RepairOptions, SourceFormat, ValidationReport};
use wasm_bindgen_futures::JsFuture;

use crate::components::{DropZone, MeshFacts, RepairPanel, RepairState};
use crate::save::save_file;
use crate::viewer::{Viewer, ViewerContent};

/// Where the page is with the file the user gave it.
#[derive(Debug, Clone)]
enum Inspection {
    Waiting,
    Reading {
        name: String,
    },
    Read {
        name: String,
        size: usize,
        format: SourceFormat,
        bodies: Vec<Body>,
        warnings: Vec<ReadWarning>,
        mesh: Arc<IndexedMesh>,
        report: Arc<ValidationReport>,
        repair: RepairState,
    },
    Failed {
        name: String,
        message: String,
    },
}

#[component]
pub(crate) fn InspectPage() -> impl IntoView {
    let inspection = RwSignal::new(Inspection::Waiting);
    let mesh = Signal::derive(move || match inspection.get() {
        Inspection::Read { mesh, .. } => Some(mesh),
        _ => None::<Arc<IndexedMesh>>,
    });

    let on_file = move |file: web_sys::File| {
        let name = file.name();
        inspection.set(Inspection::Reading { name: name.clone() });
        spawn_local(async move {
            let next = match read_file(&file).await {
                Ok(bytes) => match mesh_core::read(&bytes) {
                    Ok(outcome) => Inspection::Read {
                        name,
                        size: bytes.len(),
                        format: outcome.format,
                        bodies: outcome.bodies,
                        report: Arc::new(mesh_core::validate(&outcome.mesh)),
                        warnings: outcome.warnings,
                        mesh: Arc::new(outcome.mesh),
                        repair: RepairState::Original,
                    },
                    Err(error) => Inspection::Failed { name, message: error.to_string() },
                },
                Err(message) => Inspection::Failed { name, message },
            };
            inspection.set(next);
        });
    };

    // Repair runs here, in the browser, on the mesh already read.
    let on_repair = Callback::new(move |()| {
        inspection.update(|state| {
            if let Inspection::Read { mesh, report, bodies, repair, .. } = state {
                let (repaired, changes) = mesh_core::repair(mesh, &RepairOptions::default());
                *report = Arc::new(mesh_core::validate(&repaired));
                *mesh = Arc::new(repaired);
                // The file's parts do not survive repair, which works on the whole mesh.
                bodies.clear();
                *repair = RepairState::Repaired { summary: changes.summary(), changed: !changes.is_empty() };
            }
        });
    });
    let save_error = RwSignal::new(None::<String>);
    let on_download = Callback::new(move |()| {
        if let Inspection::Read { name, mesh, .. } = inspection.get_untracked() {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem).to_owned();
            let saved = save_file(&format!("{stem}-repaired.stl"), &mesh_core::write_binary_stl(&mesh), "model/stl");
            save_error.set(saved.err());
        }
    });

    view! {
        <section class="page inspect">
            <div class="inspect-side">
                <h1>"Inspect a model"</h1>
                <DropZone on_file=on_file busy=Signal::derive(move || matches!(inspection.get(), Inspection::Reading { .. })) />
                {move || match inspection.get() {
                    Inspection::Waiting => view! {
                        <p class="hint">"STL, OBJ, PLY and 3MF files are read, checked and repaired here, in your browser; nothing is uploaded."</p>
                    }.into_any(),
                    Inspection::Reading { name } => view! {
                        <p class="status" role="status">"Reading " <strong>{name}</strong> "…"</p>
                    }.into_any(),
                    Inspection::Read { name, size, format, bodies, warnings, report, repair, .. } => view! {
                        <MeshFacts name=name size=size format=format bodies=bodies warnings=warnings report=report.clone() />
                        <RepairPanel report=report state=repair on_repair=on_repair on_download=on_download />
                        {move || save_error.get().map(|message| view! { <p class="read-error" role="alert">{message}</p> })}
                    }.into_any(),
                    Inspection::Failed { name, message } => view! {
                        <div class="read-error" role="alert" data-testid="read-error">
                            <strong>{format!("{name} could not be read")}</strong>
                            <p>{message}</p>
                        </div>
                    }.into_any(),
                }}
            </div>
            <Viewer content=Signal::derive(move || ViewerContent::single(mesh.get())) />
        </section>
    }
}

/// The whole file as bytes.
async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the browser could not read the file; check that it still exists and try again".to_owned())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
