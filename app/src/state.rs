//! Who is signed in, as the whole app sees it, and where signing in leads.
//!
//! The session itself is an HttpOnly cookie the app never sees; what the
//! app holds is who it belongs to, for the header and the pages. The server
//! sets the readable `trayforge_csrf` cookie beside the session cookie, with
//! the same lifetime, so its absence means there is no session to ask about.
//!
//! Invariant: when any request answers 401, the state becomes
//! `SignedOut { reason: Expired }`, and every page that needs a session
//! sends the user to `/login?next=<where they were>`.

use leptos::prelude::*;
use trayforge_wire::{ClinicView, LoginResponse, Me, UserView};
use wasm_bindgen::JsCast;

use crate::query::with_query;
use crate::roles;

/// The cookie the server sets beside the session for the `X-CSRF-Token` header.
const CSRF_COOKIE: &str = "trayforge_csrf";

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub(crate) clinic: String,
    pub(crate) name: String,
    pub(crate) email: String,
    /// `owner`, `admin`, `clinician` or `technician`.
    pub(crate) role: String,
}

impl Account {
    fn new(clinic: &ClinicView, user: &UserView) -> Account {
        Account {
            clinic: clinic.name.clone(),
            name: user.display_name.clone(),
            email: user.email.clone(),
            role: user.role.clone(),
        }
    }

    pub(crate) fn from_login(login: &LoginResponse) -> Account {
        Account::new(&login.clinic, &login.user)
    }

    /// `None` for an identity without a person (an API token, never a browser).
    pub(crate) fn from_me(me: &Me) -> Option<Account> {
        me.user.as_ref().map(|user| Account::new(&me.clinic, user))
    }

    /// Whether the server lets this role create and change cases (technicians
    /// work from codes and only upload models): pages offer what will work.
    pub(crate) fn may_change_cases(&self) -> bool {
        self.role != "technician"
    }

    /// Whether the server lets this role manage the clinic's people, tokens
    /// and webhooks: the header offers "Admin" only then.
    pub(crate) fn may_manage_clinic(&self) -> bool {
        roles::manages_clinic(&self.role)
    }

    /// The role for people: `Clinician`.
    pub(crate) fn role_label(&self) -> String {
        roles::role_label(&self.role)
    }
}

/// Why nobody is signed in: the login page says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignedOutReason {
    /// No session yet in this browser.
    NotYet,
    /// The server answered 401: the session ended (expired or revoked).
    Expired,
    /// The user signed out.
    ByUser,
    /// The server could not be asked.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignIn {
    /// Asking the server whether the session cookie is still good.
    Checking,
    SignedOut(SignedOutReason),
    SignedIn(Account),
}

/// The app's sign-in state, shared through context (`use_session`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Session {
    state: RwSignal<SignIn>,
    /// The token from the last sign-in, for when the cookie cannot be read.
    csrf_from_login: StoredValue<Option<String>>,
}

impl Session {
    /// `Checking` when this browser holds a session cookie, else signed out.
    pub(crate) fn new() -> Session {
        let state = if csrf_cookie().is_some() { SignIn::Checking } else { SignIn::SignedOut(SignedOutReason::NotYet) };
        Session { state: RwSignal::new(state), csrf_from_login: StoredValue::new(None) }
    }

    pub(crate) fn state(&self) -> SignIn {
        self.state.get()
    }

    pub(crate) fn state_untracked(&self) -> SignIn {
        self.state.get_untracked()
    }

    pub(crate) fn account(&self) -> Option<Account> {
        match self.state.get() {
            SignIn::SignedIn(account) => Some(account),
            _ => None,
        }
    }

    pub(crate) fn signed_in(&self, login: &LoginResponse) {
        self.csrf_from_login.set_value(Some(login.csrf_token.clone()));
        self.state.set(SignIn::SignedIn(Account::from_login(login)));
    }

    /// What `GET /me` said about the session the browser already had.
    pub(crate) fn confirmed(&self, account: Option<Account>) {
        self.state.set(account.map_or(SignIn::SignedOut(SignedOutReason::NotYet), SignIn::SignedIn));
    }

    pub(crate) fn signed_out(&self, reason: SignedOutReason) {
        self.csrf_from_login.set_value(None);
        self.state.set(SignIn::SignedOut(reason));
    }

    /// The value for `X-CSRF-Token`.
    pub(crate) fn csrf_token(&self) -> Option<String> {
        csrf_cookie().or_else(|| self.csrf_from_login.get_value())
    }
}

pub(crate) fn use_session() -> Session {
    expect_context::<Session>()
}

fn csrf_cookie() -> Option<String> {
    let cookies = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?.cookie().ok()?;
    cookie_value(&cookies, CSRF_COOKIE)
}

/// The value of cookie `name` in a `document.cookie` string; `None` when absent or empty.
fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// The login page, remembering `current` (path and query) to come back to.
pub(crate) fn login_href(current: &str) -> String {
    let next = if current == "/" || current.starts_with("/login") { "" } else { current };
    with_query("/login", &[("next", next)])
}

/// Where to go after signing in: `next` when it is a path of this app,
/// else the cases board. Never another site (`//evil.example`, `https:…`).
pub(crate) fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.starts_with("/\\")
                && !next.starts_with("/login") =>
        {
            next.to_owned()
        }
        _ => "/cases".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: &str) -> Account {
        Account { clinic: "Smile Lab".into(), name: "Ana".into(), email: "ana@smile.example".into(), role: role.into() }
    }

    #[test]
    fn technicians_are_not_offered_case_changes() {
        assert!(account("clinician").may_change_cases());
        assert!(account("owner").may_change_cases());
        assert!(!account("technician").may_change_cases());
        assert_eq!(account("clinician").role_label(), "Clinician");
        assert!(account("admin").may_manage_clinic());
        assert!(!account("technician").may_manage_clinic());
    }

    #[test]
    fn the_csrf_cookie_is_found_among_others() {
        let cookies = "theme=dark; trayforge_csrf=abc123; other=1";
        assert_eq!(cookie_value(cookies, "trayforge_csrf").as_deref(), Some("abc123"));
        assert_eq!(cookie_value("trayforge_csrf=", "trayforge_csrf"), None, "a cleared cookie is no session");
        assert_eq!(cookie_value("x_trayforge_csrf=1", "trayforge_csrf"), None);
        assert_eq!(cookie_value("", "trayforge_csrf"), None);
    }

    #[test]
    fn the_login_page_remembers_where_the_user_was() {
        assert_eq!(login_href("/cases/42"), "/login?next=%2Fcases%2F42");
        assert_eq!(login_href("/cases?q=ada"), "/login?next=%2Fcases%3Fq%3Dada");
        assert_eq!(login_href("/"), "/login");
        assert_eq!(login_href("/login?next=%2Fcases"), "/login", "never back to the login page");
    }

    #[test]
    fn signing_in_leads_only_to_this_apps_pages() {
        assert_eq!(after_sign_in(Some("/cases/42")), "/cases/42");
        assert_eq!(after_sign_in(Some("/cases?q=ada")), "/cases?q=ada");
        assert_eq!(after_sign_in(None), "/cases");
        assert_eq!(after_sign_in(Some("//evil.example/x")), "/cases");
        assert_eq!(after_sign_in(Some("/\\evil.example")), "/cases");
        assert_eq!(after_sign_in(Some("https://evil.example")), "/cases");
        assert_eq!(after_sign_in(Some("/login")), "/cases");
    }
}
