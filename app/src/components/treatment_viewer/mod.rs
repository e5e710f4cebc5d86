//! The treatment viewer on the case page: both arches of the current
//! stage together, a stage player, arch toggles and opacity, standard
//! views, measurement, a difference map between two stages, and the
//! model's problem edges.
//!
//! Models load when first needed (the next few ahead while playing),
//! through `api.rs`, which keeps their files in the Cache API; parsed
//! meshes stay in memory, a bounded few (`models.rs`).

mod models;
mod player;
mod tools;

use leptos::prelude::*;
use trayforge_wire::StageView;
use wasm_bindgen::JsCast;

use crate::api::use_api;
use crate::display::human_date;
use crate::treatment::TreatmentPlan;
use crate::viewer::{
    Arch, Layer, MODEL_COLOUR, Marks, Paint, SECOND_MODEL_COLOUR, Viewer, ViewerContent, ViewerControl,
};
use models::{ModelState, Models};
use player::{StagePlayer, toggle_play};
use tools::{ArchControls, DifferencePanel, MeasureReadout, ViewButtons};

/// Stages loaded ahead of the one shown while playing.
const PREFETCH_STAGES: u32 = 3;
/// Models kept on the GPU beyond the two shown: stepping back and forth
/// over a few stages does not upload them again.
const KEEP_UPLOADED: usize = 8;

/// Per arch: shown or not, and how opaque.
#[derive(Debug, Clone, Copy)]
pub(super) struct ArchDisplay {
    pub(super) arch: Arch,
    pub(super) visible: RwSignal<bool>,
    pub(super) opacity: RwSignal<f32>,
}

/// The difference map's choice: compare stage `b` against stage `a`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Comparison {
    pub(super) on: RwSignal<bool>,
    pub(super) a: RwSignal<u32>,
    pub(super) b: RwSignal<u32>,
}

#[component]
pub(crate) fn TreatmentViewer(
    /// The case's stages, as the case detail lists them.
    stages: Vec<StageView>,
) -> impl IntoView {
    let plan = TreatmentPlan::new(&stages);
    let Some(last) = plan.last_stage() else {
        return view! {
            <section class="treatment-viewer" aria-labelledby="treatment-heading" data-testid="treatment-viewer">
                <h2 id="treatment-heading">"Treatment"</h2>
                <p class="hint" data-testid="treatment-empty">
                    "The treatment plays here once a stage has a model: upload the arches' models to their stages."
                </p>
            </section>
        }
        .into_any();
    };
    let plan = StoredValue::new(plan);
    let models = Models::new(use_api());
    let control = ViewerControl::new();
    let first = plan.with_value(|plan| plan.first_stage()).unwrap_or(0);
    let stage = RwSignal::new(first);
    let playing = RwSignal::new(false);
    let arches = Arch::BOTH.map(|arch| ArchDisplay {
        arch,
        visible: RwSignal::new(plan.with_value(|plan| plan.has(arch))),
        opacity: RwSignal::new(1.0),
    });
    let measuring = RwSignal::new(false);
    let points = RwSignal::new(Vec::<[f32; 3]>::new());
    let problems = RwSignal::new(false);
    let comparison = Comparison { on: RwSignal::new(false), a: RwSignal::new(first), b: RwSignal::new(last) };
    // The stage whose models are shown: B while comparing.
    let shown_stage = move || if comparison.on.get() { comparison.b.get() } else { stage.get() };

    // Load what is shown, what is compared, and the next stages while playing.
    Effect::new(move |_| {
        models.revision.track();
        let mut wanted = vec![shown_stage()];
        if playing.get() {
            wanted.extend((1..=PREFETCH_STAGES).map(|ahead| stage.get() + ahead).filter(|&s| s <= last));
        }
        if comparison.on.get() {
            wanted.push(comparison.a.get());
        }
        plan.with_value(|plan| {
            for at in wanted {
                for arch in Arch::BOTH {
                    if let Some(model) = plan.model_at(arch, at) {
                        models.request(&model.file);
                    }
                }
            }
        });
    });

    let content = Signal::derive(move || {
        models.revision.track();
        let at = shown_stage();
        let compare_with = comparison.on.get().then(|| comparison.a.get());
        let with_problems = problems.get();
        let layers = plan.with_value(|plan| {
            arches
                .iter()
                .filter(|display| display.visible.get())
                .filter_map(|display| {
                    let model = plan.model_at(display.arch, at)?;
                    let mesh = models.mesh(&model.file)?;
                    let colour = if display.arch == Arch::Upper { MODEL_COLOUR } else { SECOND_MODEL_COLOUR };
                    let (key, paint) = match compare_with.and_then(|a| plan.model_at(display.arch, a)) {
                        Some(base) => match models.difference(&base.file, &model.file) {
                            Some(Ok(map)) => (
                                format!("difference:{}:{}", base.file.id, model.file.id),
                                Paint::PerVertex(std::sync::Arc::new(map.colours.clone())),
                            ),
                            _ => (model.file.id.clone(), Paint::Solid(colour)),
                        },
                        None => (model.file.id.clone(), Paint::Solid(colour)),
                    };
                    let highlights = if with_problems { models.problem_edges(&model.file) } else { None };
                    Some(Layer { key, mesh, paint, opacity: display.opacity.get(), highlights })
                })
                .collect()
        });
        let points = points.get();
        let segments = match points.as_slice() {
            [a, b] => vec![[*a, *b]],
            _ => Vec::new(),
        };
        ViewerContent {
            layers,
            frame: plan.with_value(TreatmentPlan::bounds),
            marks: Marks { points, segments },
            keep_uploaded: KEEP_UPLOADED,
        }
    });

    // The current stage is drawn (or cannot be): playing may move on.
    let ready = Signal::derive(move || {
        models.revision.track();
        let at = stage.get();
        plan.with_value(|plan| {
            arches.iter().filter(|display| display.visible.get()).all(|display| {
                plan.model_at(display.arch, at).is_none_or(|model| {
                    matches!(models.state(&model.file), ModelState::Ready(_) | ModelState::Failed(_))
                })
            })
        })
    });
    let wear_from = Signal::derive(move || {
        let at = stage.get();
        match plan.with_value(|plan| plan.wear_from(at).map(human_date)) {
            Some(day) => format!("worn from {day}"),
            None if at == 0 => "starting position".to_owned(),
            None => String::new(),
        }
    });
    let dots = Signal::derive(move || {
        models.revision.track();
        plan.with_value(|plan| {
            (0..=last)
                .map(|at| {
                    let states: Vec<ModelState> = Arch::BOTH
                        .iter()
                        .filter_map(|&arch| plan.model_at(arch, at))
                        .map(|m| models.state(&m.file))
                        .collect();
                    if states.iter().any(|s| matches!(s, ModelState::Failed(_))) {
                        "failed"
                    } else if states.iter().any(|s| matches!(s, ModelState::Loading)) {
                        "loading"
                    } else if !states.is_empty() && states.iter().all(|s| matches!(s, ModelState::Ready(_))) {
                        "ready"
                    } else {
                        "idle"
                    }
                })
                .collect()
        })
    });

    // Per visible arch: loading, failed, or showing an earlier stage.
    let arch_notes = move || {
        models.revision.track();
        let at = shown_stage();
        plan.with_value(|plan| {
            arches
                .iter()
                .filter(|display| display.visible.get())
                .filter_map(|display| {
                    let name = display.arch.label();
                    let Some(model) = plan.model_at(display.arch, at) else {
                        return Some(("none", display.arch, format!("{name}: no model up to stage {at}.")));
                    };
                    match models.state(&model.file) {
                        ModelState::Loading | ModelState::NotLoaded => Some((
                            "loading",
                            display.arch,
                            format!("Loading the {} model of stage {}…", name.to_lowercase(), model.stage),
                        )),
                        ModelState::Failed(message) => Some(("failed", display.arch, message)),
                        ModelState::Ready(_) if model.stage != at => Some((
                            "earlier",
                            display.arch,
                            format!("{name}: no model for stage {at}; showing stage {}.", model.stage),
                        )),
                        ModelState::Ready(_) => None,
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let on_pick = Callback::new(move |point: [f32; 3]| {
        points.update(|points| {
            if points.len() >= 2 {
                points.clear();
            }
            points.push(point);
        });
    });

    // Space plays or pauses, ←/→ step, Home/End jump, Escape clears the
    // measurement (and then leaves measuring). Controls that use these keys
    // themselves (sliders, menus, buttons) keep them, but the stage slider
    // still plays on Space.
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            if points.with_untracked(Vec::is_empty) {
                measuring.set(false);
            } else {
                points.set(Vec::new());
            }
            return;
        }
        let target = ev.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok());
        let on_stage_slider =
            target.as_ref().is_some_and(|t| t.get_attribute("data-testid").as_deref() == Some("stage-slider"));
        let in_control = target
            .as_ref()
            .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"));
        if (in_control && !on_stage_slider) || (on_stage_slider && key != " ") {
            return;
        }
        let step_to = |to: i64| {
            playing.set(false);
            stage.set(to.clamp(0, i64::from(last)) as u32);
        };
        match key.as_str() {
            " " => toggle_play(stage, last, playing),
            "ArrowLeft" => step_to(i64::from(stage.get_untracked()) - 1),
            "ArrowRight" => step_to(i64::from(stage.get_untracked()) + 1),
            "Home" => step_to(0),
            "End" => step_to(i64::from(last)),
            _ => return,
        }
        ev.prevent_default();
    };

    let legend = Signal::derive(move || {
        models.revision.track();
        if !comparison.on.get() {
            return None;
        }
        let (a, b) = (comparison.a.get(), comparison.b.get());
        // Shown once every arch compared is done: a partial scale would mislead.
        plan.with_value(|plan| {
            Arch::BOTH
                .iter()
                .filter_map(|&arch| Some((plan.model_at(arch, a)?, plan.model_at(arch, b)?)))
                .map(|(base, model)| models.difference(&base.file, &model.file).map(|done| done.map(|map| map.max_mm)))
                .collect::<Option<Vec<_>>>()
        })
    });
    let comparing = Signal::derive(move || {
        models.revision.track();
        comparison.on.get() && models.comparing()
    });
    let problem_count = Signal::derive(move || {
        models.revision.track();
        if !problems.get() {
            return None;
        }
        let at = shown_stage();
        plan.with_value(|plan| {
            Some(
                arches
                    .iter()
                    .filter(|display| display.visible.get())
                    .filter_map(|display| {
                        let model = plan.model_at(display.arch, at)?;
                        Some((display.arch, models.problem_edges(&model.file)?.len()))
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });
    let arch_bounds = move |arch: Arch| plan.with_value(|plan| plan.arch_bounds(arch));
    let whole_bounds = move || plan.with_value(TreatmentPlan::bounds);

    view! {
        <section
            class="treatment-viewer"
            aria-labelledby="treatment-heading"
            data-testid="treatment-viewer"
            tabindex="-1"
            on:keydown=on_key
        >
            <h2 id="treatment-heading">"Treatment"</h2>
            <StagePlayer stage=stage last=last playing=playing ready=ready wear_from=wear_from dots=dots />
            <div class="treatment-stage">
                <Viewer
                    content=content
                    control=control
                    on_pick=on_pick
                    picking=Signal::from(measuring)
                    label="3D view of the treatment"
                />
                <div class="treatment-overlay">
                    <ul class="arch-notes" role="status">
                        {move || {
                            comparison.on.get().then(|| {
                                let (a, b) = (comparison.a.get(), comparison.b.get());
                                view! {
                                    <li class="arch-note comparing" data-testid="note-comparing">
                                        {format!("Stage {b} coloured by its distance to stage {a}.")}
                                    </li>
                                }
                            })
                        }}
                        {move || {
                            arch_notes()
                                .into_iter()
                                .map(|(kind, arch, text)| {
                                    view! {
                                        <li
                                            class=format!("arch-note {kind}")
                                            data-testid=format!("note-{}", arch.as_str())
                                            data-kind=kind
                                        >
                                            {text}
                                            {(kind == "failed").then(|| view! {
                                                <button type="button" class="retry" data-testid="retry" on:click=move |_| models.retry_failed()>
                                                    "Try again"
                                                </button>
                                            })}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <MeasureReadout measuring=measuring points=points />
                </div>
            </div>
            <div class="treatment-tools">
                <ArchControls arches=arches />
                <ViewButtons
                    control=control
                    arches=arches
                    whole=Callback::new(move |()| whole_bounds())
                    arch_bounds=Callback::new(arch_bounds)
                />
                <div class="tool-group" role="group" aria-label="Tools">
                    <button
                        type="button"
                        class="toggle"
                        data-testid="measure"
                        aria-pressed=move || measuring.get().to_string()
                        on:click=move |_| {
                            measuring.update(|on| *on = !*on);
                            points.set(Vec::new());
                        }
                    >
                        "Measure"
                    </button>
                    <label class="check">
                        <input type="checkbox" data-testid="show-problems" prop:checked=problems on:change=move |ev| problems.set(event_target_checked(&ev)) />
                        "Show problems"
                    </label>
                    {move || {
                        problem_count.get().map(|counts| {
                            let text = if counts.iter().all(|(_, n)| *n == 0) {
                                "No open or non-manifold edges.".to_owned()
                            } else {
                                counts
                                    .iter()
                                    .map(|(arch, n)| format!("{}: {n} problem edges", arch.label()))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            };
                            view! { <p class="problems-summary" data-testid="problems-summary">{text}</p> }
                        })
                    }}
                </div>
                <DifferencePanel comparison=comparison last=last legend=legend comparing=comparing />
            </div>
        </section>
    }
    .into_any()
}
