//! A case's status as a menu: the one control that moves a case along,
//! on its card and on its page (keyboard and touch work as for any select).

use leptos::prelude::*;

use crate::case_status::{self, CaseStatus, StatusLabel};

#[component]
pub(crate) fn StatusSelect(
    /// The status as the server last said (`wire::CaseView::status`).
    current: String,
    /// For screen readers: "Status of K7Q-4M2".
    label: String,
    /// A change is on its way: the menu waits.
    busy: Signal<bool>,
    /// Called with the status the user picked.
    on_choose: Callback<CaseStatus>,
) -> impl IntoView {
    // An unknown status (a newer server) stays selectable as it is.
    let known = case_status::parse(&current).is_some();
    let shown = current.clone();
    view! {
        <select
            class="status-select"
            data-testid="status-select"
            aria-label=label
            disabled=move || busy.get()
            on:change=move |ev| {
                if let Some(status) = case_status::parse(&event_target_value(&ev)) {
                    on_choose.run(status);
                }
            }
        >
            {(!known).then(|| view! { <option value=shown.clone() selected=true>{case_status::label_of(&shown)}</option> })}
            {CaseStatus::ALL
                .into_iter()
                .map(|status| {
                    view! {
                        <option value=status.as_str() selected=status.as_str() == current>{status.label()}</option>
                    }
                })
                .collect_view()}
        </select>
    }
}
