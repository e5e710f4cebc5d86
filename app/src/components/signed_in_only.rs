//! The gate of every page that needs a session: while the app asks the
//! server it says so; signed out, it sends the user to the login page with
//! the way back (`?next=`), so that signing in lands where they were.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::state::{SignIn, login_href, use_session};

#[component]
pub(crate) fn SignedInOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move || {
        if let SignIn::SignedOut(_) = session.state() {
            let search = location.search.get_untracked();
            let here = if search.is_empty() {
                location.pathname.get_untracked()
            } else {
                format!("{}?{search}", location.pathname.get_untracked())
            };
            navigate(&login_href(&here), NavigateOptions { replace: true, ..NavigateOptions::default() });
        }
    });
    move || match session.state() {
        SignIn::SignedIn(_) => children().into_any(),
        _ => view! { <p class="page status" role="status">"Checking your sign-in…"</p> }.into_any(),
    }
}
