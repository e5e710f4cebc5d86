//! Where an admin page is with the list it shows: waiting, loaded, refused
//! to the signed-in role (403, with the server's reason), or failed.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ClientError;
use crate::display::sentence;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Listing<T> {
    Loading,
    Loaded(T),
    /// The server said this role may not: the page says so instead of the list.
    Refused(String),
    Failed(String),
}

impl<T> Listing<T> {
    /// The server's reason, when it refused the list to this role.
    pub(crate) fn refusal(&self) -> Option<String> {
        match self {
            Listing::Refused(message) => Some(message.clone()),
            _ => None,
        }
    }

    /// The state an answer leads to; `None` for an ended session (the app
    /// is already on its way to the login page, so nothing changes here).
    pub(crate) fn from_answer(answer: Result<T, ClientError>) -> Option<Listing<T>> {
        match answer {
            Ok(list) => Some(Listing::Loaded(list)),
            Err(ClientError::SignedOut) => None,
            Err(error) if error.is_forbidden() => Some(Listing::Refused(sentence(&error.to_string()))),
            Err(error) => Some(Listing::Failed(sentence(&error.to_string()))),
        }
    }
}

/// Keeps `listing` filled with what `fetch` answers: fetched again whenever
/// a signal `fetch` reads changes (the page number) or `reloads` is bumped;
/// an answer overtaken by a newer request is dropped.
pub(crate) fn keep_loaded<T, F, Fut>(listing: RwSignal<Listing<T>>, reloads: RwSignal<u32>, fetch: F)
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, ClientError>> + 'static,
{
    let latest = StoredValue::new(0_u64);
    Effect::new(move || {
        reloads.track();
        let answer = fetch();
        let mine = latest.get_value() + 1;
        latest.set_value(mine);
        spawn_local(async move {
            let answer = answer.await;
            if latest.try_get_value() == Some(mine)
                && let Some(state) = Listing::from_answer(answer)
            {
                listing.set(state);
            }
        });
    });
}

/// A row's one action (revoke, delete): `busy` while it runs, the server's
/// reason in `problem` when it fails, `done` once it succeeded.
pub(crate) fn row_action<F, Fut>(
    busy: RwSignal<bool>,
    problem: RwSignal<Option<String>>,
    act: F,
    done: Callback<()>,
) -> Callback<()>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), ClientError>> + 'static,
{
    Callback::new(move |()| {
        busy.set(true);
        problem.set(None);
        let answer = act();
        spawn_local(async move {
            match answer.await {
                Ok(()) => done.run(()),
                Err(ClientError::SignedOut) => {}
                Err(error) => problem.set(Some(sentence(&error.to_string()))),
            }
            busy.set(false);
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, message: &str) -> ClientError {
        ClientError::Refused { status, code: "x".into(), message: message.into(), field: None }
    }

    #[test]
    fn a_403_is_a_refusal_with_the_servers_reason_and_a_401_changes_nothing() {
        assert_eq!(Listing::from_answer(Ok(3)), Some(Listing::Loaded(3)));
        assert_eq!(
            Listing::<u8>::from_answer(Err(refused(403, "only owners and admins manage the clinic's people"))),
            Some(Listing::Refused("Only owners and admins manage the clinic's people.".into()))
        );
        assert_eq!(
            Listing::<u8>::from_answer(Err(refused(500, "the server failed"))),
            Some(Listing::Failed("The server failed.".into()))
        );
        assert_eq!(Listing::<u8>::from_answer(Err(ClientError::SignedOut)), None);
    }
}
