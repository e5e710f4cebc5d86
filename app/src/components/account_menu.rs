//! The right of the header: the clinic and the signed-in person with
//! "Change my password" and a sign-out button, or a sign-in link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::use_api;
use crate::components::ChangePassword;
use crate::display::sentence;
use crate::state::{SignIn, use_session};

#[component]
pub(crate) fn AccountMenu() -> impl IntoView {
    let session = use_session();
    let api = use_api();
    let navigate = use_navigate();
    let signing_out = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let sign_out = move |_| {
        signing_out.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            // Signed out in the app either way; a server that could not be
            // told is said, since its session would still be good.
            failed.set(api.logout().await.err().map(|error| sentence(&error.to_string())));
            signing_out.set(false);
            navigate("/login", Default::default());
        });
    };
    view! {
        <div class="account">
            {move || match session.state() {
                SignIn::SignedIn(account) => view! {
                    <span class="account-who" data-testid="account">
                        <span class="account-clinic" data-testid="clinic-name">{account.clinic.clone()}</span>
                        <span class="account-user">
                            <span data-testid="user-name">{account.name.clone()}</span>
                            " · "
                            <span class="account-role" data-testid="user-role">{account.role_label()}</span>
                        </span>
                    </span>
                    <ChangePassword />
                    <button
                        type="button"
                        class="quiet"
                        data-testid="sign-out"
                        disabled=move || signing_out.get()
                        on:click=sign_out.clone()
                    >
                        {move || if signing_out.get() { "Signing out…" } else { "Sign out" }}
                    </button>
                }
                .into_any(),
                SignIn::SignedOut(_) => view! {
                    {move || failed.get().map(|message| view! { <span class="account-problem" role="alert">{message}</span> })}
                    <A href="/login" attr:class="account-sign-in">"Sign in"</A>
                }
                .into_any(),
                SignIn::Checking => ().into_any(),
            }}
        </div>
    }
}
