//! The shell of the app: the session and the API in context, the header
//! (navigation, who is signed in), and the routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api::Api;
use crate::components::{AccountMenu, SignedInOnly};
use crate::pages::{
    AdminTokensPage, AdminUsersPage, AdminWebhooksPage, CasePage, CasesPage, HomePage, ImportPlanPage, InspectPage,
    LoginPage, NewCasePage, NotFoundPage, PreparePage,
};
use crate::state::{Session, SignIn};

#[component]
pub(crate) fn App() -> impl IntoView {
    let session = Session::new();
    let api = Api::new(session);
    provide_context(session);
    provide_context(api);
    // A session cookie from an earlier visit: ask the server whose it is.
    if session.state_untracked() == SignIn::Checking {
        spawn_local(api.check_session());
    }

    view! {
        <Router>
            <header class="shell-header">
                <A href="/" attr:class="brand">"Trayforge"</A>
                <nav class="shell-nav" aria-label="Main">
                    {move || session.account().map(|_| view! { <A href="/cases">"Cases"</A> })}
                    {move || {
                        session
                            .account()
                            .filter(|account| account.may_manage_clinic())
                            .map(|_| view! { <A href="/admin" attr:data-testid="admin-link">"Admin"</A> })
                    }}
                    <A href="/inspect">"Inspect a file"</A>
                </nav>
                <AccountMenu />
            </header>
            <main class="shell-main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/inspect") view=InspectPage />
                    <Route path=path!("/cases") view=|| view! { <SignedInOnly><CasesPage /></SignedInOnly> } />
                    <Route path=path!("/cases/new") view=|| view! { <SignedInOnly><NewCasePage /></SignedInOnly> } />
                    <Route path=path!("/cases/:id") view=|| view! { <SignedInOnly><CasePage /></SignedInOnly> } />
                    <Route path=path!("/cases/:id/import") view=|| view! { <SignedInOnly><ImportPlanPage /></SignedInOnly> } />
                    <Route path=path!("/cases/:id/prepare") view=|| view! { <SignedInOnly><PreparePage /></SignedInOnly> } />
                    <Route path=path!("/admin") view=|| view! { <Redirect path="/admin/users" /> } />
                    <Route path=path!("/admin/users") view=|| view! { <SignedInOnly><AdminUsersPage /></SignedInOnly> } />
                    <Route path=path!("/admin/tokens") view=|| view! { <SignedInOnly><AdminTokensPage /></SignedInOnly> } />
                    <Route path=path!("/admin/webhooks") view=|| view! { <SignedInOnly><AdminWebhooksPage /></SignedInOnly> } />
                </Routes>
            </main>
        </Router>
    }
}
