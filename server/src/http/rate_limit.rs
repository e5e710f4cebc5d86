//! The login limiter: at most N sign-in attempts per minute per client
//! address, in fixed one-minute windows. Guesses at the current password
//! when changing one's own (`POST /me/password`) are counted the same way,
//! per person.
//!
//! Per account only failures count, with the addresses they came from:
//! after N failed attempts in a window, those addresses must wait for the
//! window's end before trying that account again, while any other address
//! may still try — so strangers guessing cannot lock the real user out, and
//! each address guessing gets at most N tries per account and minute. A
//! successful sign-in clears the account's failures.
//!
//! It lives in this process's memory: a restart forgets it, and several
//! server processes each count on their own (so N per process). That is
//! enough to make password guessing slow; put a shared limiter in front
//! (the reverse proxy) when running many processes.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many tracked keys, finished windows are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct LoginLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<String, Window>>,
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    attempts: u32,
}

/// An account's failed sign-ins in the current window, and from where.
#[derive(Debug, Clone)]
struct Failures {
    started: Instant,
    count: u32,
    from: HashSet<String>,
}

impl LoginLimiter {
    pub fn new(per_minute: u32) -> LoginLimiter {
        LoginLimiter { per_minute, windows: Mutex::new(HashMap::new()), failures: Mutex::new(HashMap::new()) }
    }

    /// Whether `address` may try `account` now: refused, with the wait,
    /// when the account has had N failures this window and `address` is
    /// one of those they came from.
    pub fn account_open(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match failures.get(account) {
            Some(failed)
                if now.duration_since(failed.started) < WINDOW
                    && failed.count >= self.per_minute
                    && failed.from.contains(address) =>
            {
                Err(WINDOW - now.duration_since(failed.started))
            }
            _ => Ok(()),
        }
    }

    /// Notes a failed sign-in at `account` from `address`.
    pub fn failed(&self, account: &str, address: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, failed| now.duration_since(failed.started) < WINDOW);
        }
        let failed =
            failures.entry(account.to_owned()).or_insert(Failures { started: now, count: 0, from: HashSet::new() });
        if now.duration_since(failed.started) >= WINDOW {
            *failed = Failures { started: now, count: 0, from: HashSet::new() };
        }
        failed.count += 1;
        failed.from.insert(address.to_owned());
    }

    /// A successful sign-in: the account's failures are forgotten.
    pub fn succeeded(&self, account: &str) {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(account);
    }

    /// Counts one attempt under every key, or, when any key has used up its
    /// window, counts nothing and says how long until that window ends.
    pub fn attempt(&self, keys: &[String], now: Instant) -> Result<(), Duration> {
        // A poisoned lock only means another request panicked mid-count; the counts are still usable.
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, window| now.duration_since(window.started) < WINDOW);
        }
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(window) = windows.get(key) {
                let elapsed = now.duration_since(window.started);
                if elapsed < WINDOW && window.attempts >= self.per_minute {
                    wait = wait.max(WINDOW - elapsed);
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for key in keys {
            let window = windows.entry(key.clone()).or_insert(Window { started: now, attempts: 0 });
            if now.duration_since(window.started) >= WINDOW {
                *window = Window { started: now, attempts: 0 };
            }
            window.attempts += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn the_attempt_after_the_limit_waits_for_the_window_to_end() {
        let limiter = LoginLimiter::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.attempt(&keys(&["ip:a", "account:x"]), start), Ok(()));
        }
        let later = start + Duration::from_secs(20);
        assert_eq!(limiter.attempt(&keys(&["ip:a", "account:x"]), later), Err(Duration::from_secs(40)));
        assert_eq!(limiter.attempt(&keys(&["ip:a", "account:x"]), start + WINDOW), Ok(()));
    }

    #[test]
    fn failures_at_an_account_stop_the_addresses_that_failed_and_no_other() {
        let limiter = LoginLimiter::new(3);
        let now = Instant::now();
        for address in ["a", "b", "c"] {
            assert_eq!(limiter.account_open("x", address, now), Ok(()));
            limiter.failed("x", address, now);
        }
        // Each address that guessed now waits…
        assert_eq!(limiter.account_open("x", "a", now + Duration::from_secs(10)), Err(Duration::from_secs(50)));
        // …while the real user, elsewhere, still gets in; and their success clears the count.
        assert_eq!(limiter.account_open("x", "home", now), Ok(()));
        limiter.succeeded("x");
        assert_eq!(limiter.account_open("x", "a", now), Ok(()));
        // Another account is not touched, and a new window starts afresh.
        limiter.failed("x", "a", now);
        limiter.failed("x", "a", now);
        limiter.failed("x", "a", now);
        assert_eq!(limiter.account_open("y", "a", now), Ok(()));
        assert_eq!(limiter.account_open("x", "a", now + WINDOW), Ok(()));
    }

    #[test]
    fn one_exhausted_key_blocks_and_other_keys_are_counted_apart() {
        let limiter = LoginLimiter::new(2);
        let now = Instant::now();
        limiter.attempt(&keys(&["ip:a", "account:x"]), now).unwrap();
        limiter.attempt(&keys(&["ip:b", "account:x"]), now).unwrap();
        // The account is used up from any address…
        assert!(limiter.attempt(&keys(&["ip:c", "account:x"]), now).is_err());
        // …while the addresses and other accounts are not.
        assert_eq!(limiter.attempt(&keys(&["ip:a", "account:y"]), now), Ok(()));
    }
}
