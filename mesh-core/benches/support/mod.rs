//! Timing shared by the benchmarks: medians of runs taken in turns.

use std::time::{Duration, Instant};

/// The wall time of one call of `f`.
pub(crate) fn timed(f: &mut impl FnMut()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// Median times of `runs` runs of `ours` and `anchor` (each returns the
/// time of one run) after one warm-up each, taken in turns so that a busy
/// machine slows both alike.
pub(crate) fn medians(
    runs: usize,
    mut ours: impl FnMut() -> Duration,
    mut anchor: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    ours();
    anchor();
    let (mut a, mut b): (Vec<_>, Vec<_>) = (0..runs).map(|_| (ours(), anchor())).unzip();
    a.sort();
    b.sort();
    (a[runs / 2], b[runs / 2])
}

pub(crate) fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}
