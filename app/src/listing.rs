//! Where an admin page is with the list it shows: waiting, loaded, refused
//! to the signed-in role (403, with the server's reason), or failed.

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
