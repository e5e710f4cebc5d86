//! `/cases/:id/prepare`: the Prepare page. The recipe (loaded from the
//! clinic's default, "Save as clinic default" for those who may), a stage
//! to preview it on (original and prepared side by side, each step's
//! sentence or error beside its settings, the trim line), "Prepare all N
//! models", and the export downloads.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use trayforge_wire::{CaseDetail, Recipe};

use crate::api::{ClientError, ExportFormat, export_href, use_api};
use crate::components::{PrepareAll, PreparePreview, PreviewModels, RecipeForm, RecipeInputs, StepNote};
use crate::display::{group_thousands, sentence};
use crate::prepare::batch::{Original, originals};
use crate::prepare::preparer::Preparer;
use crate::prepare::trim_line::PlacedLine;
use crate::roles::saves_recipes;
use crate::save::save_file;
use crate::state::use_session;
use crate::worker::PrepareOutcome;

/// Where the page is with its case.
#[derive(Debug, Clone, PartialEq)]
enum CaseLoad {
    Waiting,
    Loaded(Box<CaseDetail>),
    Failed(String),
}

#[component]
pub(crate) fn PreparePage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let loading = RwSignal::new(CaseLoad::Waiting);
    let reload = Callback::new(move |()| {
        let id = id.clone();
        spawn_local(async move {
            match api.case(&id).await {
                Ok(detail) => loading.set(CaseLoad::Loaded(Box::new(detail))),
                Err(ClientError::SignedOut) => {}
                Err(error) if error.is_not_found() => loading.set(CaseLoad::Failed(
                    "This clinic has no case at this address; it may have been deleted.".to_owned(),
                )),
                Err(error) => loading.set(CaseLoad::Failed(sentence(&error.to_string()))),
            }
        });
    });
    reload.run(());
    // The page is made once per case; a batch's new versions reach it through `stages`.
    let phase = Memo::new(move |_| match loading.get() {
        CaseLoad::Waiting => Ok(None),
        CaseLoad::Loaded(detail) => Ok(Some(detail.case.id.clone())),
        CaseLoad::Failed(message) => Err(message),
    });
    move || match (phase.get(), loading.get_untracked()) {
        (Ok(Some(_)), CaseLoad::Loaded(detail)) => {
            let stages = Signal::derive(move || match loading.get() {
                CaseLoad::Loaded(detail) => detail.stages,
                _ => Vec::new(),
            });
            view! { <PrepareView detail=*detail stages=stages on_changed=reload /> }.into_any()
        }
        (Err(message), _) => view! {
            <section class="page">
                <p class="form-error" role="alert">{message}</p>
                <p><A href="/cases">"Back to all cases"</A></p>
            </section>
        }
        .into_any(),
        _ => view! { <p class="page status" role="status">"Loading the case…"</p> }.into_any(),
    }
}

/// How the last preview went.
#[derive(Debug, Clone, PartialEq)]
enum PreviewState {
    Idle,
    Running,
    Done { triangles: usize, watertight: bool, elapsed_ms: f64 },
    Failed(String),
}

#[component]
fn PrepareView(
    detail: CaseDetail,
    #[prop(into)] stages: Signal<Vec<trayforge_wire::StageView>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let may_save = session.account().is_some_and(|account| saves_recipes(&account.role));
    let case = detail.case.clone();
    let code = case.patient.code.clone();
    let case_id = case.id.clone();
    let preparer = Preparer::new(api, code.clone());
    let originals = Memo::new(move |_| originals(&stages.get()));

    // The recipe: the standard one until the clinic's has loaded.
    let inputs = RecipeInputs::new(&Recipe::default());
    let recipe_note = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(false);
    spawn_local(async move {
        match api.recipe().await {
            Ok(recipe) => inputs.show(&recipe),
            Err(ClientError::SignedOut) => {}
            Err(error) => recipe_note.set(Some(sentence(&format!(
                "the clinic's default recipe could not be loaded ({error}); the standard recipe is shown"
            )))),
        }
    });
    let save_default = move |_| {
        saved.set(false);
        let Ok(recipe) = inputs.recipe() else { return };
        saving.set(true);
        spawn_local(async move {
            match api.save_recipe(&recipe).await {
                Ok(recipe) => {
                    inputs.show(&recipe);
                    saved.set(true);
                }
                Err(ClientError::SignedOut) => {}
                Err(error) => inputs.show_refusal(error.field(), sentence(&error.to_string())),
            }
            saving.set(false);
        });
    };

    // The stage previewed, its models, its trim line.
    let selected = RwSignal::new(originals.get_untracked().first().map(Original::key).unwrap_or_default());
    let original = move || originals.with(|all| all.iter().find(|o| o.key() == selected.get()).cloned());
    // Lines placed by hand, by stage; else the line the last preview trimmed along.
    let placed_lines = RwSignal::new(BTreeMap::<String, Vec<[f32; 3]>>::new());
    let proposed_line = RwSignal::new(None::<Vec<[f32; 3]>>);
    let line = Signal::derive(move || {
        placed_lines.with(|lines| lines.get(&selected.get()).cloned()).or_else(|| proposed_line.get())
    });
    let models = PreviewModels {
        original: RwSignal::new(None),
        prepared: RwSignal::new(None),
        line,
        placed_line: RwSignal::new(None),
        frame: RwSignal::new(None),
    };
    // The teeth's direction set by hand (a flip), by stage.
    let ups = RwSignal::new(BTreeMap::<String, [f32; 3]>::new());
    let placing = RwSignal::new(None::<PlacedLine>);
    let notes = RwSignal::new(BTreeMap::<String, StepNote>::new());
    let preview = RwSignal::new(PreviewState::Idle);
    let original_problem = RwSignal::new(None::<String>);

    // A new stage: show its original, forget the last preview.
    Effect::new(move |_| {
        let Some(chosen) = original() else { return };
        models.original.set(None);
        models.prepared.set(None);
        models.placed_line.set(None);
        models.frame.set(None);
        proposed_line.set(None);
        placing.set(None);
        notes.set(BTreeMap::new());
        preview.set(PreviewState::Idle);
        original_problem.set(None);
        spawn_local(async move {
            let mesh = preparer.original_mesh(&chosen).await;
            if selected.try_get_untracked() != Some(chosen.key()) {
                return;
            }
            match mesh {
                Ok(mesh) => models.original.set(Some(Arc::new(mesh))),
                Err(message) => original_problem.set(Some(message)),
            }
        });
    });

    let run_preview = move || {
        let Some(chosen) = original() else { return };
        let Ok(recipe) = inputs.recipe() else { return };
        preview.set(PreviewState::Running);
        notes.set(BTreeMap::new());
        models.prepared.set(None);
        models.placed_line.set(None);
        let line = placed_lines.with_untracked(|lines| lines.get(&chosen.key()).cloned());
        let up = ups.with_untracked(|ups| ups.get(&chosen.key()).copied());
        spawn_local(async move {
            let outcome = preparer.prepare(&recipe, &chosen, line, up).await;
            if selected.try_get_untracked() != Some(chosen.key()) {
                return;
            }
            match outcome {
                Ok(PrepareOutcome::Prepared { facts, stl }) => {
                    let bytes = js_sys::Uint8Array::new(&stl).to_vec();
                    match mesh_core::read(&bytes) {
                        Ok(read) => models.prepared.set(Some(Arc::new(read.mesh))),
                        Err(error) => return preview.set(PreviewState::Failed(sentence(&error.to_string()))),
                    }
                    // A step that ran twice (the union, before and after a plate) says both.
                    let mut said = BTreeMap::<String, String>::new();
                    for step in &facts.steps {
                        said.entry(step.step.clone())
                            .and_modify(|all| *all = format!("{}; {}", all.trim_end_matches('.'), step.sentence))
                            .or_insert_with(|| step.sentence.clone());
                    }
                    notes.set(said.into_iter().map(|(step, all)| (step, StepNote::Did(sentence(&all)))).collect());
                    proposed_line.set(facts.trim_line.clone());
                    models.placed_line.set(facts.placed_trim_line.clone());
                    models.frame.set(Some((facts.up, facts.front)));
                    preview.set(PreviewState::Done {
                        triangles: facts.triangles,
                        watertight: facts.watertight,
                        elapsed_ms: facts.elapsed_ms,
                    });
                }
                Ok(PrepareOutcome::Refused { step, message }) => {
                    let message = sentence(&message);
                    if let Some(step) = step {
                        notes.set(BTreeMap::from([(step, StepNote::Failed(message.clone()))]));
                    }
                    preview.set(PreviewState::Failed(message));
                }
                Err(message) => preview.set(PreviewState::Failed(message)),
            }
        });
    };

    // Flip: the teeth point the other way; the preview runs again with it.
    let flip = move |_| {
        let Some((up, _)) = models.frame.get_untracked() else { return };
        ups.update(|ups| {
            ups.insert(selected.get_untracked(), up.map(|c| -c));
        });
        run_preview();
    };
    // Back to the direction found from the model.
    let unflip = move |_| {
        ups.update(|ups| {
            ups.remove(&selected.get_untracked());
        });
        run_preview();
    };
    let set_by_hand = move || ups.with(|ups| ups.contains_key(&selected.get()));
    let preview_notes = move || {
        notes.with(|notes| {
            ["frame", "unite", "check"]
                .into_iter()
                .filter_map(|key| match notes.get(key) {
                    Some(StepNote::Did(said)) => Some((key, said.clone(), false)),
                    Some(StepNote::Failed(message)) => Some((key, message.clone(), true)),
                    None => None,
                })
                .collect::<Vec<_>>()
        })
    };

    let on_placed = Callback::new(move |points: Vec<[f32; 3]>| {
        models.placed_line.set(None);
        let key = selected.get_untracked();
        placed_lines.update(|lines| {
            lines.insert(key, points);
        });
    });
    let line_error = RwSignal::new(None::<String>);
    let stage_name = move || original().map(|o| o.prepared_file_name().trim_end_matches("-prepared.stl").to_owned());
    let on_download_line = Callback::new(move |()| {
        // On the prepared model when the last preview trimmed along it, else on the original.
        let Some(points) = models.placed_line.get_untracked().or_else(|| line.get_untracked()) else { return };
        let name = format!("{}-trim-line.txt", stage_name().unwrap_or_else(|| "stage".into()));
        line_error.set(save_file(&name, mesh_core::prepare::write_polyline(&points).as_bytes(), "text/plain").err());
    });
    let recipe_for_batch = Callback::new(move |()| inputs.recipe().ok());

    let export =
        |format, arch: Option<String>, stage: Option<u32>| export_href(&case_id, format, arch.as_deref(), stage);
    let (all_zip, all_3mf) = (export(ExportFormat::StlZip, None, None), export(ExportFormat::ThreeMf, None, None));
    let stage_export = {
        let case_id = case.id.clone();
        move || original().map(|o| export_href(&case_id, ExportFormat::StlZip, Some(&o.arch), Some(o.stage)))
    };

    view! {
        <article class="page prepare-page" data-testid="prepare-page">
            <p class="back"><A href=format!("/cases/{}", case.id)>"← Back to the case"</A></p>
            <header class="case-head">
                <div>
                    <p class="case-code-big" data-testid="case-code">{code.clone()}</p>
                    <h1>"Prepare models"</h1>
                </div>
            </header>
            {move || (originals.with(Vec::is_empty)).then(|| view! {
                <p class="hint" data-testid="prepare-empty">
                    "This case has no models to prepare yet: upload or import the arches' models on the case page first."
                </p>
            })}
            <div class="prepare-layout">
                <section class="prepare-recipe" aria-labelledby="recipe-heading">
                    <h2 id="recipe-heading">"Recipe"</h2>
                    {move || recipe_note.get().map(|note| view! { <p class="hint" role="status">{note}</p> })}
                    <RecipeForm inputs=inputs notes=notes />
                    <div class="form-actions">
                        {may_save.then(|| view! {
                            <button type="button" class="quiet" data-testid="save-recipe" disabled=move || saving.get() on:click=save_default>
                                {move || if saving.get() { "Saving…" } else { "Save as clinic default" }}
                            </button>
                        })}
                        {move || saved.get().then(|| view! { <span class="saved" role="status" data-testid="recipe-saved">"Saved as the clinic's default."</span> })}
                    </div>
                </section>
                <section class="prepare-stage" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">"Preview"</h2>
                    <div class="form-actions">
                        <label class="stage-choice">
                            "Stage "
                            <select data-testid="prepare-stage" on:change=move |ev| selected.set(event_target_value(&ev)) prop:value=move || selected.get()>
                                {move || originals.get().into_iter().map(|o| view! { <option value=o.key()>{o.name()}</option> }).collect_view()}
                            </select>
                        </label>
                        <button
                            type="button"
                            class="primary"
                            data-testid="preview"
                            disabled=move || preview.get() == PreviewState::Running || original().is_none()
                            on:click=move |_| run_preview()
                        >
                            {move || if preview.get() == PreviewState::Running { "Preparing…" } else { "Preview" }}
                        </button>
                        {move || stage_export().map(|href| view! {
                            <a class="button quiet" href=href download="" data-testid="export-stage">"Download this stage (STL zip)"</a>
                        })}
                    </div>
                    {move || original_problem.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    {move || match preview.get() {
                        PreviewState::Idle => view! { <p class="hint" data-testid="preview-status">"Press Preview to apply the recipe to this stage."</p> }.into_any(),
                        PreviewState::Running => view! { <p class="status" role="status" data-testid="preview-status">"Applying the recipe in the background…"</p> }.into_any(),
                        PreviewState::Done { triangles, watertight, elapsed_ms } => view! {
                            <p class="status" role="status" data-testid="preview-status" data-watertight=watertight.to_string()>
                                {format!(
                                    "Prepared in {:.0} ms: {} triangles, {}.",
                                    elapsed_ms,
                                    group_thousands(triangles),
                                    if watertight { "watertight" } else { "not watertight" }
                                )}
                            </p>
                        }.into_any(),
                        PreviewState::Failed(message) => view! { <p class="form-error" role="alert" data-testid="preview-error">{message}</p> }.into_any(),
                    }}
                    <ul
                        class="preview-notes"
                        data-testid="preview-notes"
                        data-up=move || models.frame.get().map(|(up, _)| format!("{:.3} {:.3} {:.3}", up[0], up[1], up[2]))
                    >
                        {move || preview_notes().into_iter().map(|(key, said, failed)| view! {
                            <li class=if failed { "field-error" } else { "step-said" } data-testid=format!("{}-{key}", if failed { "failed" } else { "said" })>
                                {match key { "frame" => "", "unite" => "Pieces: ", _ => "Check: " }}
                                {said}
                                {(key == "frame" && !failed).then(|| view! {
                                    " "
                                    <button type="button" class="quiet" data-testid="flip-frame" title="The teeth point the other way: the base goes on the other side" on:click=flip>
                                        "Flip"
                                    </button>
                                })}
                            </li>
                        }).collect_view()}
                        {move || set_by_hand().then(|| view! {
                            <li class="hint" data-testid="frame-set">
                                "The teeth's direction is set by hand for this stage. "
                                <button type="button" class="quiet" data-testid="unflip-frame" on:click=unflip>"Use the direction found from the model"</button>
                            </li>
                        })}
                    </ul>
                    <PreparePreview models=models trims=inputs.trims() placing=placing on_placed=on_placed on_download_line=on_download_line />
                    {move || line_error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                </section>
            </div>
            <PrepareAll case_id=case.id.clone() preparer=preparer originals=originals recipe=recipe_for_batch trim_lines=placed_lines ups=ups on_finished=on_changed />
            <section class="prepare-export" aria-labelledby="export-heading">
                <h2 id="export-heading">"Export"</h2>
                <p class="hint">"The latest prepared version of each model (else its latest version)."</p>
                <div class="form-actions">
                    <a class="button" href=all_zip download="" data-testid="export-zip">"Download all (STL zip)"</a>
                    <a class="button" href=all_3mf download="" data-testid="export-3mf">"Download all (3MF)"</a>
                </div>
            </section>
        </article>
    }
}
