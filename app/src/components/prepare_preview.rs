//! The Prepare page's preview: the original and the prepared model side by
//! side in two viewers, each with an arrow showing which way the teeth
//! point (on the prepared model: up, from its base), and when the recipe
//! trims, the trim line over both
//! with "Place points" (click the original's surface, close the line on its
//! first point; Escape stops) and "Download line".

use std::sync::Arc;

use leptos::prelude::*;
use mesh_core::IndexedMesh;

use crate::prepare::frame_arrow::frame_arrow;
use crate::prepare::trim_line::{PlacedLine, closed_segments};
use crate::viewer::{Marks, Viewer, ViewerContent};

/// The models shown, and the trim line of the stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreviewModels {
    pub(crate) original: RwSignal<Option<Arc<IndexedMesh>>>,
    pub(crate) prepared: RwSignal<Option<Arc<IndexedMesh>>>,
    /// The line the stage is trimmed along: placed by hand, else the recipe's.
    pub(crate) line: Signal<Option<Vec<[f32; 3]>>>,
    /// The same line on the prepared model, as the last preview placed it.
    pub(crate) placed_line: RwSignal<Option<Vec<[f32; 3]>>>,
    /// The arch's frame the last preview used, on the original: the way
    /// the teeth point and the front.
    pub(crate) frame: RwSignal<Option<([f32; 3], [f32; 3])>>,
}

#[component]
pub(crate) fn PreparePreview(
    models: PreviewModels,
    /// The recipe trims: the line tools show.
    #[prop(into)]
    trims: Signal<bool>,
    /// A line is being placed on the original.
    placing: RwSignal<Option<PlacedLine>>,
    /// A placed line was closed: the stage is trimmed along it.
    on_placed: Callback<Vec<[f32; 3]>>,
    /// Download the stage's line as text.
    on_download_line: Callback<()>,
) -> impl IntoView {
    let line_marks = move |line: Option<Vec<[f32; 3]>>| match placing.get() {
        Some(line) => Marks { points: line.points.clone(), segments: line.segments() },
        None if trims.get() => {
            let points = line.unwrap_or_default();
            Marks { segments: closed_segments(&points), points }
        }
        None => Marks::default(),
    };
    // The arrow over a model whose teeth point along `up`.
    let content = move |mesh: Option<Arc<IndexedMesh>>, mut marks: Marks, frame: Option<([f32; 3], [f32; 3])>| {
        if let (Some(bounds), Some((up, front))) = (mesh.as_ref().and_then(|m| m.bounds()), frame) {
            let arrow = frame_arrow(&bounds, up, front);
            // A dot on the tip, so the arrow shows even seen end-on.
            marks.points.push(arrow[0][1]);
            marks.segments.extend(arrow);
        }
        ViewerContent { marks, ..ViewerContent::single(mesh) }
    };
    let original_content = move || content(models.original.get(), line_marks(models.line.get()), models.frame.get());
    // The prepared model stands on its base: its teeth point up (+Z), its front along +Y.
    let standing = move || models.frame.get().map(|_| ([0.0, 0.0, 1.0], [0.0, 1.0, 0.0]));
    let prepared_marks =
        move || if placing.with(Option::is_some) { Marks::default() } else { line_marks(models.placed_line.get()) };
    let prepared_content = move || content(models.prepared.get(), prepared_marks(), standing());
    let on_pick = Callback::new(move |point: [f32; 3]| {
        let mut closed = None;
        placing.update(|line| {
            if let Some(line) = line {
                line.click(point);
                closed = line.closed.then(|| line.points.clone());
            }
        });
        if let Some(points) = closed {
            placing.set(None);
            on_placed.run(points);
        }
    });
    let place_status = move || {
        placing.get().map(|line| match line.points.len() {
            0 => "Click or tap the original's surface where the line starts.".to_owned(),
            1 | 2 => format!("{} points: go on round the arch.", line.points.len()),
            n => format!("{n} points: click the first point to close the line."),
        })
    };
    view! {
        <div
            class="prepare-preview"
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" && placing.with_untracked(Option::is_some) {
                    placing.set(None);
                }
            }
        >
            <figure class="prepare-view" data-testid="preview-original">
                <figcaption>"Original"</figcaption>
                <Viewer
                    content=Signal::derive(original_content)
                    on_pick=on_pick
                    picking=Signal::derive(move || placing.with(Option::is_some))
                    label="3D view of the original model"
                />
            </figure>
            <figure class="prepare-view" data-testid="preview-prepared">
                <figcaption>"Prepared"</figcaption>
                <Viewer content=Signal::derive(prepared_content) label="3D view of the prepared model" />
            </figure>
        </div>
        <Show when=move || trims.get()>
            <div class="trim-tools" data-testid="trim-tools">
                {move || if placing.with(Option::is_some) {
                    view! {
                        <button type="button" class="quiet" data-testid="cancel-points" on:click=move |_| placing.set(None)>"Stop placing"</button>
                    }.into_any()
                } else {
                    view! {
                        <button
                            type="button"
                            class="quiet"
                            data-testid="place-points"
                            disabled=move || models.original.with(Option::is_none)
                            on:click=move |_| placing.set(Some(PlacedLine::default()))
                        >
                            "Place points"
                        </button>
                    }.into_any()
                }}
                <button
                    type="button"
                    class="quiet"
                    data-testid="download-line"
                    disabled=move || models.line.with(|line| line.as_ref().is_none_or(Vec::is_empty))
                    on:click=move |_| on_download_line.run(())
                >
                    "Download line"
                </button>
                {move || place_status().map(|text| view! { <p class="hint" role="status">{text}</p> })}
            </div>
        </Show>
    }
}
