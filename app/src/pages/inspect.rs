//! Inspect a model: pick or drop a mesh file, read it in the browser with
//! mesh-core, see it in the viewer with its triangle count and size.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mesh_core::{Body, IndexedMesh, ReadWarning, SourceFormat, ValidationReport};
use wasm_bindgen_futures::JsFuture;

use crate::components::{DropZone, MeshFacts};
use crate::viewer::Viewer;

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
                    },
                    Err(error) => Inspection::Failed { name, message: error.to_string() },
                },
                Err(message) => Inspection::Failed { name, message },
            };
            inspection.set(next);
        });
    };

    view! {
        <section class="page inspect">
            <div class="inspect-side">
                <h1>"Inspect a model"</h1>
                <DropZone on_file=on_file busy=Signal::derive(move || matches!(inspection.get(), Inspection::Reading { .. })) />
                {move || match inspection.get() {
                    Inspection::Waiting => view! {
                        <p class="hint">"Binary and ASCII STL and OBJ files are read and checked here, in your browser; nothing is uploaded."</p>
                    }.into_any(),
                    Inspection::Reading { name } => view! {
                        <p class="status" role="status">"Reading " <strong>{name}</strong> "…"</p>
                    }.into_any(),
                    Inspection::Read { name, size, format, bodies, warnings, report, .. } => view! {
                        <MeshFacts name=name size=size format=format bodies=bodies warnings=warnings report=report />
                    }.into_any(),
                    Inspection::Failed { name, message } => view! {
                        <div class="read-error" role="alert" data-testid="read-error">
                            <strong>{format!("{name} could not be read")}</strong>
                            <p>{message}</p>
                        </div>
                    }.into_any(),
                }}
            </div>
            <Viewer mesh=mesh />
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
