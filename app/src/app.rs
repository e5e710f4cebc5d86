//! The shell of the app: header, navigation, and the routes.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::pages::{InspectPage, NotFoundPage};

#[component]
pub(crate) fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="shell-header">
                <A href="/" attr:class="brand">"Trayforge"</A>
                <nav class="shell-nav" aria-label="Main">
                    <A href="/">"Inspect a model"</A>
                </nav>
            </header>
            <main class="shell-main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=InspectPage />
                </Routes>
            </main>
        </Router>
    }
}
