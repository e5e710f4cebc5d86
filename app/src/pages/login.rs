//! Sign in: email and password (Enter submits), a busy state, and the
//! server's own message when it refuses (wrong password, too many attempts
//! with the wait). Signed in, the user goes where `?next=` says, else to
//! the cases board.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::use_api;
use crate::display::sentence;
use crate::state::{SignIn, SignedOutReason, after_sign_in, use_session};

#[component]
pub(crate) fn LoginPage() -> impl IntoView {
    let session = use_session();
    let api = use_api();
    let navigate = use_navigate();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    // Signed in (just now, or already): on to where the user was going.
    Effect::new(move || {
        if session.account().is_some() {
            let next = after_sign_in(query.read_untracked().get("next").as_deref());
            navigate(&next, NavigateOptions { replace: true, ..NavigateOptions::default() });
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (address, secret) = (email.get_untracked(), password.get_untracked());
        if address.trim().is_empty() || secret.is_empty() {
            problem.set(Some("Enter your email address and your password.".to_owned()));
            return;
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            if let Err(error) = api.login(&address, &secret).await {
                problem.set(Some(sentence(&error.to_string())));
                busy.set(false);
            }
        });
    };

    let notice = move || match session.state() {
        SignIn::SignedOut(SignedOutReason::Expired) => {
            Some("Your session has ended. Sign in again to carry on where you were.")
        }
        SignIn::SignedOut(SignedOutReason::ByUser) => Some("You have signed out."),
        SignIn::SignedOut(SignedOutReason::Unreachable) => {
            Some("The server cannot be reached right now. Inspecting a file works without it.")
        }
        _ => None,
    };

    view! {
        <section class="page login">
            <form class="login-card" on:submit=submit novalidate aria-busy=move || busy.get().to_string()>
                <h1>"Sign in to Trayforge"</h1>
                {move || notice().map(|text| view! { <p class="notice" role="status" data-testid="login-notice">{text}</p> })}
                <div class="form-field">
                    <label for="email">"Email address"</label>
                    <input
                        id="email"
                        type="email"
                        name="email"
                        data-testid="email"
                        autocomplete="username"
                        autofocus
                        required
                        bind:value=email
                    />
                </div>
                <div class="form-field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        type="password"
                        name="password"
                        data-testid="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </div>
                {move || problem.get().map(|message| view! { <p class="form-error" role="alert" data-testid="login-error">{message}</p> })}
                <button type="submit" class="primary wide" data-testid="sign-in" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="hint">
                    "Your clinic's owner or administrator gives you an account. "
                    <A href="/inspect">"Inspect a file"</A>
                    " needs none."
                </p>
            </form>
        </section>
    }
}
