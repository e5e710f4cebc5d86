//! How much memory requests that read model files may take at once.
//!
//! Reading a model (parsing, welding, checking) takes a few times the
//! file's size, and a 3MF what its part unpacks to besides; ten large
//! uploads at once could take gigabytes. Each read first takes its share of
//! a fixed budget — `mesh_core::io::read_memory_bound`, at least 1 MB, at
//! most the whole budget — and waits while the budget is used up, so the
//! server's memory stays bounded whatever arrives.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const MB: u64 = 1_000_000;
/// The default budget's ceiling, when set from the machine's memory.
const DEFAULT_CEILING_MB: u64 = 1024;

#[derive(Debug, Clone)]
pub struct MeshReads {
    budget_mb: u32,
    semaphore: Arc<Semaphore>,
}

impl MeshReads {
    /// A budget of `budget_mb`, or from the machine's memory when 0.
    pub fn new(budget_mb: u64) -> MeshReads {
        let budget_mb = if budget_mb == 0 { default_budget_mb() } else { budget_mb };
        let budget_mb = u32::try_from(budget_mb.max(1)).unwrap_or(u32::MAX);
        MeshReads { budget_mb, semaphore: Arc::new(Semaphore::new(budget_mb as usize)) }
    }

    /// Waits until a read that takes `bytes` of memory fits the budget;
    /// the memory is given back when the permit drops.
    pub async fn admit(&self, bytes: u64) -> OwnedSemaphorePermit {
        let needed = bytes.div_ceil(MB).clamp(1, u64::from(self.budget_mb));
        let needed = u32::try_from(needed).unwrap_or(self.budget_mb);
        // The semaphore is never closed, so acquiring cannot fail.
        match Arc::clone(&self.semaphore).acquire_many_owned(needed).await {
            Ok(permit) => permit,
            Err(_) => unreachable!("the mesh read budget's semaphore is never closed"),
        }
    }

    pub fn budget_mb(&self) -> u32 {
        self.budget_mb
    }
}

/// A quarter of the machine's memory (`/proc/meminfo`), at most the
/// ceiling; the ceiling where the memory cannot be read.
fn default_budget_mb() -> u64 {
    let total_kb = std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
        let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    });
    total_kb.map_or(DEFAULT_CEILING_MB, |kb| (kb * 1024 / 4 / MB).min(DEFAULT_CEILING_MB))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn large_reads_wait_for_each_other_and_small_ones_share() {
        let reads = MeshReads::new(100);
        let big = reads.admit(80 * MB).await;
        assert_eq!(reads.semaphore.available_permits(), 20);
        let small = reads.admit(4 * MB).await;
        assert_eq!(reads.semaphore.available_permits(), 16);
        // Another big read waits until the first is done.
        let waiting = tokio::spawn({
            let reads = reads.clone();
            async move { reads.admit(80 * MB).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(big);
        drop(waiting.await.unwrap());
        drop(small);
        // A file larger than the whole budget still gets read, alone.
        let huge = reads.admit(1000 * MB).await;
        assert_eq!(reads.semaphore.available_permits(), 0);
        drop(huge);
        assert_eq!(reads.semaphore.available_permits(), 100);
    }
}
