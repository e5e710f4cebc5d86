//! One case: its code big, the patient, the schedule, the status (a menu),
//! the notes (editable), the stages of each arch with their model versions,
//! and the photos. A case that does not exist (or is another clinic's)
//! gets a friendly "no such case".

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use trayforge_wire::{CaseDetail, CaseUpdate, FileView, StageView};

use crate::api::{ClientError, download_href, use_api};
use crate::case_status::{self, CaseStatus};
use crate::components::{StageTable, StatusSelect, TreatmentViewer, UploadButton};
use crate::display::{count, human_date, megabytes, sentence};
use crate::import::uploads::Target;
use crate::state::use_session;

/// The notes as being edited: kept by the page, so that a status change
/// (which redraws the case) neither loses a draft nor hides "saved".
#[derive(Debug, Clone, Copy)]
struct NotesDraft {
    /// `None` while the notes are as saved.
    text: RwSignal<Option<String>>,
    /// The last change saved them.
    saved: RwSignal<bool>,
}

/// Where the page is with the case it shows.
#[derive(Debug, Clone, PartialEq)]
enum CaseLoad {
    Waiting,
    Loaded(Box<CaseDetail>),
    Missing,
    Failed(String),
}

#[component]
pub(crate) fn CasePage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let loading = RwSignal::new(CaseLoad::Waiting);

    let latest = StoredValue::new(0_u64);
    Effect::new(move || {
        let id = id.get();
        let mine = latest.get_value() + 1;
        latest.set_value(mine);
        loading.set(CaseLoad::Waiting);
        spawn_local(async move {
            let result = api.case(&id).await;
            if latest.try_get_value() != Some(mine) {
                return;
            }
            match result {
                Ok(detail) => loading.set(CaseLoad::Loaded(Box::new(detail))),
                Err(error) if error.is_not_found() => loading.set(CaseLoad::Missing),
                Err(ClientError::SignedOut) => {}
                Err(error) => loading.set(CaseLoad::Failed(sentence(&error.to_string()))),
            }
        });
    });
    let on_changed = Callback::new(move |detail: CaseDetail| loading.set(CaseLoad::Loaded(Box::new(detail))));
    let draft = NotesDraft { text: RwSignal::new(None), saved: RwSignal::new(false) };

    move || match loading.get() {
        CaseLoad::Waiting => view! { <p class="page status" role="status">"Loading the case…"</p> }.into_any(),
        CaseLoad::Missing => view! { <NoSuchCase /> }.into_any(),
        CaseLoad::Failed(message) => view! {
            <section class="page">
                <p class="form-error" role="alert">{message}</p>
                <p><A href="/cases">"Back to all cases"</A></p>
            </section>
        }
        .into_any(),
        CaseLoad::Loaded(detail) => view! { <CaseView detail=*detail on_changed=on_changed draft=draft /> }.into_any(),
    }
}

#[component]
fn NoSuchCase() -> impl IntoView {
    view! {
        <section class="page not-found" data-testid="no-such-case">
            <h1>"No such case"</h1>
            <p>"This clinic has no case at this address. It may have been deleted, or the link may be mistyped."</p>
            <p><A href="/cases">"See all cases"</A></p>
        </section>
    }
}

#[component]
fn CaseView(detail: CaseDetail, on_changed: Callback<CaseDetail>, draft: NotesDraft) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let may_change = session.account().is_some_and(|account| account.may_change_cases());
    let case = detail.case.clone();
    let id = StoredValue::new(case.id.clone());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    // Every change answers the whole case, which replaces the page's.
    let change = move |update: CaseUpdate| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let saves_notes = update.notes.is_some();
            match api.update_case(&id.get_value(), &update).await {
                Ok(detail) => {
                    if saves_notes {
                        draft.text.set(None);
                        draft.saved.set(true);
                    }
                    on_changed.run(detail);
                }
                Err(ClientError::SignedOut) => {}
                Err(error) => problem.set(Some(sentence(&error.to_string()))),
            }
            busy.set(false);
        });
    };
    // An upload adds a version or a photo: show the case as the server has it now.
    let on_uploaded = Callback::new(move |()| {
        spawn_local(async move {
            if let Ok(detail) = api.case(&id.get_value()).await {
                on_changed.run(detail);
            }
        });
    });
    let choose_status = Callback::new(move |status: CaseStatus| {
        change(CaseUpdate { status: Some(status.as_str().to_owned()), ..CaseUpdate::default() });
    });

    let notes = RwSignal::new(draft.text.get_untracked().unwrap_or_else(|| case.notes.clone()));
    let saved_notes = case.notes.clone();
    let notes_changed = move || notes.with(|notes| *notes != saved_notes);
    let save_notes = move |_| {
        draft.saved.set(false);
        change(CaseUpdate { notes: Some(notes.get_untracked()), ..CaseUpdate::default() });
    };

    let patient = case.patient.clone();
    let name = patient.full_name.clone().unwrap_or_else(|| "—".to_owned());
    let born = patient.date_of_birth.as_deref().map_or_else(|| "—".to_owned(), human_date);
    let start = case.start_date.as_deref().map_or_else(|| "Not set yet".to_owned(), human_date);
    let (upper, lower): (Vec<StageView>, Vec<StageView>) =
        detail.stages.iter().cloned().partition(|stage| stage.arch == "upper");
    let has_stages = !detail.stages.is_empty();

    view! {
        <article class="page case-page" data-testid="case-page">
            <p class="back"><A href="/cases">"← All cases"</A></p>
            <header class="case-head">
                <div>
                    <p class="case-code-big" data-testid="case-code">{patient.code.clone()}</p>
                    <h1 data-testid="case-title">{case.title.clone()}</h1>
                </div>
                <div class="case-status">
                    {if may_change {
                        view! {
                            <label class="status-label">
                                "Status "
                                <StatusSelect
                                    current=case.status.clone()
                                    label=format!("Status of {}", patient.code)
                                    busy=busy.into()
                                    on_choose=choose_status
                                />
                            </label>
                        }
                        .into_any()
                    } else {
                        view! { <p class="status-text">{case_status::label_of(&case.status)}</p> }.into_any()
                    }}
                </div>
            </header>
            {move || problem.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <div class="case-facts">
                <section aria-labelledby="patient-heading">
                    <h2 id="patient-heading">"Patient"</h2>
                    <dl>
                        <dt>"Name"</dt>
                        <dd data-testid="patient-name">{name}</dd>
                        <dt>"Date of birth"</dt>
                        <dd>{born}</dd>
                    </dl>
                </section>
                <section aria-labelledby="schedule-heading" data-testid="schedule">
                    <h2 id="schedule-heading">"Schedule"</h2>
                    <dl>
                        <dt>"Start"</dt>
                        <dd data-testid="start-date">{start}</dd>
                        <dt>"Each aligner"</dt>
                        <dd data-testid="days-per-aligner">{count(case.days_per_aligner.max(0) as u64, "day", "days")}</dd>
                        <dt>"Per appointment"</dt>
                        <dd data-testid="aligners-per-appointment">
                            {count(case.aligners_per_appointment.max(0) as u64, "aligner", "aligners")}
                        </dd>
                    </dl>
                </section>
            </div>
            <section class="case-notes" aria-labelledby="notes-heading">
                <h2 id="notes-heading">"Notes"</h2>
                {if may_change {
                    view! {
                        <textarea
                            id="case-notes"
                            aria-labelledby="notes-heading"
                            data-testid="case-notes"
                            rows="4"
                            prop:value=notes.get_untracked()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                notes.set(text.clone());
                                draft.text.set(Some(text));
                                draft.saved.set(false);
                            }
                        ></textarea>
                        <div class="form-actions">
                            <button
                                type="button"
                                class="primary"
                                data-testid="save-notes"
                                disabled=move || busy.get() || !notes_changed()
                                on:click=save_notes
                            >
                                "Save notes"
                            </button>
                            {move || draft.saved.get().then(|| view! { <span class="saved" role="status">"Notes saved."</span> })}
                        </div>
                    }
                    .into_any()
                } else {
                    let text = if case.notes.is_empty() { "No notes.".to_owned() } else { case.notes.clone() };
                    view! { <p class="notes-text">{text}</p> }.into_any()
                }}
            </section>
            <TreatmentViewer stages=detail.stages.clone() />
            <section class="case-stages" aria-labelledby="stages-heading">
                <h2 id="stages-heading">"Stages and models"</h2>
                <p class="form-actions">
                    <A href=format!("/cases/{}/import", case.id) attr:class="button quiet" attr:data-testid="import-plan">"Import plan"</A>
                    {has_stages.then(|| view! {
                        <A href=format!("/cases/{}/prepare", case.id) attr:class="button quiet" attr:data-testid="prepare-models">"Prepare models"</A>
                    })}
                </p>
                {if has_stages {
                    let case_id = case.id.clone();
                    view! {
                        {(!upper.is_empty()).then(|| view! { <StageTable arch="upper" title="Upper arch" stages=upper case_id=case_id.clone() on_uploaded=on_uploaded /> })}
                        {(!lower.is_empty()).then(|| view! { <StageTable arch="lower" title="Lower arch" stages=lower case_id=case_id on_uploaded=on_uploaded /> })}
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="hint" data-testid="no-stages">
                            "No models yet. Import the plan's files with Import plan; each stage then appears here, per arch."
                        </p>
                    }
                    .into_any()
                }}
            </section>
            <section class="case-photos" aria-labelledby="photos-heading">
                <h2 id="photos-heading">"Photos"</h2>
                <Photos photos=detail.photos />
                {may_change.then(|| view! {
                    <UploadButton
                        case_id=case.id.clone()
                        target=Target::Photo
                        label="Add photo"
                        accept="image/jpeg,image/png,image/heic,.heic"
                        description="Add a photo to this case"
                        on_uploaded=on_uploaded
                    />
                })}
            </section>
            <crate::components::CaseActivity case_id=case.id.clone() />
        </article>
    }
}

#[component]
fn Photos(photos: Vec<FileView>) -> impl IntoView {
    if photos.is_empty() {
        return view! { <p class="hint">"No photos yet."</p> }.into_any();
    }
    view! {
        <ul class="photo-list" data-testid="photos">
            {photos
                .into_iter()
                .map(|photo| {
                    let href = download_href(&photo);
                    view! {
                        <li>
                            <a href=href download=photo.file_name.clone()>{photo.file_name.clone()}</a>
                            <span class="size">{megabytes(photo.size_bytes)}</span>
                            <span class="when">{human_date(photo.created_at.get(..10).unwrap_or_default())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
