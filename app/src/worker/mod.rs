//! The page's side of the mesh worker (`worker/main.rs`): a small async
//! API — [`read_model`], [`unzip`], [`surface_distances`], [`prepare`] — whose calls run
//! in a Web Worker, so the page stays responsive while mesh-core works.
//!
//! One worker serves the page, started on the first call. Every request
//! gets an id and a promise; the worker's answer with that id settles it,
//! so several requests can be in flight (the worker does them in order).
//! A worker that crashes or cannot start fails every request in flight
//! with [`WorkerError::Crashed`], never leaving one waiting, and the next
//! call starts a fresh worker.

mod protocol;

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, ArrayBuffer, Function, Promise};
use mesh_core::IndexedMesh;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use protocol::{Answer, Head, Job, ProtocolError, decode_head, encode_head, f32_bytes, f32s, js, u32_bytes};
pub(crate) use protocol::{ModelFacts, PartSpec, PreparedFacts};

/// Where Trunk puts the worker's loader (`data-loader-shim` in `index.html`).
const WORKER_URL: &str = "/mesh-worker_loader.js";

/// Why a job gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WorkerError {
    /// The job was done and failed: the reader's or unzipper's own words.
    #[error("{0}")]
    Failed(String),
    #[error("the mesh worker stopped ({0}); reload the page and try again")]
    Crashed(String),
    #[error("this browser cannot start the mesh worker; use a current Chrome, Edge, Firefox or Safari")]
    Unavailable,
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
}

/// Reads, validates and hashes a model file; `bytes` is transferred to the
/// worker (it is empty here afterwards).
pub(crate) async fn read_model(name: &str, bytes: ArrayBuffer) -> Result<ModelFacts, WorkerError> {
    match call(&Job::ReadModel { name: name.to_owned() }, Array::of1(&bytes)).await?.0 {
        Answer::Model(facts) => Ok(facts),
        other => Err(unexpected(&other)),
    }
}

/// The files of a zip, with their paths inside it and their bytes.
pub(crate) async fn unzip(name: &str, bytes: ArrayBuffer) -> Result<Vec<(String, ArrayBuffer)>, WorkerError> {
    match call(&Job::Unzip { name: name.to_owned() }, Array::of1(&bytes)).await? {
        (Answer::Unzipped { entries }, parts) if entries.len() == parts.length() as usize => {
            Ok(entries.into_iter().zip(parts.iter().map(|part| part.unchecked_into::<ArrayBuffer>())).collect())
        }
        (other, _) => Err(unexpected(&other)),
    }
}

/// For every vertex of `from`, the distance (mm) to the surface of `to`,
/// and the largest: `mesh_core::surface_distances`, in the worker.
pub(crate) async fn surface_distances(from: &IndexedMesh, to: &IndexedMesh) -> Result<(Vec<f32>, f32), WorkerError> {
    let buffer = |bytes: Vec<u8>| js::buffer(&bytes);
    let parts = Array::new();
    for mesh in [from, to] {
        parts.push(&buffer(f32_bytes(mesh.positions.iter().flatten().copied())));
        parts.push(&buffer(u32_bytes(mesh.triangles.iter().flatten().copied())));
    }
    match call(&Job::SurfaceDistances, parts).await? {
        (Answer::Distances { max }, parts) if parts.length() == 1 => Ok((f32s(&js::part_bytes(&parts.get(0)))?, max)),
        (other, _) => Err(unexpected(&other)),
    }
}

/// What applying a recipe gave.
#[derive(Debug, Clone)]
pub(crate) enum PrepareOutcome {
    /// The prepared model as binary STL, and what each step did.
    Prepared { facts: PreparedFacts, stl: ArrayBuffer },
    /// A step could not be done: its key (`label`, …) and why.
    Refused { step: Option<String>, message: String },
}

/// Applies `recipe` to the model file `model` of `part` in the worker;
/// `font` is the label font's bytes (copied to the worker, so the page
/// keeps its own).
pub(crate) async fn prepare(
    recipe: &mesh_core::prepare::Recipe,
    part: PartSpec,
    model: &[u8],
    font: &[u8],
) -> Result<PrepareOutcome, WorkerError> {
    let job = Job::Prepare { recipe: recipe.clone(), part };
    match call(&job, Array::of2(&js::buffer(model), &js::buffer(font))).await? {
        (Answer::Prepared(facts), parts) if parts.length() == 1 => {
            Ok(PrepareOutcome::Prepared { facts, stl: parts.get(0).unchecked_into() })
        }
        (Answer::NotPrepared { step, message }, _) => Ok(PrepareOutcome::Refused { step, message }),
        (other, _) => Err(unexpected(&other)),
    }
}

fn unexpected(answer: &Answer) -> WorkerError {
    ProtocolError(format!("an answer of the wrong kind: {answer:?}")).into()
}

/// Posts `job` with `parts` (transferred) and waits for its answer.
async fn call(job: &Job, parts: Array) -> Result<(Answer, Array), WorkerError> {
    let id = WORKER.with_borrow_mut(|slot| -> Result<u32, WorkerError> {
        if slot.is_none() {
            *slot = Some(Connection::start()?);
        }
        let connection = slot.as_mut().ok_or(WorkerError::Unavailable)?;
        connection.next_id = connection.next_id.wrapping_add(1);
        Ok(connection.next_id)
    })?;
    let head = encode_head(&Head { id, body: job })?;
    let message = js::message(id, &head, &parts)?;
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) = settle.ok_or(WorkerError::Unavailable)?;
    WORKER.with_borrow_mut(|slot| match slot {
        Some(connection) => connection.send(id, message, parts, resolve, reject),
        None => {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the worker was gone before the job was sent"));
        }
    });
    let data = JsFuture::from(promise)
        .await
        .map_err(|reason| WorkerError::Crashed(reason.as_string().unwrap_or_else(|| "no reason given".into())))?;
    let (head, parts) = js::open(&data)?;
    let answer: Head<Answer> = decode_head(&head)?;
    match answer.body {
        Answer::Failed { message } => Err(WorkerError::Failed(message)),
        body => Ok((body, parts)),
    }
}

thread_local! {
    static WORKER: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// The running worker and the requests waiting for it.
struct Connection {
    worker: web_sys::Worker,
    /// The worker has set its message handler (it posts `"ready"`).
    ready: bool,
    /// Messages posted before it was ready, with their transfer lists.
    queued: Vec<(JsValue, Array)>,
    /// Requests in flight: how to settle each one's promise.
    pending: HashMap<u32, (Function, Function)>,
    next_id: u32,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl Connection {
    fn start() -> Result<Connection, WorkerError> {
        let worker = web_sys::Worker::new(WORKER_URL).map_err(|_| WorkerError::Unavailable)?;
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            WORKER.with_borrow_mut(|slot| {
                if let Some(connection) = slot {
                    connection.receive(&event.data());
                }
            });
        });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
            let reason = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|error| error.message())
                .filter(|message| !message.is_empty())
                .unwrap_or_else(|| "it could not be loaded".to_owned());
            // Take the connection out first: rejecting runs no code now, but a
            // later call must find no worker and start a fresh one.
            if let Some(connection) = WORKER.with_borrow_mut(Option::take) {
                connection.fail_all(&reason);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Connection {
            worker,
            ready: false,
            queued: Vec::new(),
            pending: HashMap::new(),
            next_id: 0,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn send(&mut self, id: u32, message: JsValue, parts: Array, resolve: Function, reject: Function) {
        self.pending.insert(id, (resolve, reject));
        if self.ready {
            self.post(id, &message, &parts);
        } else {
            self.queued.push((message, parts));
        }
    }

    fn post(&mut self, id: u32, message: &JsValue, parts: &Array) {
        if self.worker.post_message_with_transfer(message, parts).is_err()
            && let Some((_, reject)) = self.pending.remove(&id)
        {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the job could not be sent to the worker"));
        }
    }

    fn receive(&mut self, data: &JsValue) {
        if data.as_string().as_deref() == Some("ready") {
            self.ready = true;
            for (message, parts) in std::mem::take(&mut self.queued) {
                if let Some(id) = js::id(&message) {
                    self.post(id, &message, &parts);
                }
            }
            return;
        }
        // An answer, or a bare id when the worker could not encode one.
        let id = js::id(data).or_else(|| data.as_f64().map(|id| id as u32));
        let Some((resolve, reject)) = id.and_then(|id| self.pending.remove(&id)) else { return };
        if data.is_object() {
            let _ = resolve.call1(&JsValue::NULL, data);
        } else {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("its answer could not be sent"));
        }
    }

    fn fail_all(self, reason: &str) {
        self.worker.terminate();
        for (_, (_, reject)) in self.pending {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(reason));
        }
    }
}
