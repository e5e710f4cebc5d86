//! The treatment viewer's models in memory: parsed meshes (a bounded few),
//! which are loading, which failed and why, and what is derived from them
//! (problem edges, difference maps). Every change bumps `revision`, which
//! the viewer's content tracks.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mesh_core::IndexedMesh;
use trayforge_wire::FileView;

use crate::api::{Api, ClientError};
use crate::display::sentence;
use crate::treatment::Recent;
use crate::viewer::difference::{DifferenceMap, difference_colours};
use crate::worker;

/// Parsed meshes kept: the two shown, the few prefetched ahead while
/// playing, the two compared, and a few to step back to.
const KEEP_MESHES: usize = 16;
/// Derived data (edges, difference maps) kept.
const KEEP_DERIVED: usize = 8;

/// Where one model file stands.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ModelState {
    NotLoaded,
    Loading,
    Ready(Arc<IndexedMesh>),
    Failed(String),
}

#[derive(Debug)]
struct Store {
    meshes: Recent<Arc<IndexedMesh>>,
    loading: BTreeSet<String>,
    failed: BTreeMap<String, String>,
    edges: Recent<Arc<Vec<[u32; 2]>>>,
    differences: Recent<Result<Arc<DifferenceMap>, String>>,
    /// Difference maps being computed, by key.
    comparing: BTreeSet<String>,
}

/// The models of one treatment viewer (cheap to copy into closures).
#[derive(Debug, Clone, Copy)]
pub(super) struct Models {
    store: StoredValue<Store, LocalStorage>,
    api: Api,
    /// Bumped on every change: track it to follow the models.
    pub(super) revision: RwSignal<u64>,
}

impl Models {
    pub(super) fn new(api: Api) -> Models {
        let store = Store {
            meshes: Recent::new(KEEP_MESHES),
            loading: BTreeSet::new(),
            failed: BTreeMap::new(),
            edges: Recent::new(KEEP_DERIVED),
            differences: Recent::new(KEEP_DERIVED),
            comparing: BTreeSet::new(),
        };
        Models { store: StoredValue::new_local(store), api, revision: RwSignal::new(0) }
    }

    fn changed(self) {
        self.revision.update(|n| *n += 1);
    }

    /// The state of `file` (without tracking: read `revision` for that).
    pub(super) fn state(self, file: &FileView) -> ModelState {
        self.store
            .try_update_value(|store| {
                if let Some(mesh) = store.meshes.get(&file.id) {
                    ModelState::Ready(mesh)
                } else if store.loading.contains(&file.id) {
                    ModelState::Loading
                } else if let Some(message) = store.failed.get(&file.id) {
                    ModelState::Failed(message.clone())
                } else {
                    ModelState::NotLoaded
                }
            })
            .unwrap_or(ModelState::NotLoaded)
    }

    pub(super) fn mesh(self, file: &FileView) -> Option<Arc<IndexedMesh>> {
        match self.state(file) {
            ModelState::Ready(mesh) => Some(mesh),
            _ => None,
        }
    }

    /// Starts loading `file` unless it is loaded, loading or failed.
    pub(super) fn request(self, file: &FileView) {
        let starts = self
            .store
            .try_update_value(|store| {
                let idle = !(store.meshes.contains(&file.id)
                    || store.loading.contains(&file.id)
                    || store.failed.contains_key(&file.id));
                if idle {
                    store.loading.insert(file.id.clone());
                }
                idle
            })
            .unwrap_or(false);
        if !starts {
            return;
        }
        self.changed();
        let file = file.clone();
        spawn_local(async move {
            let outcome = match self.api.model_bytes(&file).await {
                Ok(bytes) => match mesh_core::read(&bytes) {
                    Ok(read) => Ok(Arc::new(read.mesh)),
                    Err(error) => {
                        // Never keep bytes that do not read: "Try again" downloads them again.
                        self.api.forget_model_file(&file).await;
                        Err(format!("{} could not be read: {error}", file.file_name))
                    }
                },
                // The app is already on its way to the sign-in page.
                Err(ClientError::SignedOut) => Err(String::new()),
                Err(error) => Err(format!("{} could not be downloaded: {error}", file.file_name)),
            };
            let stored = self.store.try_update_value(|store| {
                store.loading.remove(&file.id);
                match outcome {
                    Ok(mesh) => store.meshes.insert(file.id.clone(), mesh),
                    Err(message) => {
                        store.failed.insert(file.id.clone(), sentence(&message));
                    }
                }
            });
            if stored.is_some() {
                self.changed();
            }
        });
    }

    /// Forgets every failure, so the files are asked for again (after a network fault).
    pub(super) fn retry_failed(self) {
        let had = self.store.try_update_value(|store| !std::mem::take(&mut store.failed).is_empty());
        if had == Some(true) {
            self.changed();
        }
    }

    /// The boundary and non-manifold edges of `file`'s mesh, once loaded.
    pub(super) fn problem_edges(self, file: &FileView) -> Option<Arc<Vec<[u32; 2]>>> {
        let mesh = self.mesh(file)?;
        self.store.try_update_value(|store| {
            if let Some(edges) = store.edges.get(&file.id) {
                return edges;
            }
            let found = mesh_core::problem_edges(&mesh);
            let edges: Arc<Vec<[u32; 2]>> = Arc::new(found.boundary.into_iter().chain(found.non_manifold).collect());
            store.edges.insert(file.id.clone(), edges.clone());
            edges
        })
    }

    /// The difference map of `b` against `a`: `None` while either is not
    /// loaded or the mesh worker is computing it (which starts here).
    pub(super) fn difference(self, a: &FileView, b: &FileView) -> Option<Result<Arc<DifferenceMap>, String>> {
        let key = format!("{}:{}", a.id, b.id);
        let (mesh_a, mesh_b) = (self.mesh(a)?, self.mesh(b)?);
        let (done, starts) = self.store.try_update_value(|store| {
            if let Some(done) = store.differences.get(&key) {
                return (Some(done), false);
            }
            (None, store.comparing.insert(key.clone()))
        })?;
        if starts {
            spawn_local(async move {
                let map = match worker::surface_distances(&mesh_b, &mesh_a).await {
                    Ok((distances, max)) => Ok(Arc::new(difference_colours(&distances, max))),
                    Err(error) => Err(sentence(&error.to_string())),
                };
                let stored = self.store.try_update_value(|store| {
                    store.comparing.remove(&key);
                    store.differences.insert(key, map);
                });
                if stored.is_some() {
                    self.changed();
                }
            });
        }
        done
    }

    /// Whether a difference map is being computed.
    pub(super) fn comparing(self) -> bool {
        self.store.try_with_value(|store| !store.comparing.is_empty()).unwrap_or(false)
    }
}
