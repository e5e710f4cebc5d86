//! Create a case: the patient (name and date of birth, both optional), a
//! title, the schedule and notes. The server's message for a field shows
//! next to it; once created, the case's page opens.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use trayforge_wire::{NewCaseRequest, NewPatient};
use wasm_bindgen::JsCast;

use crate::api::{ClientError, use_api};
use crate::components::{FieldState, FormField, SubmitButton};
use crate::display::sentence;

/// The form's fields, each as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct NewCaseForm {
    full_name: String,
    date_of_birth: String,
    title: String,
    start_date: String,
    days_per_aligner: String,
    aligners_per_appointment: String,
    notes: String,
}

/// The fields of the form, by the name the server gives them in `error.field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    FullName,
    DateOfBirth,
    Title,
    StartDate,
    DaysPerAligner,
    AlignersPerAppointment,
    Notes,
}

impl Field {
    fn from_server(field: &str) -> Option<Field> {
        Some(match field {
            "patient" | "patient.full_name" => Field::FullName,
            "patient.date_of_birth" => Field::DateOfBirth,
            "title" => Field::Title,
            "start_date" => Field::StartDate,
            "days_per_aligner" => Field::DaysPerAligner,
            "aligners_per_appointment" => Field::AlignersPerAppointment,
            "notes" => Field::Notes,
            _ => return None,
        })
    }
}

/// The request for the form, or what to fix first. Blank optional fields
/// are left out (the server's defaults apply); numbers must be whole.
fn new_case_request(form: &NewCaseForm) -> Result<NewCaseRequest, Vec<(Field, String)>> {
    let text = |value: &str| Some(value.trim().to_owned()).filter(|value| !value.is_empty());
    let mut problems = Vec::new();
    let mut number = |field, value: &str, what: &str| match value.trim().parse::<i32>() {
        Ok(number) => Some(number),
        Err(_) => {
            problems.push((field, format!("Write a whole number of {what}.")));
            None
        }
    };
    let days = number(Field::DaysPerAligner, &form.days_per_aligner, "days, like 14");
    let aligners = number(Field::AlignersPerAppointment, &form.aligners_per_appointment, "aligners, like 3");
    if !problems.is_empty() {
        return Err(problems);
    }
    let patient = NewPatient { full_name: text(&form.full_name), date_of_birth: text(&form.date_of_birth) };
    Ok(NewCaseRequest {
        patient_id: None,
        patient: Some(patient),
        title: text(&form.title),
        start_date: text(&form.start_date),
        days_per_aligner: days,
        aligners_per_appointment: aligners,
        notes: text(&form.notes),
    })
}

#[component]
pub(crate) fn NewCasePage() -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    let full_name = FieldState::new("");
    let date_of_birth = FieldState::new("");
    let title = FieldState::new("");
    let start_date = FieldState::new("");
    let days_per_aligner = FieldState::new("14");
    let aligners_per_appointment = FieldState::new("3");
    let notes = FieldState::new("");
    let state_of = move |field: Field| match field {
        Field::FullName => full_name,
        Field::DateOfBirth => date_of_birth,
        Field::Title => title,
        Field::StartDate => start_date,
        Field::DaysPerAligner => days_per_aligner,
        Field::AlignersPerAppointment => aligners_per_appointment,
        Field::Notes => notes,
    };
    let all = [
        Field::FullName,
        Field::DateOfBirth,
        Field::Title,
        Field::StartDate,
        Field::DaysPerAligner,
        Field::AlignersPerAppointment,
        Field::Notes,
    ];
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    let show_problems = move |problems: Vec<(Field, String)>| {
        for (field, message) in problems {
            state_of(field).error.set(Some(message));
        }
        request_animation_frame(focus_first_invalid);
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for field in all {
            state_of(field).error.set(None);
        }
        problem.set(None);
        let form = NewCaseForm {
            full_name: full_name.value.get_untracked(),
            date_of_birth: date_of_birth.value.get_untracked(),
            title: title.value.get_untracked(),
            start_date: start_date.value.get_untracked(),
            days_per_aligner: days_per_aligner.value.get_untracked(),
            aligners_per_appointment: aligners_per_appointment.value.get_untracked(),
            notes: notes.value.get_untracked(),
        };
        let request = match new_case_request(&form) {
            Ok(request) => request,
            Err(problems) => return show_problems(problems),
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api.create_case(&request).await {
                Ok(created) => navigate(&format!("/cases/{}", created.case.id), Default::default()),
                Err(ClientError::SignedOut) => {}
                Err(error) => {
                    let message = sentence(&error.to_string());
                    match error.field().and_then(Field::from_server) {
                        Some(field) => show_problems(vec![(field, message)]),
                        None => problem.set(Some(message)),
                    }
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="page form-page">
            <p class="back"><A href="/cases">"← All cases"</A></p>
            <form class="case-form" on:submit=submit novalidate aria-busy=move || busy.get().to_string()>
                <h1>"New case"</h1>
                <fieldset>
                    <legend>"Patient"</legend>
                    <p class="field-hint">"Both optional. The case gets a code, like K7Q-4M2, for its labels; names never go on a label."</p>
                    <FormField id="full_name" label="Name" state=full_name autocomplete="off" />
                    <FormField id="date_of_birth" label="Date of birth" kind="date" state=date_of_birth />
                </fieldset>
                <fieldset>
                    <legend>"Treatment"</legend>
                    <FormField id="title" label="Title" state=title placeholder="Treatment" />
                    <FormField
                        id="start_date"
                        label="Start date"
                        kind="date"
                        state=start_date
                        hint="The day the first aligner is worn; leave empty if not known yet."
                    />
                    <div class="field-row">
                        <FormField id="days_per_aligner" label="Days per aligner" kind="number" state=days_per_aligner />
                        <FormField
                            id="aligners_per_appointment"
                            label="Aligners per appointment"
                            kind="number"
                            state=aligners_per_appointment
                        />
                    </div>
                    <div class="form-field" class:invalid=move || notes.error.get().is_some()>
                        <label for="notes">"Notes"</label>
                        <textarea id="notes" name="notes" data-testid="notes" rows="4" bind:value=notes.value></textarea>
                        {move || notes.error.get().map(|message| view! { <p class="field-error" data-testid="notes-error">{message}</p> })}
                    </div>
                </fieldset>
                {move || problem.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <div class="form-actions">
                    <SubmitButton busy=busy testid="create-case" label="Create case" busy_label="Creating…" />
                    <A href="/cases" attr:class="button quiet">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}

/// Puts the cursor in the first field with a message, which a screen reader then reads.
fn focus_first_invalid() {
    let field = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector("[aria-invalid=true]").ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NewCaseForm {
        NewCaseForm { days_per_aligner: "14".into(), aligners_per_appointment: "3".into(), ..NewCaseForm::default() }
    }

    #[test]
    fn blank_optional_fields_are_left_to_the_servers_defaults() {
        let request = new_case_request(&NewCaseForm { title: "  ".into(), ..form() }).unwrap();
        assert_eq!(request.title, None);
        assert_eq!(request.start_date, None);
        assert_eq!(request.patient, Some(NewPatient { full_name: None, date_of_birth: None }));
        assert_eq!((request.days_per_aligner, request.aligners_per_appointment), (Some(14), Some(3)));
    }

    #[test]
    fn typed_fields_are_sent_trimmed() {
        let typed = NewCaseForm {
            full_name: " Ada Lovelace ".into(),
            date_of_birth: "1990-12-10".into(),
            start_date: "2026-12-01".into(),
            days_per_aligner: " 10".into(),
            notes: "Crowding".into(),
            ..form()
        };
        let request = new_case_request(&typed).unwrap();
        let patient = request.patient.unwrap();
        assert_eq!(patient.full_name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(patient.date_of_birth.as_deref(), Some("1990-12-10"));
        assert_eq!(request.start_date.as_deref(), Some("2026-12-01"));
        assert_eq!(request.days_per_aligner, Some(10));
        assert_eq!(request.notes.as_deref(), Some("Crowding"));
    }

    #[test]
    fn numbers_that_are_not_whole_are_named_by_field() {
        let problems = new_case_request(&NewCaseForm {
            days_per_aligner: "two weeks".into(),
            aligners_per_appointment: "".into(),
            ..form()
        })
        .unwrap_err();
        let fields: Vec<Field> = problems.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, [Field::DaysPerAligner, Field::AlignersPerAppointment]);
        assert!(problems[0].1.contains("days"));
    }

    #[test]
    fn the_servers_field_names_map_to_the_form() {
        assert_eq!(Field::from_server("patient.date_of_birth"), Some(Field::DateOfBirth));
        assert_eq!(Field::from_server("days_per_aligner"), Some(Field::DaysPerAligner));
        assert_eq!(Field::from_server("patient_id"), None, "not on this form: shown above the buttons");
    }
}
