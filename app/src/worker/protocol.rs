//! The messages between the page and the mesh worker, one definition for
//! both sides: the page's `worker/mod.rs` and the worker's `worker/main.rs`
//! both compile this file.
//!
//! A message is a JavaScript object `{ id, head, parts }`: `head` is the
//! JSON of a [`Job`] (page → worker) or an [`Answer`] (worker → page),
//! `parts` an array of `ArrayBuffer`s (file bytes, vertex positions,
//! distances) that are transferred, never copied, by `postMessage`. The
//! worker answers every job with the job's `id`, so several can be in
//! flight and the page matches each answer to its request.
//!
//! Invariant: what the parts hold, and in what order, is said by the
//! variant of the head beside them (see each variant).

use mesh_core::prepare::Recipe;
use serde::{Deserialize, Serialize};

/// Work for the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub(crate) enum Job {
    /// Read and validate a model file and hash it. Parts: `[file bytes]`.
    ReadModel { name: String },
    /// List and extract the files of a `.zip`. Parts: `[zip bytes]`.
    Unzip { name: String },
    /// For every vertex of `from`, its distance to the surface of `to`.
    /// Parts: `[from positions (f32 x, y, z …), from triangles (u32 …),
    /// to positions, to triangles]`, little-endian.
    SurfaceDistances,
    /// Apply `recipe` to the model of `part`. Parts: `[model file bytes,
    /// label font bytes (empty when the recipe has no label)]`.
    Prepare { recipe: Recipe, part: PartSpec },
}

/// The model a recipe is applied to: `mesh_core::prepare::Part` as a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PartSpec {
    /// The case's code, which the label carries.
    pub(crate) case_code: String,
    /// `upper` or `lower`.
    pub(crate) arch: String,
    pub(crate) stage: u32,
    /// A trim line placed by hand, used instead of the recipe's proposal.
    pub(crate) trim_line: Option<Vec<[f32; 3]>>,
    /// The way the teeth point, set by hand (a flip of the one found).
    #[serde(default)]
    pub(crate) up: Option<[f32; 3]>,
}

/// The worker's answer to a [`Job`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub(crate) enum Answer {
    /// The model was read. No parts.
    Model(ModelFacts),
    /// The zip's files, in its order. Parts: one per entry, its bytes.
    Unzipped { entries: Vec<String> },
    /// Parts: `[distances (f32 per vertex of `from`)]`.
    Distances { max: f32 },
    /// The recipe was applied. Parts: `[the prepared model as binary STL]`.
    Prepared(PreparedFacts),
    /// The recipe could not be applied: `step` (`repair`, `trim`, `base`,
    /// `hollow`, `label`; none when no step is to blame) and why.
    NotPrepared { step: Option<String>, message: String },
    /// The job could not be done; `message` says why, for people.
    Failed { message: String },
}

/// What the recipe did to a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PreparedFacts {
    /// One sentence per step that ran, in order, each with its step's key.
    pub(crate) steps: Vec<StepSaid>,
    /// The line the model was trimmed along, closed, on the original …
    pub(crate) trim_line: Option<Vec<[f32; 3]>>,
    /// … and on the prepared model, which stands on its base.
    pub(crate) placed_trim_line: Option<Vec<[f32; 3]>>,
    pub(crate) watertight: bool,
    pub(crate) triangles: usize,
    /// Lower-case hex SHA-256 of the STL's bytes, as the server names blobs.
    pub(crate) sha256: String,
    /// How long the recipe took in the worker, reading and writing included.
    pub(crate) elapsed_ms: f64,
    /// The arch's frame the recipe used, in the original's coordinates:
    /// the way the teeth point and the front.
    pub(crate) up: [f32; 3],
    pub(crate) front: [f32; 3],
}

/// What one step of a recipe did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StepSaid {
    /// `frame`, `repair`, `unite`, `trim`, `base`, `hollow`, `label` or `check`.
    pub(crate) step: String,
    pub(crate) sentence: String,
}

/// What the worker learnt from a model file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ModelFacts {
    pub(crate) triangles: usize,
    pub(crate) vertices: usize,
    /// Edges around each hole; empty for a closed model.
    pub(crate) holes: Vec<usize>,
    pub(crate) watertight: bool,
    /// Lower-case hex SHA-256 of the file's bytes, as the server names blobs.
    pub(crate) sha256: String,
}

/// The header of a message: which request, and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Head<T> {
    pub(crate) id: u32,
    pub(crate) body: T,
}

/// A message that does not follow this protocol (a bug, or a worker of
/// another build).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the mesh worker and the page do not understand each other ({0}); reload the page")]
pub(crate) struct ProtocolError(pub(crate) String);

pub(crate) fn encode_head<T: Serialize>(head: &Head<T>) -> Result<String, ProtocolError> {
    serde_json::to_string(head).map_err(|e| ProtocolError(e.to_string()))
}

pub(crate) fn decode_head<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Head<T>, ProtocolError> {
    serde_json::from_str(text).map_err(|e| ProtocolError(e.to_string()))
}

/// Little-endian bytes of `f32`s (positions, distances) for a part.
pub(crate) fn f32_bytes(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}

/// Little-endian bytes of `u32`s (triangle indices) for a part.
pub(crate) fn u32_bytes(values: impl IntoIterator<Item = u32>) -> Vec<u8> {
    values.into_iter().flat_map(u32::to_le_bytes).collect()
}

/// The `f32`s of a part; an error when its length is not a multiple of 4.
pub(crate) fn f32s(bytes: &[u8]) -> Result<Vec<f32>, ProtocolError> {
    words(bytes).map(|words| words.map(f32::from_le_bytes).collect())
}

/// The `u32`s of a part; an error when its length is not a multiple of 4.
#[allow(dead_code, reason = "only the worker reads indices")]
pub(crate) fn u32s(bytes: &[u8]) -> Result<Vec<u32>, ProtocolError> {
    words(bytes).map(|words| words.map(u32::from_le_bytes).collect())
}

fn words(bytes: &[u8]) -> Result<impl Iterator<Item = [u8; 4]> + '_, ProtocolError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(ProtocolError(format!("a part of {} bytes is not whole 32-bit numbers", bytes.len())));
    }
    Ok(bytes.chunks_exact(4).map(|word| [word[0], word[1], word[2], word[3]]))
}

/// The JavaScript side of a message: `{ id, head, parts }` and the list of
/// buffers to transfer with it.
pub(crate) mod js {
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    use super::ProtocolError;

    /// The object to post, with `parts` (`ArrayBuffer`s) as its transfer list.
    pub(crate) fn message(id: u32, head: &str, parts: &Array) -> Result<JsValue, ProtocolError> {
        let object = Object::new();
        let set = |key: &str, value: &JsValue| {
            Reflect::set(&object, &JsValue::from_str(key), value)
                .map(drop)
                .map_err(|_| ProtocolError(format!("cannot set `{key}`")))
        };
        set("id", &JsValue::from(id))?;
        set("head", &JsValue::from_str(head))?;
        set("parts", parts)?;
        Ok(object.into())
    }

    /// The head's JSON and the parts of a received message.
    pub(crate) fn open(data: &JsValue) -> Result<(String, Array), ProtocolError> {
        let get =
            |key: &str| Reflect::get(data, &JsValue::from_str(key)).map_err(|_| ProtocolError(format!("no `{key}`")));
        let head = get("head")?.as_string().ok_or_else(|| ProtocolError("`head` is not text".into()))?;
        let parts = get("parts")?.dyn_into::<Array>().map_err(|_| ProtocolError("`parts` is not a list".into()))?;
        Ok((head, parts))
    }

    /// The id of a received message, when it has one (for an answer whose
    /// head cannot be read: its request still gets the error).
    pub(crate) fn id(data: &JsValue) -> Option<u32> {
        Reflect::get(data, &JsValue::from_str("id")).ok()?.as_f64().map(|id| id as u32)
    }

    /// A part, copied into this side's memory.
    pub(crate) fn part_bytes(part: &JsValue) -> Vec<u8> {
        js_sys::Uint8Array::new(part).to_vec()
    }

    /// Bytes as a new `ArrayBuffer`, to transfer.
    pub(crate) fn buffer(bytes: &[u8]) -> JsValue {
        js_sys::Uint8Array::from(bytes).buffer().into()
    }
}
