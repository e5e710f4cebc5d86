//! What an upload does after a failed try: try again after a pause that
//! doubles each time, wait for the network to come back, or give up and
//! show the server's message.
//!
//! A refusal (4xx) is final: the same bytes would be refused again. A
//! network error while the browser is offline pauses the import without
//! spending a try; it resumes when the browser is back online (or the user
//! presses Resume).

use crate::api::ClientError;

/// Tries per file before it is marked failed (network errors and 5xx).
pub(crate) const TRIES: u32 = 3;

/// The pause before the second try; each next one is twice as long.
const FIRST_PAUSE_MS: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterFailure {
    RetryAfterMs(u32),
    WaitForNetwork,
    GiveUp,
}

/// The next step after `tries` tries (counting the one that just failed
/// with `error`), when the browser says it is `online` or not.
pub(crate) fn after_failure(error: &ClientError, tries: u32, online: bool) -> AfterFailure {
    if !error.is_worth_retrying() {
        AfterFailure::GiveUp
    } else if *error == ClientError::Unreachable && !online {
        AfterFailure::WaitForNetwork
    } else if tries >= TRIES {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryAfterMs(FIRST_PAUSE_MS << tries.saturating_sub(1).min(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16) -> ClientError {
        ClientError::Refused { status, code: "x".into(), message: "no".into(), field: None }
    }

    #[test]
    fn network_and_server_errors_are_retried_with_doubling_pauses_then_given_up() {
        let error = ClientError::Unreachable;
        assert_eq!(after_failure(&error, 1, true), AfterFailure::RetryAfterMs(1_000));
        assert_eq!(after_failure(&error, 2, true), AfterFailure::RetryAfterMs(2_000));
        assert_eq!(after_failure(&error, 3, true), AfterFailure::GiveUp);
        assert_eq!(after_failure(&refused(503), 2, true), AfterFailure::RetryAfterMs(2_000));
        assert_eq!(after_failure(&ClientError::Unexpected { status: 502 }, 3, true), AfterFailure::GiveUp);
    }

    #[test]
    fn refusals_are_never_retried() {
        for status in [400, 403, 404, 413, 422] {
            assert_eq!(after_failure(&refused(status), 1, true), AfterFailure::GiveUp, "{status}");
        }
        assert_eq!(after_failure(&ClientError::SignedOut, 1, false), AfterFailure::GiveUp);
    }

    #[test]
    fn offline_waits_for_the_network_without_spending_tries() {
        assert_eq!(after_failure(&ClientError::Unreachable, 3, false), AfterFailure::WaitForNetwork);
        assert_eq!(after_failure(&ClientError::Unreachable, 99, false), AfterFailure::WaitForNetwork);
        assert_eq!(after_failure(&refused(500), 1, false), AfterFailure::RetryAfterMs(1_000), "the server answered");
    }
}
