//! What a page shows when the server refuses it to the signed-in role
//! (403): the server's own reason, and where to go instead.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(crate) fn AccessRefused(
    /// The server's message, as a sentence.
    message: String,
) -> impl IntoView {
    view! {
        <section class="page not-found" data-testid="access-refused">
            <h1>"Not available to your role"</h1>
            <p class="form-error" role="alert" data-testid="access-refused-message">{message}</p>
            <p>
                "If you need this, ask your clinic's owner or an administrator. "
                <A href="/cases">"Back to the cases"</A>
            </p>
        </section>
    }
}
