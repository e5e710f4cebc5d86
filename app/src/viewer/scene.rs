//! What the viewer draws: one model, lit by a soft ambient light and a
//! light that follows the camera, over a calm background.

use three_d::{
    AmbientLight, ClearState, Context, CpuMaterial, CpuMesh, DirectionalLight, Gm, Indices, Mesh, PhysicalMaterial,
    Positions, RenderTarget, Srgba, Vec3, Viewport,
};

use mesh_core::IndexedMesh;

use super::orbit::Orbit;

/// The background: a cool light grey (236, 240, 245).
const CLEAR: [f32; 4] = [236.0 / 255.0, 240.0 / 255.0, 245.0 / 255.0, 1.0];
/// Models are drawn in a warm dental-stone amber, far from the background's hue.
const MODEL_COLOUR: Srgba = Srgba { r: 237, g: 158, b: 64, a: 255 };

pub(super) struct Scene {
    context: Context,
    model: Option<(Gm<Mesh, PhysicalMaterial>, Orbit)>,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scene").field("has_model", &self.model.is_some()).finish()
    }
}

impl Scene {
    pub(super) fn new(context: Context) -> Scene {
        Scene { context, model: None }
    }

    /// Shows `mesh` (or nothing), framed whole in `viewport`.
    pub(super) fn show(&mut self, mesh: Option<&IndexedMesh>, viewport: Viewport) {
        self.model = mesh.and_then(|mesh| {
            let bounds = mesh.bounds()?;
            let mut cpu = CpuMesh {
                positions: Positions::F32(mesh.positions.iter().map(|&p| Vec3::from(p)).collect()),
                indices: Indices::U32(mesh.triangles.iter().flatten().copied().collect()),
                ..Default::default()
            };
            cpu.compute_normals();
            let material = PhysicalMaterial::new_opaque(
                &self.context,
                &CpuMaterial { albedo: MODEL_COLOUR, roughness: 0.6, metallic: 0.0, ..Default::default() },
            );
            let model = Gm::new(Mesh::new(&self.context, &cpu), material);
            Some((model, Orbit::framing(bounds, viewport)))
        });
    }

    pub(super) fn orbit_mut(&mut self) -> Option<&mut Orbit> {
        self.model.as_mut().map(|(_, orbit)| orbit)
    }

    pub(super) fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// Draws one frame at the canvas's current size in device pixels.
    pub(super) fn render(&mut self, width: u32, height: u32) {
        let target = RenderTarget::screen(&self.context, width, height);
        let [r, g, b, a] = CLEAR;
        target.clear(ClearState::color_and_depth(r, g, b, a, 1.0));
        let Some((model, orbit)) = &mut self.model else { return };
        orbit.camera.set_viewport(Viewport::new_at_origo(width, height));
        let ambient = AmbientLight::new(&self.context, 0.35, Srgba::WHITE);
        let key = DirectionalLight::new(&self.context, 2.2, Srgba::WHITE, orbit.camera.view_direction());
        target.render(&orbit.camera, &*model, &[&ambient, &key]);
    }
}
