//! The Prepare page's recipe form: each step of the recipe (repair, trim,
//! flat base, hollow, label) with its switch and settings, and beside each
//! step what it did on the last preview or why it failed.

use std::collections::BTreeMap;

use leptos::prelude::*;
use trayforge_wire::Recipe;

use crate::components::{FieldState, FormField};
use crate::prepare::draft::{Field, FieldProblem, RecipeDraft, field_named};

/// What the last preview said about a step, shown beside its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StepNote {
    Did(String),
    Failed(String),
}

/// The form's inputs as signals; [`RecipeInputs::draft`] reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecipeInputs {
    repair: RwSignal<bool>,
    trim: RwSignal<bool>,
    base: RwSignal<bool>,
    plate: RwSignal<bool>,
    hollow: RwSignal<bool>,
    label: RwSignal<bool>,
    emboss: RwSignal<bool>,
    code: RwSignal<bool>,
    numbers: StoredValue<BTreeMap<Field, FieldState>>,
    /// The recipe last shown, for what the form does not show.
    shown: StoredValue<RecipeDraft>,
    /// A message about the recipe as a whole (steps that cannot go together).
    pub(crate) whole: RwSignal<Option<String>>,
}

impl RecipeInputs {
    pub(crate) fn new(recipe: &Recipe) -> RecipeInputs {
        let draft = RecipeDraft::from_recipe(recipe);
        let numbers = ALL_FIELDS.iter().map(|&field| (field, FieldState::new(&draft.number(field)))).collect();
        RecipeInputs {
            repair: RwSignal::new(draft.repair),
            trim: RwSignal::new(draft.trim),
            base: RwSignal::new(draft.base),
            plate: RwSignal::new(draft.plate),
            hollow: RwSignal::new(draft.hollow),
            label: RwSignal::new(draft.label),
            emboss: RwSignal::new(draft.emboss),
            code: RwSignal::new(draft.code),
            numbers: StoredValue::new(numbers),
            shown: StoredValue::new(draft),
            whole: RwSignal::new(None),
        }
    }

    /// Shows `recipe` in the form (the clinic's default, once loaded).
    pub(crate) fn show(&self, recipe: &Recipe) {
        let draft = RecipeDraft::from_recipe(recipe);
        for (flag, value) in self.flags().into_iter().zip(flag_values(&draft)) {
            flag.set(value);
        }
        self.numbers.with_value(|numbers| {
            for (field, state) in numbers {
                state.value.set(draft.number(*field));
                state.error.set(None);
            }
        });
        self.whole.set(None);
        self.shown.set_value(draft);
    }

    fn flags(&self) -> [RwSignal<bool>; 8] {
        [self.repair, self.trim, self.base, self.plate, self.hollow, self.label, self.emboss, self.code]
    }

    fn field(&self, field: Field) -> FieldState {
        self.numbers
            .with_value(|numbers| numbers.get(&field).copied())
            .expect("every field has its state, made in `new` from ALL_FIELDS")
    }

    /// Whether the recipe trims (the trim line tools show then).
    pub(crate) fn trims(&self) -> Signal<bool> {
        self.trim.into()
    }

    /// The recipe as the form says, or the fields at fault, each shown
    /// under its input (a problem of the whole recipe above the steps).
    pub(crate) fn recipe(&self) -> Result<Recipe, Vec<FieldProblem>> {
        let mut draft = self.shown.get_value();
        let [repair, trim, base, plate, hollow, label, emboss, code] = self.flags().map(|flag| flag.get_untracked());
        (draft.repair, draft.trim, draft.base, draft.plate, draft.hollow, draft.label, draft.emboss, draft.code) =
            (repair, trim, base, plate, hollow, label, emboss, code);
        self.numbers.with_value(|numbers| {
            for (field, state) in numbers {
                draft.set_number(*field, state.value.get_untracked());
                state.error.set(None);
            }
        });
        self.whole.set(None);
        let result = draft.recipe();
        if let Err(problems) = &result {
            for problem in problems {
                match problem.field {
                    Some(field) => self.field(field).error.set(Some(problem.message.clone())),
                    None => self.whole.set(Some(problem.message.clone())),
                }
            }
        }
        result
    }

    /// Shows the server's refusal next to the field it names, if the form has it.
    pub(crate) fn show_refusal(&self, field: Option<&str>, message: String) {
        match field.and_then(field_named) {
            Some(field) => self.field(field).error.set(Some(message)),
            None => self.whole.set(Some(message)),
        }
    }
}

fn flag_values(draft: &RecipeDraft) -> [bool; 8] {
    [draft.repair, draft.trim, draft.base, draft.plate, draft.hollow, draft.label, draft.emboss, draft.code]
}

const ALL_FIELDS: [Field; 11] = [
    Field::TrimOffset,
    Field::CutHeight,
    Field::BaseHeight,
    Field::Chamfer,
    Field::Wall,
    Field::Drain,
    Field::LetterHeight,
    Field::Depth,
    Field::OffsetX,
    Field::OffsetY,
    Field::Rotation,
];

#[component]
pub(crate) fn RecipeForm(
    inputs: RecipeInputs,
    /// What the last preview said per step key (`repair`, `base`, …).
    #[prop(into)]
    notes: Signal<BTreeMap<String, StepNote>>,
) -> impl IntoView {
    let number = move |field: Field, label: &'static str| {
        view! { <FormField id=field.id() label=label state=inputs.field(field) kind="number" /> }
    };
    view! {
        <div class="recipe-form" data-testid="recipe-form">
            {move || inputs.whole.get().map(|message| view! { <p class="form-error" role="alert" data-testid="recipe-error">{message}</p> })}
            <RecipeStep key="repair" title="Repair" switch=inputs.repair notes=notes>
                <p class="field-hint">"Closes cracks and holes and turns the faces outward first."</p>
            </RecipeStep>
            <RecipeStep key="trim" title="Trim" switch=inputs.trim notes=notes>
                {number(Field::TrimOffset, "Offset above the gum line (mm)")}
            </RecipeStep>
            <RecipeStep key="base" title="Flat base" switch=inputs.base notes=notes>
                <label class="switch">
                    <input type="checkbox" data-testid="recipe-plate" bind:checked=inputs.plate />
                    " One plate under the whole arch"
                </label>
                {number(Field::CutHeight, "Cut height (mm)")}
                {number(Field::BaseHeight, "Base height (mm)")}
                {number(Field::Chamfer, "Chamfer (mm)")}
            </RecipeStep>
            <RecipeStep key="hollow" title="Hollow" switch=inputs.hollow notes=notes>
                {number(Field::Wall, "Wall (mm)")}
                {number(Field::Drain, "Drain hole diameter (mm)")}
            </RecipeStep>
            <RecipeStep key="label" title="Label" switch=inputs.label notes=notes>
                <fieldset class="relief">
                    <legend>"Letters"</legend>
                    <label><input type="radio" name="relief" data-testid="recipe-engrave" prop:checked=move || !inputs.emboss.get() on:change=move |_| inputs.emboss.set(false) />" Engraved"</label>
                    <label><input type="radio" name="relief" data-testid="recipe-emboss" prop:checked=move || inputs.emboss.get() on:change=move |_| inputs.emboss.set(true) />" Embossed"</label>
                </fieldset>
                {number(Field::LetterHeight, "Letter height (mm)")}
                {number(Field::Depth, "Depth (mm)")}
                <label class="switch">
                    <input type="checkbox" data-testid="recipe-code" bind:checked=inputs.code />
                    " Data Matrix code beside the text"
                </label>
                {number(Field::OffsetX, "Offset across (mm)")}
                {number(Field::OffsetY, "Offset along (mm)")}
                {number(Field::Rotation, "Rotation (degrees)")}
            </RecipeStep>
        </div>
    }
}

/// One step: its switch, its settings while on, and its note.
#[component]
fn RecipeStep(
    key: &'static str,
    title: &'static str,
    switch: RwSignal<bool>,
    notes: Signal<BTreeMap<String, StepNote>>,
    children: ChildrenFn,
) -> impl IntoView {
    let note = move || notes.with(|notes| notes.get(key).cloned());
    view! {
        <fieldset class="recipe-step" data-testid=format!("step-{key}")>
            <legend>
                <label class="switch">
                    <input type="checkbox" data-testid=format!("recipe-{key}") bind:checked=switch />
                    " " {title}
                </label>
            </legend>
            <Show when=move || switch.get()>{children()}</Show>
            {move || note().map(|note| match note {
                StepNote::Did(sentence) => view! { <p class="step-said" data-testid=format!("said-{key}")>{sentence}</p> }.into_any(),
                StepNote::Failed(message) => view! {
                    <p class="field-error step-failed" role="alert" data-testid=format!("failed-{key}")>{message}</p>
                }.into_any(),
            })}
        </fieldset>
    }
}
