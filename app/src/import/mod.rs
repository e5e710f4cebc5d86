//! Bulk import of a treatment plan: recognising what each exported file
//! is (`file_names`), where the files come from (`sources`: drops, pickers,
//! zips), the rules of the mapping table (`plan`), its rows as signals
//! (`rows`), and sending files with retries and pauses (`retry`, `uploads`).

pub(crate) mod file_names;
pub(crate) mod plan;
pub(crate) mod retry;
pub(crate) mod rows;
pub(crate) mod sources;
pub(crate) mod uploads;

pub(crate) use file_names::guess;
