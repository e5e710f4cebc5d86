//! A labelled form field with the server's message for it underneath,
//! tied to the input for screen readers (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

/// A field's text and its error, as a form holds them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldState {
    pub(crate) value: RwSignal<String>,
    pub(crate) error: RwSignal<Option<String>>,
}

impl FieldState {
    pub(crate) fn new(value: &str) -> FieldState {
        FieldState { value: RwSignal::new(value.to_owned()), error: RwSignal::new(None) }
    }
}

#[component]
pub(crate) fn FormField(
    /// The input's id, also its `data-testid` and name.
    id: &'static str,
    label: &'static str,
    state: FieldState,
    /// `text`, `date`, `number`, …
    #[prop(default = "text")]
    kind: &'static str,
    /// Said under the label, before any error.
    #[prop(optional)]
    hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if state.error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="form-field" class:invalid=move || state.error.get().is_some()>
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                name=id
                type=kind
                data-testid=id
                placeholder=placeholder
                autocomplete=autocomplete
                aria-invalid=move || if state.error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                bind:value=state.value
            />
            {move || {
                state
                    .error
                    .get()
                    .map(|message| {
                        view! { <p class="field-error" id=error_id.clone() data-testid=format!("{id}-error")>{message}</p> }
                    })
            }}
        </div>
    }
}

/// A form's fields by the name the server gives them in `error.field`, and
/// the place for a message about none of them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FormErrors<const N: usize> {
    pub(crate) fields: [(&'static str, FieldState); N],
    pub(crate) form: RwSignal<Option<String>>,
}

impl<const N: usize> FormErrors<N> {
    pub(crate) fn clear(&self) {
        self.form.set(None);
        for (_, state) in &self.fields {
            state.error.set(None);
        }
    }

    /// Shows the server's message next to the field it names, else above the buttons.
    pub(crate) fn show(&self, field: Option<&str>, message: String) {
        match self.fields.iter().find(|(name, _)| Some(*name) == field) {
            Some((_, state)) => state.error.set(Some(message)),
            None => self.form.set(Some(message)),
        }
    }
}

/// A form's submit button: disabled and saying `busy_label` while the form
/// is being sent.
#[component]
pub(crate) fn SubmitButton(
    #[prop(into)] busy: Signal<bool>,
    /// Its `data-testid`.
    testid: &'static str,
    label: &'static str,
    busy_label: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class="primary" data-testid=testid disabled=move || busy.get()>
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}
