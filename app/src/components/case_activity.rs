//! A case's activity on its page: who did what and when, in plain words,
//! newest first, a page at a time ("Show more" adds the next).

use leptos::prelude::*;
use leptos::task::spawn_local;
use trayforge_wire::AuditEventView;

use crate::activity::describe;
use crate::api::{ClientError, PageRequest, use_api};
use crate::display::{human_date_time, sentence};

/// Entries per page of activity.
const ACTIVITY_PAGE: u32 = 20;

#[component]
pub(crate) fn CaseActivity(
    /// The case's id.
    case_id: String,
) -> impl IntoView {
    let api = use_api();
    let case_id = StoredValue::new(case_id);
    let entries = RwSignal::new(Vec::<AuditEventView>::new());
    let total = RwSignal::new(None::<u64>);
    let next_page = RwSignal::new(1_u32);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    let load_more = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let page = PageRequest { number: next_page.get_untracked(), limit: ACTIVITY_PAGE };
        spawn_local(async move {
            match api.case_activity(&case_id.get_value(), page).await {
                Ok(answer) => {
                    // An entry already shown (new events shift the pages) is not shown twice.
                    entries.update(|shown| {
                        for entry in answer.items {
                            if !shown.iter().any(|seen| seen.id == entry.id) {
                                shown.push(entry);
                            }
                        }
                    });
                    total.set(Some(answer.total));
                    next_page.set(page.number + 1);
                }
                Err(ClientError::SignedOut) => {}
                Err(error) => problem.set(Some(sentence(&error.to_string()))),
            }
            busy.set(false);
        });
    };
    load_more();

    let more_left = move || total.get().is_some_and(|total| (entries.with(Vec::len) as u64) < total);
    view! {
        <section class="case-activity" aria-labelledby="activity-heading" data-testid="case-activity">
            <h2 id="activity-heading">"Activity"</h2>
            {move || {
                (total.get() == Some(0)).then(|| view! { <p class="hint" data-testid="no-activity">"Nothing has happened to this case yet."</p> })
            }}
            <ol class="activity-list">
                <For each=move || entries.get() key=|entry| entry.id.clone() let:entry>
                    <li class="activity-entry" data-testid="activity-entry" data-action=entry.action.clone()>
                        <span class="activity-what">{describe(&entry)}</span>
                        <time class="when" datetime=entry.at.clone()>{human_date_time(&entry.at)}</time>
                    </li>
                </For>
            </ol>
            {move || problem.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {move || (busy.get() && total.get().is_none()).then(|| view! { <p class="hint" role="status">"Loading the activity…"</p> })}
            {move || {
                more_left()
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="quiet"
                                data-testid="activity-more"
                                disabled=move || busy.get()
                                on:click=move |_| load_more()
                            >
                                {move || if busy.get() { "Loading…" } else { "Show more" }}
                            </button>
                        }
                    })
            }}
        </section>
    }
}
