//! A set of choices as checkboxes in a fieldset (a token's scopes, a
//! webhook's events), with the server's message for the set underneath.

use leptos::prelude::*;

/// One choice: the value the API takes, its label, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choice {
    pub(crate) value: &'static str,
    pub(crate) label: &'static str,
    pub(crate) hint: &'static str,
}

#[component]
pub(crate) fn CheckboxGroup(
    /// The fieldset's id and `data-testid`; each box is `{id}-{value}`.
    id: &'static str,
    legend: &'static str,
    choices: Vec<Choice>,
    /// The values ticked, in the order of `choices`.
    chosen: RwSignal<Vec<&'static str>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let order: Vec<&'static str> = choices.iter().map(|choice| choice.value).collect();
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    view! {
        <fieldset
            class="checkbox-group"
            class:invalid=move || error.get().is_some()
            data-testid=id
            aria-describedby=move || error.get().map(|_| described_by.clone())
        >
            <legend>{legend}</legend>
            {choices
                .into_iter()
                .map(|choice| {
                    let order = order.clone();
                    let box_id = format!("{id}-{}", choice.value);
                    view! {
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id=box_id.clone()
                                data-testid=box_id.clone()
                                value=choice.value
                                prop:checked=move || chosen.with(|values| values.contains(&choice.value))
                                on:change=move |ev| {
                                    let ticked = event_target_checked(&ev);
                                    chosen.update(|values| {
                                        values.retain(|value| *value != choice.value);
                                        if ticked {
                                            values.push(choice.value);
                                            values.sort_by_key(|value| order.iter().position(|known| known == value));
                                        }
                                    });
                                }
                            />
                            <label for=box_id>
                                <span class="checkbox-label">{choice.label}</span>
                                <span class="field-hint">{choice.hint}</span>
                            </label>
                        </div>
                    }
                })
                .collect_view()}
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone() data-testid=format!("{id}-error")>{message}</p> })}
        </fieldset>
    }
}
