//! The cases board: the clinic's cases as cards in columns by status, a
//! search (code, title or name, sent to the server as `q=` once typing
//! pauses, and kept in the address so Back and reload keep it), and the
//! cancelled cases folded away behind a toggle.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use trayforge_wire::CaseView;
use wasm_bindgen::JsCast;

use crate::api::{CaseQuery, ClientError, use_api};
use crate::case_status::{BoardColumn, CaseStatus, StatusLabel, board_columns};
use crate::components::CaseCard;
use crate::display::sentence;
use crate::query::with_query;
use crate::state::use_session;

/// The most the API gives in one page; the board shows the most recently changed.
const BOARD_LIMIT: u32 = 200;
/// Typing pauses this long before the search goes to the server.
const SEARCH_PAUSE: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, PartialEq)]
enum Board {
    Loading,
    Loaded {
        cases: Vec<CaseView>,
        total: u64,
        /// The search these cases answer.
        text: String,
    },
    Failed(String),
}

#[component]
pub(crate) fn CasesPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let searched = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let typed = RwSignal::new(searched.get_untracked());
    let board = RwSignal::new(Board::Loading);
    let show_cancelled = RwSignal::new(false);
    let may_change = move || session.account().is_some_and(|account| account.may_change_cases());

    // Each search in the address is fetched; an answer to an older one is dropped.
    let latest = StoredValue::new(0_u64);
    Effect::new(move || {
        let text = searched.get();
        let mine = latest.get_value() + 1;
        latest.set_value(mine);
        spawn_local(async move {
            let result = api.cases(&CaseQuery { text: text.clone(), status: None, limit: BOARD_LIMIT }).await;
            if latest.try_get_value() != Some(mine) {
                return;
            }
            match result {
                Ok(page) => board.set(Board::Loaded { cases: page.items, total: page.total, text }),
                // On the way to the login page.
                Err(ClientError::SignedOut) => {}
                Err(error) => board.set(Board::Failed(sentence(&error.to_string()))),
            }
        });
    });

    let search_now = {
        let navigate = navigate.clone();
        move |text: String| {
            let options = NavigateOptions { replace: true, scroll: false, ..NavigateOptions::default() };
            navigate(&with_query("/cases", &[("q", text.trim())]), options);
        }
    };
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = {
        let search_now = search_now.clone();
        move |ev| {
            typed.set(event_target_value(&ev));
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let search_now = search_now.clone();
            let handle = set_timeout_with_handle(move || search_now(typed.get_untracked()), SEARCH_PAUSE).ok();
            pending.set_value(handle);
        }
    };
    // Enter searches at once.
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        search_now(typed.get_untracked());
    };
    let clear_search = {
        let navigate = navigate.clone();
        move |_| {
            typed.set(String::new());
            navigate("/cases", NavigateOptions { replace: true, ..NavigateOptions::default() });
        }
    };

    // A moved card takes the server's answer; keyboard focus follows it to its new column.
    let on_changed = Callback::new(move |changed: CaseView| {
        let id = changed.id.clone();
        board.update(|board| {
            if let Board::Loaded { cases, .. } = board
                && let Some(case) = cases.iter_mut().find(|case| case.id == changed.id)
            {
                *case = changed;
            }
        });
        request_animation_frame(move || focus(&format!("[data-case-id=\"{id}\"] select")));
    });

    let cancelled_count = move || match board.get() {
        Board::Loaded { cases, .. } => {
            cases.iter().filter(|case| case.status == CaseStatus::Cancelled.as_str()).count()
        }
        _ => 0,
    };

    view! {
        <section class="page board-page">
            <div class="board-toolbar">
                <h1>"Cases"</h1>
                <form class="board-search" role="search" on:submit=on_submit>
                    <label for="case-search" class="visually-hidden">"Search cases"</label>
                    <input
                        id="case-search"
                        type="search"
                        data-testid="case-search"
                        placeholder="Search by code, title or name"
                        autocomplete="off"
                        prop:value=move || typed.get()
                        on:input=on_input
                    />
                </form>
                {move || {
                    let cancelled = cancelled_count();
                    (cancelled > 0)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="quiet"
                                    data-testid="toggle-cancelled"
                                    aria-pressed=move || show_cancelled.get().to_string()
                                    on:click=move |_| show_cancelled.update(|shown| *shown = !*shown)
                                >
                                    {move || if show_cancelled.get() { "Hide cancelled".to_owned() } else { format!("Show cancelled ({cancelled})") }}
                                </button>
                            }
                        })
                }}
                {move || may_change().then(|| view! { <A href="/cases/new" attr:class="button primary" attr:data-testid="new-case">"New case"</A> })}
            </div>
            {move || match board.get() {
                Board::Loading => view! { <p class="status" role="status">"Loading cases…"</p> }.into_any(),
                Board::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                Board::Loaded { cases, text, .. } if cases.is_empty() => {
                    view! { <EmptyBoard text=text may_create=may_change() on_clear=clear_search.clone() /> }.into_any()
                }
                Board::Loaded { cases, total, text } => {
                    let shown = cases.len();
                    let columns: Vec<BoardColumn> = board_columns(&cases)
                        .into_iter()
                        .filter(|column| column.status != CaseStatus::Cancelled || show_cancelled.get())
                        .collect();
                    view! {
                        {(total > shown as u64).then(|| view! {
                            <p class="hint">{format!("Showing the {shown} most recently changed of {total} cases; search to find the others.")}</p>
                        })}
                        <div class="board" data-testid="board" data-query=text>
                            {columns
                                .into_iter()
                                .map(|column| view! { <Column column=column may_change=may_change() on_changed=on_changed /> })
                                .collect_view()}
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Column(column: BoardColumn, may_change: bool, on_changed: Callback<CaseView>) -> impl IntoView {
    let status = column.status.as_str();
    let heading_id = format!("column-{status}-heading");
    let labelled_by = heading_id.clone();
    let count = column.cases.len();
    view! {
        <section class="board-column" data-testid=format!("column-{status}") aria-labelledby=labelled_by>
            <h2 id=heading_id>{column.status.label()} <span class="column-count">{count}</span></h2>
            <ul class="case-cards">
                {column
                    .cases
                    .into_iter()
                    .map(|case| view! { <CaseCard case=case may_change=may_change on_changed=on_changed /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// What an empty board says: how to begin, or that the search found nothing.
#[component]
fn EmptyBoard(text: String, may_create: bool, on_clear: impl Fn(web_sys::MouseEvent) + 'static) -> impl IntoView {
    let searching = !text.trim().is_empty();
    view! {
        <div class="board-empty" data-testid="board-empty" data-query=text.clone()>
            {if searching {
                view! {
                    <h2>{format!("No case matches “{}”", text.trim())}</h2>
                    <p>"Search looks at case codes (like K7Q-4M2, with or without the dash), titles and patient names."</p>
                    <button type="button" class="quiet" on:click=on_clear>"Clear the search"</button>
                }
                .into_any()
            } else if may_create {
                view! {
                    <h2>"No cases yet"</h2>
                    <p>"Start with New case: each patient gets a code, like K7Q-4M2, that goes on every label."</p>
                    <A href="/cases/new" attr:class="button primary">"New case"</A>
                }
                .into_any()
            } else {
                view! {
                    <h2>"No cases yet"</h2>
                    <p>"Cases appear here once a clinician creates them."</p>
                }
                .into_any()
            }}
        </div>
    }
}

/// Moves keyboard focus to the first element matching `selector`, if any.
fn focus(selector: &str) {
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(selector).ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
