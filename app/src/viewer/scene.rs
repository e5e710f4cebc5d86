//! What the viewer draws: its layers (models), lit by a soft ambient light
//! and a light that follows the camera, over a calm background; then the
//! highlighted edges and the measurement marks over everything.
//!
//! Uploaded models are kept by their layer's key (as many more than shown
//! as the content asks), so stepping through a treatment and back does not
//! upload them again.

use three_d::{
    AmbientLight, Blend, ClearState, ColorMaterial, Context, CpuMaterial, CpuMesh, DepthTest, DirectionalLight, Gm,
    Indices, InnerSpace, InstancedMesh, Instances, Mat4, Mesh, PhysicalMaterial, Positions, Quat, RenderStates,
    RenderTarget, Srgba, Vec3, Viewport, WriteMask, vec3,
};

use mesh_core::Bounds;

use super::content::{Layer, Marks, Paint, ViewerContent};
use super::orbit::Orbit;
use super::pick::first_hit;

/// The background: a cool light grey (236, 240, 245).
const CLEAR: [f32; 4] = [236.0 / 255.0, 240.0 / 255.0, 245.0 / 255.0, 1.0];
/// Problem edges: a magenta no model or ramp colour comes near.
const HIGHLIGHT_COLOUR: Srgba = Srgba { r: 230, g: 0, b: 230, a: 255 };
/// Measurement points and line: a deep blue.
const MARK_COLOUR: Srgba = Srgba { r: 20, g: 60, b: 200, a: 255 };
/// Highlighted edges drawn at most per model: a model broken further shows
/// these and the report's counts say the rest.
const MAX_HIGHLIGHTED_EDGES: usize = 60_000;

struct Uploaded {
    key: String,
    model: Gm<Mesh, PhysicalMaterial>,
    highlights: Option<Gm<InstancedMesh, ColorMaterial>>,
}

pub(super) struct Scene {
    context: Context,
    /// Least recently shown first.
    uploaded: Vec<Uploaded>,
    shown: Vec<Layer>,
    marks: Vec<Gm<InstancedMesh, ColorMaterial>>,
    orbit: Option<Orbit>,
    framed: Option<Bounds>,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scene").field("shown", &self.shown.len()).field("uploaded", &self.uploaded.len()).finish()
    }
}

impl Scene {
    pub(super) fn new(context: Context) -> Scene {
        Scene { context, uploaded: Vec::new(), shown: Vec::new(), marks: Vec::new(), orbit: None, framed: None }
    }

    /// Shows `content` in `viewport`, framing the camera again only when
    /// the box to frame changed.
    pub(super) fn show(&mut self, content: &ViewerContent, viewport: Viewport) {
        let frame = content.frame.or_else(|| content.layers_bounds());
        if frame != self.framed {
            self.orbit = frame.map(|bounds| Orbit::framing(bounds, viewport));
            self.framed = frame;
        }
        let thickness = self.orbit.as_ref().map_or(0.1, |orbit| orbit.radius() * 0.003);
        for layer in &content.layers {
            self.upload(layer, thickness);
        }
        self.shown = content.layers.clone();
        let keep = self.shown.len() + content.keep_uploaded;
        if self.uploaded.len() > keep {
            let excess = self.uploaded.len() - keep;
            self.uploaded.drain(..excess);
        }
        self.marks = marks_objects(&self.context, &content.marks, thickness);
    }

    /// Makes `layer` the most recently shown upload, uploading it if new.
    fn upload(&mut self, layer: &Layer, thickness: f32) {
        let mut uploaded = match self.uploaded.iter().position(|u| u.key == layer.key) {
            Some(at) => self.uploaded.remove(at),
            None => Uploaded { key: layer.key.clone(), model: model_object(&self.context, layer), highlights: None },
        };
        set_opacity(&mut uploaded.model.material, layer.opacity);
        match &layer.highlights {
            Some(edges) if uploaded.highlights.is_none() => {
                uploaded.highlights = edges_object(&self.context, &layer.mesh.positions, edges, thickness);
            }
            Some(_) => {}
            None => uploaded.highlights = None,
        }
        self.uploaded.push(uploaded);
    }

    /// The model point under a canvas point in CSS pixels, if any model is there.
    pub(super) fn pick(&self, x: f32, y: f32, css_width: f32, css_height: f32) -> Option<[f32; 3]> {
        let orbit = self.orbit.as_ref()?;
        let (origin, direction) = orbit.ray_at(x, y, css_width, css_height);
        self.shown
            .iter()
            .filter(|layer| layer.opacity > 0.0)
            .filter_map(|layer| first_hit(&layer.mesh, origin, direction))
            .min_by(|a, b| a.distance.total_cmp(&b.distance))
            .map(|hit| hit.point)
    }

    /// The box the camera was framed on.
    pub(super) fn framed(&self) -> Option<Bounds> {
        self.framed
    }

    pub(super) fn orbit_mut(&mut self) -> Option<&mut Orbit> {
        self.orbit.as_mut()
    }

    pub(super) fn has_model(&self) -> bool {
        !self.shown.is_empty()
    }

    /// Draws one frame at the canvas's current size in device pixels.
    pub(super) fn render(&mut self, width: u32, height: u32) {
        let target = RenderTarget::screen(&self.context, width, height);
        let [r, g, b, a] = CLEAR;
        target.clear(ClearState::color_and_depth(r, g, b, a, 1.0));
        let Some(orbit) = &mut self.orbit else { return };
        orbit.camera.set_viewport(Viewport::new_at_origo(width, height));
        let ambient = AmbientLight::new(&self.context, 0.35, Srgba::WHITE);
        let key = DirectionalLight::new(&self.context, 2.2, Srgba::WHITE, orbit.camera.view_direction());
        let shown: Vec<&Uploaded> = self
            .shown
            .iter()
            .filter(|layer| layer.opacity > 0.0)
            .filter_map(|layer| self.uploaded.iter().find(|u| u.key == layer.key))
            .collect();
        target.render(&orbit.camera, shown.iter().map(|u| &u.model), &[&ambient, &key]);
        target.render(&orbit.camera, shown.iter().filter_map(|u| u.highlights.as_ref()), &[]);
        target.render(&orbit.camera, self.marks.iter(), &[]);
    }
}

fn model_object(context: &Context, layer: &Layer) -> Gm<Mesh, PhysicalMaterial> {
    let mesh = &layer.mesh;
    let mut cpu = CpuMesh {
        positions: Positions::F32(mesh.positions.iter().map(|&p| Vec3::from(p)).collect()),
        indices: Indices::U32(mesh.triangles.iter().flatten().copied().collect()),
        ..Default::default()
    };
    cpu.compute_normals();
    let albedo = match &layer.paint {
        Paint::Solid([r, g, b]) => Srgba::new_opaque(*r, *g, *b),
        Paint::PerVertex(colours) => {
            // A colour for every vertex, or none: three-d needs the counts to match.
            if colours.len() == mesh.positions.len() {
                cpu.colors = Some(colours.iter().map(|&[r, g, b]| Srgba::new_opaque(r, g, b)).collect());
            }
            Srgba::WHITE
        }
    };
    let material = PhysicalMaterial::new_opaque(
        context,
        &CpuMaterial { albedo, roughness: 0.6, metallic: 0.0, ..Default::default() },
    );
    Gm::new(Mesh::new(context, &cpu), material)
}

/// Opaque at 1, blended below (without writing depth, so what is behind shows).
fn set_opacity(material: &mut PhysicalMaterial, opacity: f32) {
    let opacity = opacity.clamp(0.0, 1.0);
    material.albedo.a = (opacity * 255.0).round() as u8;
    material.is_transparent = opacity < 1.0;
    material.render_states = if opacity < 1.0 {
        RenderStates { write_mask: WriteMask::COLOR, blend: Blend::TRANSPARENCY, ..Default::default() }
    } else {
        RenderStates::default()
    };
}

/// Drawn over everything, whatever is in front: these must never hide.
fn overlay_material(colour: Srgba) -> ColorMaterial {
    ColorMaterial {
        color: colour,
        render_states: RenderStates { depth_test: DepthTest::Always, ..Default::default() },
        ..Default::default()
    }
}

/// Thin cylinders along `edges` of a mesh with `positions`.
fn edges_object(
    context: &Context,
    positions: &[[f32; 3]],
    edges: &[[u32; 2]],
    thickness: f32,
) -> Option<Gm<InstancedMesh, ColorMaterial>> {
    let segments: Vec<[[f32; 3]; 2]> = edges
        .iter()
        .take(MAX_HIGHLIGHTED_EDGES)
        .filter_map(|&[a, b]| Some([*positions.get(a as usize)?, *positions.get(b as usize)?]))
        .collect();
    let transformations: Vec<Mat4> = segments.iter().filter_map(|s| segment_transform(*s, thickness)).collect();
    if transformations.is_empty() {
        return None;
    }
    let cylinder = centred_cylinder()?;
    let instances = Instances { transformations, ..Default::default() };
    Some(Gm::new(InstancedMesh::new(context, &instances, &cylinder), overlay_material(HIGHLIGHT_COLOUR)))
}

/// A measurement: a ball at each point and a line between them.
fn marks_objects(context: &Context, marks: &Marks, thickness: f32) -> Vec<Gm<InstancedMesh, ColorMaterial>> {
    let line: Vec<Mat4> = marks.segments.iter().filter_map(|s| segment_transform(*s, thickness * 1.5)).collect();
    let balls: Vec<Mat4> = marks
        .points
        .iter()
        .map(|&p| Mat4::from_translation(Vec3::from(p)) * Mat4::from_scale(thickness * 5.0))
        .collect();
    [(line, centred_cylinder()), (balls, Some(CpuMesh::sphere(12)))]
        .into_iter()
        .filter_map(|(transformations, shape)| {
            let shape = shape?;
            (!transformations.is_empty()).then(|| {
                let instances = Instances { transformations, ..Default::default() };
                Gm::new(InstancedMesh::new(context, &instances, &shape), overlay_material(MARK_COLOUR))
            })
        })
        .collect()
}

/// three-d's cylinder (x in 0..1, radius 1) moved to span −1..1 along x.
fn centred_cylinder() -> Option<CpuMesh> {
    let mut cylinder = CpuMesh::cylinder(8);
    cylinder
        .transform(Mat4::from_translation(vec3(-1.0, 0.0, 0.0)) * Mat4::from_nonuniform_scale(2.0, 1.0, 1.0))
        .ok()?;
    Some(cylinder)
}

/// The transform taking a shape spanning −1..1 along x (radius 1 across)
/// onto the segment `a`–`b` with radius `radius`; `None` for a zero-length one.
fn segment_transform([a, b]: [[f32; 3]; 2], radius: f32) -> Option<Mat4> {
    let (a, b) = (Vec3::from(a), Vec3::from(b));
    let along = b - a;
    let length = along.magnitude();
    if !(length > 0.0 && length.is_finite()) {
        return None;
    }
    let rotation: Mat4 = Quat::from_arc(vec3(1.0, 0.0, 0.0), along / length, Some(vec3(0.0, 0.0, 1.0))).into();
    Some(Mat4::from_translation((a + b) * 0.5) * rotation * Mat4::from_nonuniform_scale(length * 0.5, radius, radius))
}
