//! `/admin/tokens`: the clinic's API tokens (paged) with their scopes, who
//! made them, when each expires and was last used, and a warning on those
//! stopped because their maker is disabled; create one with a name, scopes
//! and a lifetime (its secret shown once, in a dialog with a Copy button),
//! revoke one after a confirm step. Owners and admins only: for anyone else
//! the server's 403 reason is the page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use trayforge_wire::{ApiTokenView, CreatedToken, NewTokenRequest, Page};

use crate::api::{ClientError, PageRequest, use_api};
use crate::components::{
    AccessRefused, AdminTabs, CheckboxGroup, Choice, ConfirmAction, Dialog, FieldState, FormErrors, FormField, Pager,
    SecretOnce, SubmitButton,
};
use crate::display::{human_date_time, sentence};
use crate::listing::{Listing, keep_loaded, row_action};

/// Tokens per page.
const TOKENS_PAGE: u32 = 25;

/// The scopes the server knows (`domain::Scope`), in its order.
const SCOPES: [Choice; 3] = [
    Choice { value: "read", label: "Read", hint: "Read cases, files and reports." },
    Choice { value: "write", label: "Write", hint: "Create and change cases, upload files." },
    Choice { value: "production", label: "Production", hint: "Run production: plates, print jobs, printers." },
];

/// How long a new token lasts: the form's choices, in days (0: until revoked).
const LIFETIMES: [(&str, &str); 4] = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("0", "Until revoked")];

/// The moment `days` from now, as RFC 3339; `None` for 0 (no expiry).
fn expiry_in(days: &str) -> Option<String> {
    let days: f64 = days.parse().ok().filter(|days| *days > 0.0)?;
    let at = js_sys::Date::new(&(js_sys::Date::now() + days * 86_400_000.0).into());
    Some(String::from(at.to_iso_string()))
}

#[component]
pub(crate) fn AdminTokensPage() -> impl IntoView {
    let api = use_api();
    let page = RwSignal::new(1_u32);
    let reloads = RwSignal::new(0_u32);
    let listing = RwSignal::new(Listing::<Page<ApiTokenView>>::Loading);
    let created = RwSignal::new(None::<CreatedToken>);
    let created_open = RwSignal::new(false);

    keep_loaded(listing, reloads, move || api.tokens(PageRequest { number: page.get(), limit: TOKENS_PAGE }));
    let reload = Callback::new(move |()| reloads.update(|n| *n += 1));
    let on_created = Callback::new(move |token: CreatedToken| {
        created.set(Some(token));
        created_open.set(true);
        reload.run(());
    });

    let refused = Memo::new(move |_| listing.with(Listing::refusal));
    view! {
        {move || match refused.get() {
            Some(message) => view! { <AccessRefused message=message /> }.into_any(),
            None => view! {
                <section class="page admin-page" data-testid="admin-tokens">
                    <AdminTabs />
                    <h1>"API tokens"</h1>
                    <p class="hint">
                        "A token lets another program (a lab system, a script) use the API for this clinic: it sends "
                        <code>"Authorization: Bearer <token>"</code>
                        ". Give each program its own token with only the scopes it needs."
                    </p>
                    <NewToken on_created=on_created />
                    <h2>"The clinic's tokens"</h2>
                    {move || match listing.get() {
                        Listing::Loaded(loaded) if loaded.total == 0 => view! {
                            <p class="hint" data-testid="no-tokens">"No tokens yet. Create one above for each program that needs the API."</p>
                        }
                        .into_any(),
                        Listing::Loaded(loaded) => view! {
                            <ul class="admin-list" data-testid="token-list">
                                {loaded.items.into_iter().map(|token| view! { <TokenRow token=token on_revoked=reload /> }).collect_view()}
                            </ul>
                            <Pager
                                page=loaded.page
                                limit=loaded.limit
                                total=loaded.total
                                noun=("token", "tokens")
                                on_page=Callback::new(move |n| page.set(n))
                            />
                        }
                        .into_any(),
                        Listing::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                        _ => view! { <p class="hint" role="status">"Loading the tokens…"</p> }.into_any(),
                    }}
                </section>
            }
            .into_any(),
        }}
        <Dialog
            open=created_open
            id="token-dialog"
            title=Signal::derive(move || created.get().map_or_else(String::new, |c| format!("Token “{}” created", c.token.name)))
        >
            {move || created.get().map(|created| view! {
                <SecretOnce
                    label="API token"
                    secret=created.secret
                    explanation="Put it in the program's settings; it is sent as Authorization: Bearer <token>."
                />
                <div class="form-actions">
                    <button type="button" class="primary" data-testid="close-dialog" on:click=move |_| created_open.set(false)>"Done"</button>
                </div>
            })}
        </Dialog>
    }
}

#[component]
fn NewToken(on_created: Callback<CreatedToken>) -> impl IntoView {
    let api = use_api();
    let name = FieldState::new("");
    let scopes = RwSignal::new(vec!["read"]);
    let scopes_error = RwSignal::new(None::<String>);
    let lifetime = RwSignal::new("365".to_owned());
    let errors = FormErrors { fields: [("name", name)], form: RwSignal::new(None) };
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        scopes_error.set(None);
        let request = NewTokenRequest {
            name: name.value.get_untracked().trim().to_owned(),
            scopes: scopes.get_untracked().into_iter().map(str::to_owned).collect(),
            expires_at: expiry_in(&lifetime.get_untracked()),
        };
        busy.set(true);
        spawn_local(async move {
            match api.create_token(&request).await {
                Ok(created) => {
                    name.value.set(String::new());
                    on_created.run(created);
                }
                Err(ClientError::SignedOut) => {}
                Err(error) if error.field() == Some("scopes") => scopes_error.set(Some(sentence(&error.to_string()))),
                Err(error) => errors.show(error.field(), sentence(&error.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="admin-form" on:submit=submit novalidate aria-busy=move || busy.get().to_string() data-testid="new-token">
            <h2>"Create a token"</h2>
            <FormField id="token_name" label="Name" state=name placeholder="Lab system" hint="Which program uses it." autocomplete="off" />
            <CheckboxGroup id="token-scopes" legend="Scopes" choices=SCOPES.to_vec() chosen=scopes error=scopes_error />
            <div class="form-field">
                <label for="token_lifetime">"Works for"</label>
                <p class="field-hint" id="token_lifetime-hint">
                    "After that it stops by itself. A token also stops while the person who made it is disabled."
                </p>
                <select
                    id="token_lifetime"
                    data-testid="token-lifetime"
                    aria-describedby="token_lifetime-hint"
                    on:change=move |ev| lifetime.set(event_target_value(&ev))
                    prop:value=move || lifetime.get()
                >
                    {LIFETIMES.iter().map(|(days, label)| view! { <option value=*days>{*label}</option> }).collect_view()}
                </select>
            </div>
            {move || errors.form.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <div class="form-actions">
                <SubmitButton busy=busy testid="create-token" label="Create token" busy_label="Creating…" />
            </div>
        </form>
    }
}

#[component]
fn TokenRow(token: ApiTokenView, on_revoked: Callback<()>) -> impl IntoView {
    let api = use_api();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let id = StoredValue::new(token.id.clone());
    let revoke = row_action(
        busy,
        problem,
        move || {
            let id = id.get_value();
            async move { api.revoke_token(&id).await }
        },
        on_revoked,
    );
    let scopes = token.scopes.join(", ");
    let used = token
        .last_used_at
        .as_deref()
        .map_or_else(|| "Never used".to_owned(), |at| format!("Last used {}", human_date_time(at)));
    let revoked = token.revoked_at.clone();
    let expiry = token.expires_at.as_deref().map_or_else(
        || "Works until revoked".to_owned(),
        |at| {
            let expired = js_sys::Date::new(&at.into()).get_time() <= js_sys::Date::now();
            format!("{} {}", if expired { "Expired" } else { "Expires" }, human_date_time(at))
        },
    );
    let state = match (&revoked, token.creator_disabled) {
        (Some(at), _) => format!("Revoked {}", human_date_time(at)),
        (None, true) => "Stopped".to_owned(),
        (None, false) => "Active".to_owned(),
    };
    let stopped = (revoked.is_none() && token.creator_disabled).then(|| {
        format!(
            "{} is disabled, so this token does not work. Enable them again, or create a new token and revoke this one.",
            token.created_by_name
        )
    });
    view! {
        <li class="admin-row" data-testid="token-row" data-name=token.name.clone() data-revoked=revoked.is_some().to_string()>
            <div class="admin-row-main">
                <span class="admin-row-title">{token.name.clone()}</span>
                <span class="admin-row-sub" data-testid="token-scopes">{format!("Scopes: {scopes}")}</span>
                <span class="admin-row-sub">
                    {format!("Created by {} {}", token.created_by_name, human_date_time(&token.created_at))}
                </span>
                <span class="admin-row-sub" data-testid="token-expiry">{expiry}</span>
                <span class="admin-row-sub">{used}</span>
                {stopped.map(|why| view! { <span class="row-warning" role="note" data-testid="token-stopped">{why}</span> })}
            </div>
            <div class="admin-row-facts">
                <span class="state-badge" class:off=revoked.is_some() || token.creator_disabled data-testid="token-state">
                    {state}
                </span>
            </div>
            <div class="admin-row-actions">
                {revoked.is_none().then(|| view! {
                    <ConfirmAction
                        label="Revoke".to_owned()
                        question=format!("Revoke “{}”? Programs using it stop working at once.", token.name)
                        confirm="Yes, revoke".to_owned()
                        busy=busy
                        danger=true
                        testid="revoke-token".to_owned()
                        on_confirm=revoke
                    />
                })}
            </div>
            {move || problem.get().map(|message| view! { <p class="row-problem" role="alert" data-testid="row-problem">{message}</p> })}
        </li>
    }
}
