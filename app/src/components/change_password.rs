//! "Change my password" in the account menu: a dialog asking for the
//! current password and the new one twice (`POST /api/v1/me/password`),
//! with the server's messages next to the fields (wrong current password,
//! too short, too many attempts). Other sessions end; this one goes on.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use trayforge_wire::ChangePasswordRequest;

use crate::api::{ClientError, use_api};
use crate::components::{Dialog, FieldState, FormErrors, FormField, SubmitButton};
use crate::display::sentence;

#[component]
pub(crate) fn ChangePassword() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="quiet" data-testid="change-password" on:click=move |_| open.set(true)>
            "Change my password"
        </button>
        <Dialog open=open id="change-password-dialog" title="Change my password">
            <ChangePasswordForm open=open />
        </Dialog>
    }
}

#[component]
fn ChangePasswordForm(open: RwSignal<bool>) -> impl IntoView {
    let api = use_api();
    let current = FieldState::new("");
    let new = FieldState::new("");
    let repeat = FieldState::new("");
    let errors = FormErrors {
        fields: [("current_password", current), ("new_password", new), ("repeat_password", repeat)],
        form: RwSignal::new(None),
    };
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let request = ChangePasswordRequest {
            current_password: current.value.get_untracked(),
            new_password: new.value.get_untracked(),
        };
        if request.new_password != repeat.value.get_untracked() {
            errors.show(Some("repeat_password"), "The two new passwords differ; type the same one twice.".to_owned());
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api.change_own_password(&request).await {
                Ok(()) => done.set(true),
                Err(ClientError::SignedOut) => open.set(false),
                Err(error) => errors.show(error.field(), sentence(&error.to_string())),
            }
            busy.set(false);
        });
    };

    move || {
        if done.get() {
            view! {
                <p class="saved" role="status" data-testid="password-changed">
                    "Your password is changed. Your other sessions have been signed out; this one goes on."
                </p>
                <div class="form-actions">
                    <button type="button" class="primary" on:click=move |_| open.set(false)>"Close"</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <form on:submit=submit novalidate aria-busy=move || busy.get().to_string()>
                    <FormField
                        id="current_password"
                        label="Current password"
                        kind="password"
                        state=current
                        autocomplete="current-password"
                    />
                    <FormField
                        id="new_password"
                        label="New password"
                        kind="password"
                        state=new
                        hint="At least 12 characters; a few unrelated words make a good one."
                        autocomplete="new-password"
                    />
                    <FormField
                        id="repeat_password"
                        label="New password again"
                        kind="password"
                        state=repeat
                        autocomplete="new-password"
                    />
                    {move || errors.form.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <div class="form-actions">
                        <SubmitButton busy=busy testid="save-password" label="Change password" busy_label="Changing…" />
                        <button type="button" class="quiet" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            }
            .into_any()
        }
    }
}
