//! `/admin/users`: the clinic's people (paged) with their role and whether
//! they may sign in; add a person (with a temporary password shown once),
//! change a role, disable or enable (after a confirm step), and set a new
//! password (shown once). The server's refusals (demoting oneself, the
//! last owner) show next to the person's row. Owners and admins only: for
//! anyone else the server's 403 reason is the page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use trayforge_wire::{NewUserRequest, Page, ResetPasswordRequest, UpdateUserRequest, UserView};

use crate::api::{ClientError, PageRequest, use_api};
use crate::components::{
    AccessRefused, AdminTabs, ConfirmAction, Dialog, FieldState, FormErrors, FormField, Pager, SecretOnce, SubmitButton,
};
use crate::display::{human_date, sentence};
use crate::listing::{Listing, keep_loaded};
use crate::roles::{assignable_by, role_label};
use crate::state::use_session;
use crate::temporary_password;

/// People per page.
const USERS_PAGE: u32 = 25;

/// A password just set for someone, to show once.
#[derive(Debug, Clone, PartialEq, Eq)]
struct GivenPassword {
    /// Whose it is: "Ana Ruiz (ana@smile.example)".
    who: String,
    password: String,
    /// Whether the person was just added (else the password was reset).
    new_person: bool,
}

#[component]
pub(crate) fn AdminUsersPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let own_role = session.account().map(|account| account.role).unwrap_or_default();
    let page = RwSignal::new(1_u32);
    let reloads = RwSignal::new(0_u32);
    let listing = RwSignal::new(Listing::<Page<UserView>>::Loading);
    let given = RwSignal::new(None::<GivenPassword>);
    let given_open = RwSignal::new(false);
    let resetting = RwSignal::new(None::<UserView>);
    let reset_open = RwSignal::new(false);

    keep_loaded(listing, reloads, move || api.users(PageRequest { number: page.get(), limit: USERS_PAGE }));

    let show_password = Callback::new(move |password: GivenPassword| {
        given.set(Some(password));
        given_open.set(true);
        reloads.update(|n| *n += 1);
    });
    let start_reset = Callback::new(move |user: UserView| {
        resetting.set(Some(user));
        reset_open.set(true);
    });
    let own_role_for_rows = own_role.clone();

    let refused = Memo::new(move |_| listing.with(Listing::refusal));
    view! {
        {move || match refused.get() {
            Some(message) => view! { <AccessRefused message=message /> }.into_any(),
            None => {
                let own_role = own_role_for_rows.clone();
                view! {
                    <section class="page admin-page" data-testid="admin-users">
                        <AdminTabs />
                        <h1>"People"</h1>
                        <p class="hint">"Everyone who signs in to this clinic, with what their role lets them do."</p>
                        <AddPerson own_role=own_role.clone() on_added=show_password />
                        <h2>"The clinic's people"</h2>
                        {move || match listing.get() {
                            Listing::Loaded(loaded) => view! {
                                <ul class="admin-list" data-testid="user-list">
                                    {loaded
                                        .items
                                        .into_iter()
                                        .map(|user| view! { <UserRow user=user own_role=own_role.clone() on_reset=start_reset /> })
                                        .collect_view()}
                                </ul>
                                <Pager
                                    page=loaded.page
                                    limit=loaded.limit
                                    total=loaded.total
                                    noun=("person", "people")
                                    on_page=Callback::new(move |n| page.set(n))
                                />
                            }
                            .into_any(),
                            Listing::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                            _ => view! { <p class="hint" role="status">"Loading the clinic's people…"</p> }.into_any(),
                        }}
                    </section>
                }
                .into_any()
            }
        }}
        <Dialog
            open=given_open
            id="password-dialog"
            title=Signal::derive(move || {
                match given.get() {
                    Some(GivenPassword { new_person: true, .. }) => "Person added".to_owned(),
                    _ => "New password set".to_owned(),
                }
            })
        >
            {move || given.get().map(|given| {
                let explanation = if given.new_person {
                    format!("{} can sign in now with this temporary password; they change it under “Change my password”.", given.who)
                } else {
                    format!("{} is signed out everywhere. Give them this password; they change it under “Change my password”.", given.who)
                };
                view! {
                    <SecretOnce label="Temporary password" secret=given.password explanation=explanation />
                    <div class="form-actions">
                        <button type="button" class="primary" data-testid="close-dialog" on:click=move |_| given_open.set(false)>"Done"</button>
                    </div>
                }
            })}
        </Dialog>
        <Dialog
            open=reset_open
            id="reset-dialog"
            title=Signal::derive(move || {
                resetting.get().map_or_else(String::new, |user| format!("New password for {}", user.display_name))
            })
        >
            {move || resetting.get().map(|user| view! { <ResetPassword user=user open=reset_open on_set=show_password /> })}
        </Dialog>
    }
}

/// "Ana Ruiz (ana@smile.example)".
fn who(user: &UserView) -> String {
    format!("{} ({})", user.display_name, user.email)
}

#[component]
fn AddPerson(own_role: String, on_added: Callback<GivenPassword>) -> impl IntoView {
    let api = use_api();
    let name = FieldState::new("");
    let email = FieldState::new("");
    let role = FieldState::new("clinician");
    let password = FieldState::new(&temporary_password::generate().unwrap_or_default());
    let errors = FormErrors {
        fields: [("display_name", name), ("email", email), ("role", role), ("password", password)],
        form: RwSignal::new(None),
    };
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let request = NewUserRequest {
            email: email.value.get_untracked().trim().to_owned(),
            display_name: name.value.get_untracked().trim().to_owned(),
            role: role.value.get_untracked(),
            password: password.value.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            match api.create_user(&request).await {
                Ok(user) => {
                    on_added.run(GivenPassword { who: who(&user), password: request.password, new_person: true });
                    name.value.set(String::new());
                    email.value.set(String::new());
                    password.value.set(temporary_password::generate().unwrap_or_default());
                }
                Err(ClientError::SignedOut) => {}
                Err(error) => errors.show(error.field(), sentence(&error.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="admin-form" on:submit=submit novalidate aria-busy=move || busy.get().to_string() data-testid="add-person">
            <h2>"Add a person"</h2>
            <div class="field-row">
                <FormField id="new_user_name" label="Name" state=name placeholder="Dr Ana Ruiz" autocomplete="off" />
                <FormField id="new_user_email" label="Email address" kind="email" state=email autocomplete="off" />
            </div>
            <div class="field-row">
                <div class="form-field" class:invalid=move || role.error.get().is_some()>
                    <label for="new_user_role">"Role"</label>
                    <select id="new_user_role" data-testid="new_user_role" bind:value=role.value>
                        {assignable_by(&own_role)
                            .into_iter()
                            .map(|value| view! { <option value=value>{role_label(value)}</option> })
                            .collect_view()}
                    </select>
                    {move || role.error.get().map(|message| view! { <p class="field-error" data-testid="new_user_role-error">{message}</p> })}
                </div>
                <FormField
                    id="new_user_password"
                    label="Temporary password"
                    state=password
                    hint="Made up for you; change it if you like (at least 12 characters). It is shown once more after adding."
                    autocomplete="off"
                />
            </div>
            {move || errors.form.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <div class="form-actions">
                <SubmitButton busy=busy testid="add-person-submit" label="Add person" busy_label="Adding…" />
            </div>
        </form>
    }
}

#[component]
fn UserRow(user: UserView, own_role: String, on_reset: Callback<UserView>) -> impl IntoView {
    let api = use_api();
    let current = RwSignal::new(user);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    // The menu shows what the server holds: after a refusal it goes back.
    let shown_role = RwSignal::new(current.get_untracked().role);

    let change = move |update: UpdateUserRequest| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match api.update_user(&current.get_untracked().id, &update).await {
                Ok(user) => {
                    shown_role.set(user.role.clone());
                    current.set(user);
                }
                Err(ClientError::SignedOut) => {}
                Err(error) => {
                    problem.set(Some(sentence(&error.to_string())));
                    shown_role.set(current.get_untracked().role);
                }
            }
            busy.set(false);
        });
    };

    let choices = assignable_by(&own_role);
    // Only an owner changes an owner's account: others are not offered it.
    let may_manage = own_role == "owner" || current.get_untracked().role != "owner";
    let user = current.get_untracked();
    let select_label = format!("Role of {}", user.display_name);
    view! {
        <li class="admin-row" data-testid="user-row" data-email=user.email.clone()>
            <div class="admin-row-main">
                <span class="admin-row-title">{move || current.get().display_name}</span>
                <span class="admin-row-sub">{user.email.clone()}</span>
                <span class="admin-row-sub">{format!("Added {}", human_date(user.created_at.get(..10).unwrap_or_default()))}</span>
            </div>
            <div class="admin-row-facts">
                {if may_manage {
                    view! {
                        <select
                            class="status-select"
                            data-testid="user-role-select"
                            aria-label=select_label
                            disabled=move || busy.get()
                            prop:value=move || shown_role.get()
                            on:change=move |ev| {
                                let role = event_target_value(&ev);
                                shown_role.set(role.clone());
                                change(UpdateUserRequest { role: Some(role), ..UpdateUserRequest::default() });
                            }
                        >
                            {choices
                                .iter()
                                .map(|value| view! { <option value=*value selected=*value == user.role>{role_label(value)}</option> })
                                .collect_view()}
                        </select>
                    }
                    .into_any()
                } else {
                    view! { <span class="status-text" data-testid="user-role-text">{role_label(&user.role)}</span> }.into_any()
                }}
                <span
                    class="state-badge"
                    class:off=move || current.get().disabled
                    data-testid="user-state"
                >
                    {move || if current.get().disabled { "Disabled" } else { "Active" }}
                </span>
            </div>
            <div class="admin-row-actions">
                {move || may_manage.then(|| {
                    let person = current.get();
                    let (label, question, confirm) = if person.disabled {
                        ("Enable", format!("Let {} sign in again?", person.display_name), "Yes, enable")
                    } else {
                        (
                            "Disable",
                            format!("Disable {}? They are signed out at once and cannot sign in.", person.display_name),
                            "Yes, disable",
                        )
                    };
                    let disable = !person.disabled;
                    view! {
                        <ConfirmAction
                            label=label.to_owned()
                            question=question
                            confirm=confirm.to_owned()
                            busy=busy
                            danger=disable
                            testid="toggle-disabled".to_owned()
                            on_confirm=Callback::new(move |()| {
                                change(UpdateUserRequest { disabled: Some(disable), ..UpdateUserRequest::default() })
                            })
                        />
                        <button
                            type="button"
                            class="quiet"
                            data-testid="reset-password"
                            disabled=move || busy.get()
                            on:click=move |_| on_reset.run(current.get_untracked())
                        >
                            "Set a new password"
                        </button>
                    }
                })}
            </div>
            {move || problem.get().map(|message| view! { <p class="row-problem" role="alert" data-testid="row-problem">{message}</p> })}
        </li>
    }
}

#[component]
fn ResetPassword(user: UserView, open: RwSignal<bool>, on_set: Callback<GivenPassword>) -> impl IntoView {
    let api = use_api();
    let password = FieldState::new(&temporary_password::generate().unwrap_or_default());
    let errors = FormErrors { fields: [("new_password", password)], form: RwSignal::new(None) };
    let busy = RwSignal::new(false);
    let user = StoredValue::new(user);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let request = ResetPasswordRequest { new_password: password.value.get_untracked() };
        busy.set(true);
        spawn_local(async move {
            let person = user.get_value();
            match api.reset_password(&person.id, &request).await {
                Ok(()) => {
                    open.set(false);
                    on_set.run(GivenPassword { who: who(&person), password: request.new_password, new_person: false });
                }
                Err(ClientError::SignedOut) => open.set(false),
                Err(error) => errors.show(error.field(), sentence(&error.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form on:submit=submit novalidate aria-busy=move || busy.get().to_string()>
            <p>{format!("{} will be signed out everywhere and sign in with the new password.", user.get_value().display_name)}</p>
            <FormField
                id="reset_password"
                label="New password"
                state=password
                hint="Made up for you; change it if you like (at least 12 characters)."
                autocomplete="off"
            />
            {move || errors.form.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <div class="form-actions">
                <SubmitButton busy=busy testid="reset-password-submit" label="Set password" busy_label="Setting…" />
                <button type="button" class="quiet" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}
