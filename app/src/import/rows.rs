//! The rows of the import page as signals: one per file given, holding the
//! user's mapping, the worker's reading of the file and the upload's state,
//! each its own signal so a progress event redraws one cell, not the table.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::file_names::{Arch, FileKind, guess};
use super::plan::{Mapping, ParseState, is_model_path};
use super::sources::{Incoming, bytes};
use crate::worker;

/// Where a row's upload is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowUpload {
    /// Not part of an upload (yet).
    NotSent,
    Waiting,
    Sending {
        sent: f64,
    },
    Retrying {
        tries: u32,
    },
    Paused,
    /// Stored: the server's triangle count.
    Done {
        triangles: Option<usize>,
    },
    /// The server's message, or why the network gave up.
    Failed(String),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ImportRow {
    pub(crate) path: StoredValue<String>,
    pub(crate) size: f64,
    pub(crate) blob: StoredValue<web_sys::Blob, LocalStorage>,
    pub(crate) arch: RwSignal<Option<Arch>>,
    pub(crate) stage: RwSignal<Option<u32>>,
    pub(crate) kind: RwSignal<FileKind>,
    pub(crate) skipped: RwSignal<bool>,
    pub(crate) parse: RwSignal<ParseState>,
    pub(crate) upload: RwSignal<RowUpload>,
}

impl ImportRow {
    /// A row with the name's guess; model files queued for the worker.
    pub(crate) fn new(file: Incoming) -> ImportRow {
        let guessed = guess(&file.path);
        let parse = if is_model_path(&file.path) { ParseState::Queued } else { ParseState::NotAModel };
        ImportRow {
            size: file.size,
            blob: StoredValue::new_local(file.blob),
            arch: RwSignal::new(guessed.arch),
            stage: RwSignal::new(guessed.stage),
            kind: RwSignal::new(guessed.kind),
            skipped: RwSignal::new(false),
            parse: RwSignal::new(parse),
            upload: RwSignal::new(RowUpload::NotSent),
            path: StoredValue::new(file.path),
        }
    }

    /// The row as [`super::plan::assess`] sees it (tracked).
    pub(crate) fn mapping(&self) -> Mapping {
        Mapping {
            path: self.path.get_value(),
            arch: self.arch.get(),
            stage: self.stage.get(),
            kind: self.kind.get(),
            skipped: self.skipped.get(),
            parse: self.parse.get(),
        }
    }

    /// The worker's SHA-256 of the file, once read.
    pub(crate) fn sha256(&self) -> Option<String> {
        match self.parse.get_untracked() {
            ParseState::Read(facts) => Some(facts.sha256),
            _ => None,
        }
    }
}

/// Files read at once: the worker does one at a time, and the next file's
/// bytes are read while it works; more would only hold more memory.
const READERS: usize = 2;

/// Reads every queued row's file in the worker, a few at a time.
pub(crate) fn read_queued(rows: RwSignal<Vec<ImportRow>>) {
    for _ in 0..READERS {
        spawn_local(async move {
            // Taking a row marks it Reading at once, so no two readers take one.
            while let Some(row) = rows
                .with_untracked(|rows| rows.iter().find(|row| row.parse.get_untracked() == ParseState::Queued).copied())
            {
                row.parse.set(ParseState::Reading);
                let name = row.path.get_value();
                let state = match bytes(&row.blob.get_value()).await {
                    Ok(buffer) => match worker::read_model(&name, buffer).await {
                        Ok(facts) => ParseState::Read(facts),
                        Err(error) => ParseState::Failed(crate::display::sentence(&error.to_string())),
                    },
                    Err(message) => ParseState::Failed(crate::display::sentence(&message)),
                };
                // The row may have been cleared meanwhile; its signal then is gone.
                let _ = row.parse.try_set(state);
            }
        });
    }
}
