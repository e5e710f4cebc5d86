//! What a page asks the viewer to draw: models (layers) with their colour
//! and opacity, the edges to highlight on them, the points and lines of a
//! measurement, and the box the camera frames.

use std::sync::Arc;

use mesh_core::{Bounds, IndexedMesh};

/// Everything the viewer shows, as one value the page derives.
#[derive(Debug, Clone, Default)]
pub(crate) struct ViewerContent {
    pub(crate) layers: Vec<Layer>,
    /// The box the camera frames; `None` frames the layers. The camera is
    /// framed again only when this box changes, so a page that frames a
    /// whole treatment once keeps its view while the models change.
    pub(crate) frame: Option<Bounds>,
    /// Drawn over everything: a measurement's points and line.
    pub(crate) marks: Marks,
    /// How many uploaded models beyond those shown stay on the GPU, to be
    /// shown again without uploading (stepping through a treatment); 0
    /// frees each model as soon as another replaces it.
    pub(crate) keep_uploaded: usize,
}

impl ViewerContent {
    /// One model in the default colour, framed on itself (the Inspect page).
    pub(crate) fn single(mesh: Option<Arc<IndexedMesh>>) -> ViewerContent {
        let layers = mesh
            .map(|mesh| Layer {
                key: format!("single:{:p}", Arc::as_ptr(&mesh)),
                mesh,
                paint: Paint::Solid(MODEL_COLOUR),
                opacity: 1.0,
                highlights: None,
            })
            .into_iter()
            .collect();
        ViewerContent { layers, ..ViewerContent::default() }
    }

    /// The box around every layer, if any has a vertex.
    pub(crate) fn layers_bounds(&self) -> Option<Bounds> {
        union(self.layers.iter().filter_map(|layer| layer.mesh.bounds()))
    }
}

/// The box around all of `boxes`.
pub(crate) fn union(boxes: impl IntoIterator<Item = Bounds>) -> Option<Bounds> {
    boxes.into_iter().reduce(|a, b| Bounds {
        min: std::array::from_fn(|i| a.min[i].min(b.min[i])),
        max: std::array::from_fn(|i| a.max[i].max(b.max[i])),
    })
}

/// Models are drawn in a warm dental-stone amber, far from the background's hue.
pub(crate) const MODEL_COLOUR: [u8; 3] = [237, 158, 64];
/// The second arch of a pair, a paler stone, still warm.
pub(crate) const SECOND_MODEL_COLOUR: [u8; 3] = [226, 182, 120];

/// One model as shown.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    /// Names what is uploaded to the GPU: the same key is the same mesh in
    /// the same paint, so a layer shown again recently is not uploaded again.
    pub(crate) key: String,
    pub(crate) mesh: Arc<IndexedMesh>,
    pub(crate) paint: Paint,
    /// 0 (invisible) to 1 (opaque).
    pub(crate) opacity: f32,
    /// Edges (vertex pairs) drawn over the model in a strong colour.
    pub(crate) highlights: Option<Arc<Vec<[u32; 2]>>>,
}

/// How a model is coloured.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Paint {
    Solid([u8; 3]),
    /// One colour per vertex (a difference map).
    PerVertex(Arc<Vec<[u8; 3]>>),
}

/// Points and segments in model coordinates.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Marks {
    pub(crate) points: Vec<[f32; 3]>,
    pub(crate) segments: Vec<[[f32; 3]; 2]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_union_holds_both_boxes() {
        let a = Bounds { min: [0.0, 0.0, 0.0], max: [1.0, 1.0, 1.0] };
        let b = Bounds { min: [-2.0, 0.5, 0.5], max: [0.5, 3.0, 0.5] };
        assert_eq!(union([a, b]), Some(Bounds { min: [-2.0, 0.0, 0.0], max: [1.0, 3.0, 1.0] }));
        assert_eq!(union([]), None);
    }

    #[test]
    fn a_single_model_is_one_opaque_layer_and_none_is_empty() {
        let mesh = Arc::new(IndexedMesh {
            positions: vec![[0.0; 3], [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]],
            triangles: vec![[0, 1, 2]],
        });
        let content = ViewerContent::single(Some(mesh));
        assert_eq!(content.layers.len(), 1);
        assert_eq!(content.layers_bounds(), Some(Bounds { min: [0.0; 3], max: [1.0, 2.0, 0.0] }));
        assert!(ViewerContent::single(None).layers.is_empty());
    }
}
