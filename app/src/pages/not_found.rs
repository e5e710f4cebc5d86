//! What a path the app does not know shows.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(crate) fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="page not-found">
            <h1>"Page not found"</h1>
            <p>
                "This address is not part of Trayforge. Go to "
                <A href="/cases">"the cases"</A>
                ", or "
                <A href="/inspect">"inspect a file"</A>
                " instead."
            </p>
        </section>
    }
}
