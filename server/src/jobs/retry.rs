//! How long a failed job waits before its next attempt: exponential
//! backoff, capped, with jitter so that jobs that failed together (a
//! receiver down for everyone) do not all come back at the same instant.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure, before jitter.
    pub base: Duration,
    /// No wait is longer.
    pub max: Duration,
}

impl Backoff {
    /// The wait after the `failed_attempts`-th failure (1 for the first):
    /// `base × 2^(failed_attempts − 1)`, at most `max`, then scaled by
    /// `jitter` (0 to 1) to between 100% and 80% of that.
    pub fn delay(&self, failed_attempts: u32, jitter: f64) -> Duration {
        let doublings = failed_attempts.saturating_sub(1).min(31);
        let full = self.base.checked_mul(1 << doublings).unwrap_or(Duration::MAX).min(self.max);
        let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
        full.mul_f64(1.0 - 0.2 * jitter)
    }
}

/// A uniform draw from 0 to 1 for [`Backoff::delay`]; the middle when the
/// system's random source fails (a retry is then merely less spread).
pub fn random_jitter() -> f64 {
    getrandom::u32().map_or(0.5, |draw| f64::from(draw) / f64::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_SECONDS_CAPPED_AT_AN_HOUR: Backoff =
        Backoff { base: Duration::from_secs(10), max: Duration::from_secs(3600) };

    fn check(failed_attempts: u32, jitter: f64, expected_secs: f64) {
        let delay = TEN_SECONDS_CAPPED_AT_AN_HOUR.delay(failed_attempts, jitter);
        assert!((delay.as_secs_f64() - expected_secs).abs() < 1e-6, "{failed_attempts}, {jitter}: {delay:?}");
    }

    #[test]
    fn waits_double_from_the_base_until_the_cap() {
        check(1, 0.0, 10.0);
        check(2, 0.0, 20.0);
        check(3, 0.0, 40.0);
        check(8, 0.0, 1280.0);
        check(9, 0.0, 2560.0);
        check(10, 0.0, 3600.0);
        check(u32::MAX, 0.0, 3600.0);
    }

    #[test]
    fn jitter_shortens_a_wait_by_at_most_a_fifth() {
        check(1, 1.0, 8.0);
        check(3, 0.5, 36.0);
        check(20, 1.0, 2880.0);
        check(1, 7.0, 8.0);
        check(1, -1.0, 10.0);
        check(1, f64::NAN, 10.0);
    }

    #[test]
    fn a_zero_based_backoff_retries_at_once() {
        let now = Backoff { base: Duration::ZERO, max: Duration::from_secs(1) };
        assert_eq!(now.delay(5, 0.3), Duration::ZERO);
    }

    #[test]
    fn random_jitter_stays_between_zero_and_one() {
        assert!((0..100).map(|_| random_jitter()).all(|draw| (0.0..=1.0).contains(&draw)));
    }
}
