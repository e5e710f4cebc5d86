//! Bulk import of a treatment plan: recognising what each exported file is.

mod file_names;

pub(crate) use file_names::guess;
