//! The treatment viewer's controls beside the stage player: arch toggles
//! and opacity, standard views, the measurement's readout, and the
//! difference map's choice and legend.

use leptos::prelude::*;
use mesh_core::Bounds;

use super::{ArchDisplay, Comparison};
use crate::viewer::difference::legend_gradient;
use crate::viewer::pick::distance;
use crate::viewer::{Arch, StandardView, ViewerControl};

#[component]
pub(super) fn ArchControls(arches: [ArchDisplay; 2]) -> impl IntoView {
    view! {
        <div class="tool-group" role="group" aria-label="Arches">
            {arches
                .into_iter()
                .map(|display| {
                    let name = display.arch.as_str();
                    view! {
                        <div class="arch-control">
                            <label class="check">
                                <input
                                    type="checkbox"
                                    data-testid=format!("show-{name}")
                                    prop:checked=display.visible
                                    on:change=move |ev| display.visible.set(event_target_checked(&ev))
                                />
                                {display.arch.label()}
                            </label>
                            <label class="opacity">
                                <span class="visually-hidden">{format!("Opacity of the {name} arch")}</span>
                                <input
                                    type="range"
                                    data-testid=format!("opacity-{name}")
                                    min="0.1"
                                    max="1"
                                    step="0.05"
                                    prop:value=move || display.opacity.get().to_string()
                                    on:input=move |ev| {
                                        if let Ok(value) = event_target_value(&ev).parse::<f32>() {
                                            display.opacity.set(value.clamp(0.1, 1.0));
                                        }
                                    }
                                />
                            </label>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub(super) fn ViewButtons(
    control: ViewerControl,
    arches: [ArchDisplay; 2],
    /// The box around the whole treatment.
    whole: Callback<(), Option<Bounds>>,
    /// The box around one arch's models.
    arch_bounds: Callback<Arch, Option<Bounds>>,
) -> impl IntoView {
    let look = move |view: StandardView| match view {
        StandardView::Occlusal(arch) => {
            // Onto one arch's biting surfaces: the other arch would hide them.
            for display in arches {
                display.visible.set(display.arch == arch);
            }
            control.look(view, arch_bounds.run(arch));
        }
        _ => control.look(view, whole.run(())),
    };
    let views = [
        StandardView::Front,
        StandardView::Top,
        StandardView::Left,
        StandardView::Right,
        StandardView::Occlusal(Arch::Upper),
        StandardView::Occlusal(Arch::Lower),
    ];
    view! {
        <div class="tool-group views" role="group" aria-label="Views">
            {views
                .into_iter()
                .map(|view| {
                    let id = view.label().to_lowercase().replace(' ', "-");
                    view! {
                        <button type="button" data-testid=format!("view-{id}") on:click=move |_| look(view)>
                            {view.label()}
                        </button>
                    }
                })
                .collect_view()}
            <button
                type="button"
                data-testid="view-reset"
                on:click=move |_| {
                    for display in arches {
                        display.visible.set(true);
                    }
                    control.reset();
                }
            >
                "Reset view"
            </button>
        </div>
    }
}

#[component]
pub(super) fn MeasureReadout(measuring: RwSignal<bool>, points: RwSignal<Vec<[f32; 3]>>) -> impl IntoView {
    move || {
        if !measuring.get() {
            return None;
        }
        let text = match points.get().as_slice() {
            [] => "Measure: tap or click a point on the model.".to_owned(),
            [_] => "Measure: now the second point.".to_owned(),
            [a, b, ..] => format!("{:.2} mm", distance(*a, *b)),
        };
        let done = points.with(|points| points.len() >= 2);
        Some(view! {
            <p class="measure-readout" class:done=done data-testid="measurement" role="status">
                {text}
                <span class="hint">" Esc clears."</span>
            </p>
        })
    }
}

#[component]
pub(super) fn DifferencePanel(
    comparison: Comparison,
    last: u32,
    /// Per arch compared: its largest distance in mm, or why it could not be compared.
    #[prop(into)]
    legend: Signal<Option<Vec<Result<f32, String>>>>,
    #[prop(into)] comparing: Signal<bool>,
) -> impl IntoView {
    let stage_menu = move |which: RwSignal<u32>, test_id: &'static str, label: &'static str| {
        view! {
            <label class="stage-choice">
                {label}
                <select
                    data-testid=test_id
                    on:change=move |ev| {
                        if let Ok(value) = event_target_value(&ev).parse::<u32>() {
                            which.set(value.min(last));
                        }
                    }
                >
                    {(0..=last)
                        .map(|at| {
                            view! {
                                <option value=at.to_string() selected=move || which.get() == at>
                                    {format!("Stage {at}")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <div class="tool-group difference" role="group" aria-label="Difference between two stages">
            {stage_menu(comparison.a, "difference-a", "From ")}
            {stage_menu(comparison.b, "difference-b", "to ")}
            <button
                type="button"
                class="toggle"
                data-testid="show-difference"
                aria-pressed=move || comparison.on.get().to_string()
                on:click=move |_| comparison.on.update(|on| *on = !*on)
            >
                {move || if comparison.on.get() { "Plain colours" } else { "Show difference" }}
            </button>
            {move || comparing.get().then(|| view! { <p class="status" role="status">"Comparing the stages…"</p> })}
            {move || {
                legend.get().map(|arches| {
                    let max = arches.iter().filter_map(|r| r.as_ref().ok()).copied().fold(0.0_f32, f32::max);
                    let errors: Vec<String> = arches.into_iter().filter_map(Result::err).collect();
                    view! {
                        <div class="difference-legend" data-testid="difference-legend" data-max=format!("{max:.2}")>
                            <span class="ramp" style=format!("background: {}", legend_gradient())></span>
                            <span class="ends"><span>"0 mm"</span><span>{format!("{max:.2} mm")}</span></span>
                            <span class="hint">"Distance from each point of the later stage to the earlier one's surface."</span>
                        </div>
                        {errors.into_iter().map(|message| view! { <p class="form-error" role="alert">{message}</p> }).collect_view()}
                    }
                })
            }}
        </div>
    }
}
