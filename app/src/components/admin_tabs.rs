//! The admin pages' own navigation: people, API tokens, webhooks.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(crate) fn AdminTabs() -> impl IntoView {
    view! {
        <nav class="admin-tabs" aria-label="Administration">
            <A href="/admin/users">"People"</A>
            <A href="/admin/tokens">"API tokens"</A>
            <A href="/admin/webhooks">"Webhooks"</A>
        </nav>
    }
}
