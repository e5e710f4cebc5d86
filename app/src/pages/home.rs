//! `/`: the cases board once signed in, else the login page.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::state::{SignIn, use_session};

#[component]
pub(crate) fn HomePage() -> impl IntoView {
    let session = use_session();
    move || match session.state() {
        SignIn::SignedIn(_) => view! { <Redirect path="/cases" /> }.into_any(),
        SignIn::SignedOut(_) => view! { <Redirect path="/login" /> }.into_any(),
        SignIn::Checking => view! { <p class="page status" role="status">"Checking your sign-in…"</p> }.into_any(),
    }
}
