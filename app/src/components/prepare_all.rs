//! "Prepare all N models": every stage's latest original through the mesh
//! worker, one at a time, each result uploaded as a new version of its
//! stage marked `prepared_from` the original (with the uploads' retries),
//! under a progress bar ("7 of 24 models"). A stage that fails is listed
//! with its message and the others go on; Cancel stops after the model in
//! hand.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use trayforge_wire::Recipe;

use crate::api::{ClientError, use_api};
use crate::display::{count as count_of, sentence};
use crate::import::file_names::Arch;
use crate::import::uploads::{Network, Target, Upload, send};
use crate::prepare::batch::{Original, finished_text, progress_text};
use crate::prepare::preparer::Preparer;
use crate::worker::PrepareOutcome;

/// Where a batch is.
#[derive(Debug, Clone, Default, PartialEq)]
struct BatchRun {
    /// Counts the batches of this page: a new run is told from the last.
    number: u32,
    done: usize,
    total: usize,
    /// The stage in hand: "Upper 7".
    current: Option<String>,
    /// Per failed stage: its name and why.
    failures: Vec<(String, String)>,
    finished: bool,
    cancelled: bool,
}

#[component]
pub(crate) fn PrepareAll(
    case_id: String,
    preparer: Preparer,
    #[prop(into)] originals: Signal<Vec<Original>>,
    /// The form's recipe, or `None` when it has a field to correct (shown there).
    recipe: Callback<(), Option<Recipe>>,
    /// Trim lines placed by hand, by stage key (`upper:7`).
    #[prop(into)]
    trim_lines: Signal<BTreeMap<String, Vec<[f32; 3]>>>,
    /// The teeth's direction set by hand (flipped), by stage key.
    #[prop(into)]
    ups: Signal<BTreeMap<String, [f32; 3]>>,
    /// The batch ended: the page shows the case as it is now.
    on_finished: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let case_id = StoredValue::new(case_id);
    let run = RwSignal::new(None::<BatchRun>);
    let cancel = RwSignal::new(false);
    let running = move || run.with(|run| run.as_ref().is_some_and(|run| !run.finished));

    let start = move |_| {
        let Some(recipe) = recipe.run(()) else { return };
        let batch = originals.get_untracked();
        let lines = trim_lines.get_untracked();
        let set_ups = ups.get_untracked();
        cancel.set(false);
        let number = run.with_untracked(|run| run.as_ref().map_or(1, |run| run.number + 1));
        run.set(Some(BatchRun { number, total: batch.len(), ..BatchRun::default() }));
        spawn_local(async move {
            let network = Network::default();
            for original in batch {
                if cancel.get_untracked() {
                    run.update(|run| {
                        if let Some(run) = run {
                            run.cancelled = true
                        }
                    });
                    break;
                }
                run.update(|run| {
                    if let Some(run) = run {
                        run.current = Some(original.name())
                    }
                });
                let line = lines.get(&original.key()).cloned();
                let up = set_ups.get(&original.key()).copied();
                let outcome =
                    prepare_one(api, &case_id.get_value(), preparer, &recipe, &original, (line, up), &network).await;
                // Signed out: the app is on its way to the sign-in page.
                let Ok(outcome) = outcome else { return };
                run.update(|run| {
                    if let Some(run) = run {
                        run.done += 1;
                        if let Err(message) = outcome {
                            run.failures.push((original.name(), message));
                        }
                    }
                });
            }
            run.update(|run| {
                if let Some(run) = run {
                    run.finished = true;
                    run.current = None;
                }
            });
            on_finished.run(());
        });
    };

    let count = move || originals.with(Vec::len);
    view! {
        <section class="prepare-all" aria-labelledby="prepare-all-heading">
            <h2 id="prepare-all-heading">"Prepare the case"</h2>
            <p class="hint">
                "Each stage's latest original is prepared with the recipe above and saved as a new version; the originals are kept."
            </p>
            <div class="form-actions">
                <button type="button" class="primary" data-testid="prepare-all" disabled=move || running() || count() == 0 on:click=start>
                    {move || format!("Prepare all {}", count_of(count() as u64, "model", "models"))}
                </button>
                <Show when=running>
                    <button type="button" class="quiet" data-testid="cancel-prepare" disabled=move || cancel.get() on:click=move |_| cancel.set(true)>
                        {move || if cancel.get() { "Stopping after this model…" } else { "Cancel" }}
                    </button>
                </Show>
            </div>
            {move || run.get().map(|run| {
                let percent = (run.done * 100).checked_div(run.total).unwrap_or(100);
                let line = match (&run.current, run.finished, run.cancelled) {
                    (_, true, true) => format!("Cancelled: {}", progress_text(run.done, run.total)),
                    (_, true, false) => finished_text(run.done, run.total, run.failures.len()),
                    (Some(current), false, _) => format!("{} · preparing {current}…", progress_text(run.done, run.total)),
                    (None, false, _) => progress_text(run.done, run.total),
                };
                view! {
                    <div
                        class="upload-progress"
                        data-testid="prepare-progress"
                        data-run=run.number.to_string()
                        data-done=run.done.to_string()
                        data-finished=run.finished.to_string()
                    >
                        <progress max="100" value=percent.to_string() aria-label="Preparation progress"></progress>
                        <p class="progress-line" role="status" data-testid="prepare-progress-line">{line}</p>
                    </div>
                    {(!run.failures.is_empty()).then(|| view! {
                        <ul class="prepare-failures" data-testid="prepare-failures" role="alert">
                            {run.failures.into_iter().map(|(name, message)| view! {
                                <li data-testid="prepare-failure"><strong>{name}</strong>": " {message}</li>
                            }).collect_view()}
                        </ul>
                    })}
                }
            })}
        </section>
    }
}

/// Prepares `original` and uploads the result: done, or why not for
/// people; the outer error when the session ended.
async fn prepare_one(
    api: crate::api::Api,
    case_id: &str,
    preparer: Preparer,
    recipe: &Recipe,
    original: &Original,
    (trim_line, up): (Option<Vec<[f32; 3]>>, Option<[f32; 3]>),
    network: &Network,
) -> Result<Result<(), String>, SignedOut> {
    let (facts, stl) = match preparer.prepare(recipe, original, trim_line, up).await {
        Ok(PrepareOutcome::Prepared { facts, stl }) => (facts, stl),
        Ok(PrepareOutcome::Refused { message, .. }) => return Ok(Err(sentence(&message))),
        Err(message) => return Ok(Err(message)),
    };
    let Some(arch) = Arch::from_name(&original.arch) else {
        return Ok(Err(format!("{:?} is not an arch (upper or lower)", original.arch)));
    };
    let Ok(blob) = web_sys::Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(&stl)) else {
        return Ok(Err("the browser could not hold the prepared model; reload the page and try again".to_owned()));
    };
    let upload = Upload {
        target: Target::Model { arch, stage: original.stage },
        file_name: original.prepared_file_name(),
        blob,
        sha256: Some(facts.sha256),
        prepared_from: Some(original.file.id.clone()),
    };
    match send(api, case_id, &upload, network, |_| {}).await {
        Ok(_) => Ok(Ok(())),
        Err(ClientError::SignedOut) => Err(SignedOut),
        Err(error) => Ok(Err(sentence(&format!("the prepared model could not be saved: {error}")))),
    }
}

/// The session ended during the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SignedOut;
