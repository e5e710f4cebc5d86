//! The stage player: a slider over the stages, play/pause at two stages a
//! second (waiting for a stage still loading), steps, the stage's wear
//! date, and a dot per stage that shows whether its models are loaded.

use std::time::Duration;

use leptos::prelude::*;

/// How long each stage shows while playing: two stages a second.
const STAGE_INTERVAL: Duration = Duration::from_millis(500);

/// One stage's models, for its dot: `idle`, `loading`, `ready` or `failed`.
pub(super) type StageDots = Vec<&'static str>;

#[component]
pub(super) fn StagePlayer(
    stage: RwSignal<u32>,
    last: u32,
    playing: RwSignal<bool>,
    /// The models of the current stage are loaded (or failed): playing moves on.
    #[prop(into)]
    ready: Signal<bool>,
    /// "worn from 1 Dec 2026", or empty.
    #[prop(into)]
    wear_from: Signal<String>,
    #[prop(into)] dots: Signal<StageDots>,
) -> impl IntoView {
    // The timer runs while playing; each tick moves one stage once the
    // current one is drawn, and stops at the end.
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    let stop_timer = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        if !playing.get() {
            stop_timer();
            return;
        }
        let tick = move || {
            if !ready.get_untracked() {
                return;
            }
            let now = stage.get_untracked();
            if now >= last {
                playing.set(false);
            } else {
                stage.set(now + 1);
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, STAGE_INTERVAL) {
            stop_timer();
            timer.set_value(Some(handle));
        }
    });
    on_cleanup(stop_timer);

    let toggle = move |_| toggle_play(stage, last, playing);
    let step = move |by: i64| {
        playing.set(false);
        stage.set((i64::from(stage.get_untracked()) + by).clamp(0, i64::from(last)) as u32);
    };

    view! {
        <div class="stage-player" role="group" aria-label="Stages">
            <button
                type="button"
                class="primary play"
                data-testid="play"
                aria-pressed=move || playing.get().to_string()
                on:click=toggle
            >
                {move || if playing.get() { "Pause" } else { "Play" }}
            </button>
            <button type="button" data-testid="step-back" aria-label="Previous stage" on:click=move |_| step(-1)>
                "◀"
            </button>
            <input
                type="range"
                class="stage-slider"
                data-testid="stage-slider"
                aria-label="Stage"
                min="0"
                max=last.to_string()
                step="1"
                prop:value=move || stage.get().to_string()
                aria-valuetext=move || format!("Stage {} of {last}", stage.get())
                on:input=move |ev| {
                    playing.set(false);
                    if let Ok(value) = event_target_value(&ev).parse::<u32>() {
                        stage.set(value.min(last));
                    }
                }
            />
            <button type="button" data-testid="step-forward" aria-label="Next stage" on:click=move |_| step(1)>
                "▶"
            </button>
            <p class="stage-label" data-testid="stage-label" data-stage=move || stage.get().to_string()>
                <strong>{move || format!("Stage {} of {last}", stage.get())}</strong>
                {move || {
                    let date = wear_from.get();
                    (!date.is_empty()).then(|| view! { <span class="wear-from">{date}</span> })
                }}
            </p>
            <ol class="stage-dots" aria-hidden="true">
                {move || {
                    let current = stage.get() as usize;
                    dots.get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, state)| view! { <li data-state=state class:current=index == current></li> })
                        .collect_view()
                }}
            </ol>
        </div>
    }
}

/// Play from where the slider is (from the start when at the end), or pause.
pub(super) fn toggle_play(stage: RwSignal<u32>, last: u32, playing: RwSignal<bool>) {
    if playing.get_untracked() {
        playing.set(false);
        return;
    }
    if stage.get_untracked() >= last {
        stage.set(0);
    }
    playing.set(true);
}
