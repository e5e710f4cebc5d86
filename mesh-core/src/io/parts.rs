//! Reading a large file in parts, on every core the host has.
//!
//! A reader splits its input where a record starts, reads each part into a
//! [`Welder`](super::weld::Welder) of its own, and appends them in order:
//! the mesh is the same, vertex order included, as reading it in one go.
//! In the browser (wasm32, no threads) the parts are read one after another.

/// Below this many bytes a part is not worth a thread.
const MIN_PART_BYTES: usize = 2 << 20;

/// How many parts to cut `len` bytes into.
pub(crate) fn count(len: usize) -> usize {
    #[cfg(not(target_family = "wasm"))]
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    #[cfg(target_family = "wasm")]
    let cores = 1;
    cores.min(len / MIN_PART_BYTES).max(1)
}

/// `read(index, part)` for every part, in order; in parallel where threads exist.
pub(crate) fn read_each<'a, T: Send>(parts: &[&'a [u8]], read: impl Fn(usize, &'a [u8]) -> T + Sync) -> Vec<T> {
    #[cfg(not(target_family = "wasm"))]
    if parts.len() > 1 {
        return std::thread::scope(|scope| {
            let read = &read;
            let started: Vec<_> = parts
                .iter()
                .enumerate()
                .map(|(index, &part)| {
                    (index, part, std::thread::Builder::new().spawn_scoped(scope, move || read(index, part)))
                })
                .collect();
            started
                .into_iter()
                .map(|(index, part, thread)| match thread {
                    // A panic in a part is a bug; pass it on rather than hide it.
                    Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    // No thread to be had: read it here.
                    Err(_) => read(index, part),
                })
                .collect()
        });
    }
    parts.iter().enumerate().map(|(index, &part)| read(index, part)).collect()
}
