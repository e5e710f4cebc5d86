//! A case on the board: its code big, the title, the patient's name when
//! the server sends it, how many stages have models, and its status menu.
//! The card is a link (Tab reaches it, Enter opens the case); the menu
//! beside the link moves the case to another column.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use trayforge_wire::{CaseUpdate, CaseView};

use crate::api::{ClientError, use_api};
use crate::case_status::{self, CaseStatus};
use crate::components::StatusSelect;
use crate::display::{count, sentence};

#[component]
pub(crate) fn CaseCard(
    case: CaseView,
    /// Whether the signed-in role may change a case (else the status is shown as text).
    may_change: bool,
    /// Called with the case as the server answered a change.
    on_changed: Callback<CaseView>,
) -> impl IntoView {
    let api = use_api();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(case.status.clone());
    let id = case.id.clone();
    let code = case.patient.code.clone();

    let choose = {
        let id = id.clone();
        Callback::new(move |chosen: CaseStatus| {
            let id = id.clone();
            let before = status.get_untracked();
            busy.set(true);
            problem.set(None);
            spawn_local(async move {
                let update = CaseUpdate { status: Some(chosen.as_str().to_owned()), ..CaseUpdate::default() };
                match api.update_case(&id, &update).await {
                    Ok(detail) => on_changed.run(detail.case),
                    Err(ClientError::SignedOut) => {}
                    Err(error) => {
                        problem.set(Some(sentence(&error.to_string())));
                        // Back to what the server holds.
                        status.set(before);
                    }
                }
                busy.set(false);
            });
        })
    };

    let models = match case.stages_with_models {
        0 => "No models yet".to_owned(),
        n => format!("{} with models", count(u64::from(n), "stage", "stages")),
    };
    let label = format!("Status of {code}");
    let href = format!("/cases/{id}");
    let data_code = code.clone();
    view! {
        <li
            class="case-card"
            data-testid="case-card"
            data-code=data_code
            data-status=case.status.clone()
            data-case-id=id
        >
            <A href=href attr:class="case-card-link">
                <span class="case-code" data-testid="case-code">{code}</span>
                <span class="case-title">{case.title.clone()}</span>
                {case.patient.full_name.clone().map(|name| view! { <span class="case-patient">{name}</span> })}
                <span class="case-models" data-testid="case-models">{models}</span>
            </A>
            {if may_change {
                view! {
                    {move || {
                        view! { <StatusSelect current=status.get() label=label.clone() busy=busy.into() on_choose=choose /> }
                    }}
                }
                .into_any()
            } else {
                view! { <span class="status-text">{case_status::label_of(&case.status)}</span> }.into_any()
            }}
            {move || problem.get().map(|message| view! { <p class="card-problem" role="alert">{message}</p> })}
        </li>
    }
}
