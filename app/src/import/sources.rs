//! Where an import's files come from: a folder or files dropped on the
//! page (folders walked through `webkitGetAsEntry`), the file and folder
//! pickers, and the entries of `.zip` files (unzipped in the mesh worker).
//! Every file becomes an [`Incoming`]: its path inside what was given and
//! its bytes as a `Blob`, read only when needed.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::worker;

/// A file given to the import.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    /// `Plan/Upper/Upper_Step_01.stl`: folders as given, `/` between.
    pub(crate) path: String,
    pub(crate) blob: web_sys::Blob,
    pub(crate) size: f64,
}

/// A file of a picker: its folder path when a folder was picked.
pub(crate) fn from_file(file: web_sys::File) -> Incoming {
    let relative = Reflect::get(&file, &JsValue::from_str("webkitRelativePath")).ok().and_then(|v| v.as_string());
    let path = relative.filter(|path| !path.is_empty()).unwrap_or_else(|| file.name());
    let size = file.size();
    Incoming { path, blob: file.into(), size }
}

/// The files of a picker's list.
pub(crate) fn from_list(list: Option<web_sys::FileList>) -> Vec<Incoming> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).map(from_file).collect()
}

/// What was dropped, taken while the drop event lasts (its items are
/// unusable after it): folders and files as entries, else plain files.
pub(crate) fn dropped(event: &web_sys::DragEvent) -> Dropped {
    let Some(transfer) = event.data_transfer() else { return Dropped::Files(Vec::new()) };
    let items = transfer.items();
    let entries: Vec<web_sys::FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if entries.is_empty() { Dropped::Files(from_list(transfer.files())) } else { Dropped::Entries(entries) }
}

#[derive(Debug)]
pub(crate) enum Dropped {
    Entries(Vec<web_sys::FileSystemEntry>),
    Files(Vec<Incoming>),
}

impl Dropped {
    /// Every file, folders walked to the bottom; `problems` for what could not be read.
    pub(crate) async fn files(self, problems: &mut Vec<String>) -> Vec<Incoming> {
        let entries = match self {
            Dropped::Files(files) => return files,
            Dropped::Entries(entries) => entries,
        };
        let mut files = Vec::new();
        let mut stack = entries;
        while let Some(entry) = stack.pop() {
            let path = entry.full_path().trim_start_matches('/').to_owned();
            if entry.is_directory() {
                match read_directory(entry.unchecked_into()).await {
                    Ok(children) => stack.extend(children.into_iter().rev()),
                    Err(()) => problems
                        .push(format!("the folder {path} could not be read; pick it with Choose a folder instead")),
                }
            } else if entry.is_file() {
                match file_of(entry.unchecked_into()).await {
                    Ok(file) => {
                        let size = file.size();
                        files.push(Incoming { path, blob: file.into(), size });
                    }
                    Err(()) => problems.push(format!("{path} could not be read; check that it still exists")),
                }
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Calls `start(success, failure)` and waits for either.
async fn callback(start: impl FnOnce(&Function, &Function)) -> Result<JsValue, ()> {
    let mut start = Some(start);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(start) = start.take() {
            start(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.map_err(drop)
}

/// All entries of a folder: `readEntries` gives them in batches until an empty one.
async fn read_directory(directory: web_sys::FileSystemDirectoryEntry) -> Result<Vec<web_sys::FileSystemEntry>, ()> {
    let reader = directory.create_reader();
    let mut all = Vec::new();
    loop {
        let batch = callback(|ok, failed| {
            let _ = reader.read_entries_with_callback_and_callback(ok, failed);
        })
        .await?;
        let batch: Array = batch.dyn_into().map_err(drop)?;
        if batch.length() == 0 {
            return Ok(all);
        }
        all.extend(batch.iter().filter_map(|entry| entry.dyn_into().ok()));
    }
}

async fn file_of(entry: web_sys::FileSystemFileEntry) -> Result<web_sys::File, ()> {
    callback(|ok, failed| entry.file_with_callback_and_callback(ok, failed)).await?.dyn_into().map_err(drop)
}

/// The files with every `.zip` replaced by its entries (paths under the
/// zip's name); a zip that cannot be read is left out, with its reason.
pub(crate) async fn expand_zips(files: Vec<Incoming>, problems: &mut Vec<String>) -> Vec<Incoming> {
    let mut expanded = Vec::with_capacity(files.len());
    for file in files {
        if !file.path.to_ascii_lowercase().ends_with(".zip") {
            expanded.push(file);
            continue;
        }
        // The entries go under the zip's name without `.zip` (checked above: four ASCII bytes).
        let folder = file.path[..file.path.len() - 4].to_owned();
        let unzipped = match bytes(&file.blob).await {
            Ok(buffer) => worker::unzip(&file.path, buffer).await.map_err(|error| error.to_string()),
            Err(message) => Err(message),
        };
        match unzipped {
            Ok(entries) => expanded.extend(entries.into_iter().filter_map(|(path, buffer)| {
                let blob = web_sys::Blob::new_with_buffer_source_sequence(&Array::of1(&buffer)).ok()?;
                let size = blob.size();
                Some(Incoming { path: format!("{folder}/{path}"), blob, size })
            })),
            Err(message) => problems.push(message),
        }
    }
    expanded
}

/// A blob's bytes, to transfer to the worker.
pub(crate) async fn bytes(blob: &web_sys::Blob) -> Result<js_sys::ArrayBuffer, String> {
    JsFuture::from(blob.array_buffer())
        .await
        .and_then(|buffer| buffer.dyn_into())
        .map_err(|_| "the browser could not read the file; check that it still exists and add it again".to_owned())
}
