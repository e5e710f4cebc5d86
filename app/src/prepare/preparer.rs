//! Applying a recipe to one stage's original in the mesh worker: the
//! model's bytes (cache-first, through `api.rs`), the label font (fetched
//! once per page), and the worker's `prepare` job.

use std::rc::Rc;

use leptos::prelude::*;
use trayforge_wire::Recipe;

use super::batch::Original;
use crate::api::{Api, ClientError};
use crate::display::sentence;
use crate::worker::{self, PartSpec, PrepareOutcome};

/// What the page needs to prepare the models of one case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Preparer {
    api: Api,
    /// The case's code: the labels carry it.
    case_code: StoredValue<String>,
    font: StoredValue<Option<Rc<Vec<u8>>>, LocalStorage>,
}

impl Preparer {
    pub(crate) fn new(api: Api, case_code: String) -> Preparer {
        Preparer { api, case_code: StoredValue::new(case_code), font: StoredValue::new_local(None) }
    }

    /// Applies `recipe` to `original`, trimmed along `trim_line` when given;
    /// an error says why the job could not run at all (a download, the
    /// worker), for people.
    pub(crate) async fn prepare(
        self,
        recipe: &Recipe,
        original: &Original,
        trim_line: Option<Vec<[f32; 3]>>,
        up: Option<[f32; 3]>,
    ) -> Result<PrepareOutcome, String> {
        let font = if recipe.label.is_some() { self.font().await? } else { Rc::new(Vec::new()) };
        let bytes = self.api.model_bytes(&original.file).await.map_err(|error| download_failed(original, &error))?;
        let part = PartSpec {
            case_code: self.case_code.get_value(),
            arch: original.arch.clone(),
            stage: original.stage,
            trim_line,
            up,
        };
        worker::prepare(recipe, part, &bytes, &font).await.map_err(|error| sentence(&error.to_string()))
    }

    /// The label font, fetched the first time a recipe needs it.
    async fn font(self) -> Result<Rc<Vec<u8>>, String> {
        if let Some(font) = self.font.get_value() {
            return Ok(font);
        }
        let font = Rc::new(
            self.api
                .label_font()
                .await
                .map_err(|error| sentence(&format!("the label font could not be downloaded: {error}")))?,
        );
        self.font.set_value(Some(Rc::clone(&font)));
        Ok(font)
    }

    /// The original's mesh, for the viewer.
    pub(crate) async fn original_mesh(self, original: &Original) -> Result<mesh_core::IndexedMesh, String> {
        let bytes = self.api.model_bytes(&original.file).await.map_err(|error| download_failed(original, &error))?;
        mesh_core::read(&bytes)
            .map(|read| read.mesh)
            .map_err(|error| sentence(&format!("{} could not be read: {error}", original.file.file_name)))
    }
}

fn download_failed(original: &Original, error: &ClientError) -> String {
    sentence(&format!("{} could not be downloaded: {error}", original.file.file_name))
}
