//! Which model the viewer shows for each arch at each stage: the current
//! (latest) version of that stage's model, or, where that arch has none
//! at that stage, the nearest earlier stage's (the teeth stay where they
//! were until a model moves them).

use std::collections::BTreeMap;

use mesh_core::Bounds;
use trayforge_wire::{FileView, StageView};

use crate::viewer::{Arch, union};

/// A case's stages, per arch, by index; only stages with a model count.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TreatmentPlan {
    upper: BTreeMap<u32, FileView>,
    lower: BTreeMap<u32, FileView>,
    /// The day each stage's aligner is first worn, from either arch.
    wear_from: BTreeMap<u32, String>,
}

/// The model shown for one arch at one stage.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShownModel {
    pub(crate) file: FileView,
    /// The stage the model belongs to: earlier than the one asked for
    /// when that arch has no model there.
    pub(crate) stage: u32,
}

impl TreatmentPlan {
    pub(crate) fn new(stages: &[StageView]) -> TreatmentPlan {
        let mut plan = TreatmentPlan::default();
        for stage in stages {
            let Ok(index) = u32::try_from(stage.index) else { continue };
            if let Some(day) = &stage.wear_from {
                plan.wear_from.entry(index).or_insert_with(|| day.clone());
            }
            let arch = match stage.arch.as_str() {
                "upper" => &mut plan.upper,
                "lower" => &mut plan.lower,
                _ => continue,
            };
            // Versions come oldest first: the last original is the one the
            // treatment is reviewed on (a prepared copy carries its base and label).
            let original = stage.models.iter().rfind(|model| model.prepared_from.is_none());
            if let Some(current) = original.or(stage.models.last()) {
                arch.insert(index, current.clone());
            }
        }
        plan
    }

    fn arch(&self, arch: Arch) -> &BTreeMap<u32, FileView> {
        match arch {
            Arch::Upper => &self.upper,
            Arch::Lower => &self.lower,
        }
    }

    /// The first stage with a model of either arch: where the viewer opens
    /// (a plan numbered from 1 has no stage 0 to show); `None` without any model.
    pub(crate) fn first_stage(&self) -> Option<u32> {
        self.upper.keys().chain(self.lower.keys()).copied().min()
    }

    /// The last stage with a model of either arch; `None` without any model.
    pub(crate) fn last_stage(&self) -> Option<u32> {
        self.upper.keys().chain(self.lower.keys()).copied().max()
    }

    pub(crate) fn has(&self, arch: Arch) -> bool {
        !self.arch(arch).is_empty()
    }

    /// The model of `arch` shown at `stage`: its own, else the nearest earlier one.
    pub(crate) fn model_at(&self, arch: Arch, stage: u32) -> Option<ShownModel> {
        self.arch(arch)
            .range(..=stage)
            .next_back()
            .map(|(&index, file)| ShownModel { file: file.clone(), stage: index })
    }

    pub(crate) fn wear_from(&self, stage: u32) -> Option<&str> {
        self.wear_from.get(&stage).map(String::as_str)
    }

    /// The box around every model of the treatment, from the server's
    /// reports: the camera frames it once and keeps it while stages change.
    pub(crate) fn bounds(&self) -> Option<Bounds> {
        union(
            self.upper
                .values()
                .chain(self.lower.values())
                .filter_map(|file| file.report.as_ref()?.bounds.as_ref())
                .map(|b| Bounds { min: b.min, max: b.max }),
        )
    }

    /// The box around one arch's models.
    pub(crate) fn arch_bounds(&self, arch: Arch) -> Option<Bounds> {
        union(
            self.arch(arch)
                .values()
                .filter_map(|file| file.report.as_ref()?.bounds.as_ref())
                .map(|b| Bounds { min: b.min, max: b.max }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trayforge_wire::{BoundingBox, MeshReport};

    fn file(id: &str, min: f32, max: f32) -> FileView {
        let report: MeshReport = serde_json::from_value(serde_json::json!({
            "format": "binary_stl", "bodies": [], "face_colors": false, "triangles": 12, "vertices": 8,
            "bounds": BoundingBox { min: [min; 3], max: [max; 3], size: [max - min; 3] },
            "surface_area_mm2": 1.0, "volume_mm3": null, "watertight": true, "boundary_loops": [],
            "non_manifold_edges": 0, "degenerate_faces": 0, "duplicate_faces": 0, "components": 1,
            "orientation": "outward", "misoriented_edges": 0, "warnings": [], "height_mm": null, "height_check": null
        }))
        .expect("a report as the server writes it");
        FileView {
            id: id.into(),
            kind: "model".into(),
            stage_id: None,
            version: 1,
            file_name: format!("{id}.stl"),
            content_type: "model/stl".into(),
            size_bytes: 684,
            sha256: String::new(),
            report: Some(report),
            uploaded_by: None,
            created_at: "2026-11-23T10:00:00Z".into(),
            download_url: format!("/api/v1/files/{id}/content"),
            prepared_from: None,
        }
    }

    fn stage(arch: &str, index: i32, wear_from: Option<&str>, models: Vec<FileView>) -> StageView {
        StageView {
            id: format!("{arch}{index}"),
            arch: arch.into(),
            index,
            wear_from: wear_from.map(str::to_owned),
            appointment: None,
            models,
        }
    }

    fn plan() -> TreatmentPlan {
        TreatmentPlan::new(&[
            stage("upper", 0, Some("2026-12-01"), vec![file("u0", 0.0, 10.0)]),
            stage("upper", 1, Some("2026-12-15"), vec![file("u1-old", 0.0, 10.0), file("u1", 0.0, 11.0)]),
            stage("upper", 3, Some("2027-01-12"), vec![file("u3", 0.0, 12.0)]),
            stage("lower", 0, Some("2026-12-01"), vec![file("l0", -5.0, 5.0)]),
            stage("lower", 2, Some("2026-12-29"), vec![]),
        ])
    }

    fn shown(plan: &TreatmentPlan, arch: Arch, stage: u32) -> Option<(String, u32)> {
        plan.model_at(arch, stage).map(|m| (m.file.id, m.stage))
    }

    #[test]
    fn each_stage_shows_its_current_version() {
        let plan = plan();
        assert_eq!(shown(&plan, Arch::Upper, 0), Some(("u0".into(), 0)));
        assert_eq!(shown(&plan, Arch::Upper, 1), Some(("u1".into(), 1)), "the last version is the current one");
        assert_eq!(shown(&plan, Arch::Upper, 3), Some(("u3".into(), 3)));
    }

    #[test]
    fn a_prepared_copy_is_not_what_the_treatment_is_reviewed_on() {
        let prepared = FileView { prepared_from: Some("u0".into()), ..file("u0-prepared", 0.0, 13.0) };
        let plan = TreatmentPlan::new(&[stage("upper", 0, None, vec![file("u0", 0.0, 10.0), prepared.clone()])]);
        assert_eq!(shown(&plan, Arch::Upper, 0), Some(("u0".into(), 0)));
        // A stage with only a prepared copy still shows it.
        let plan = TreatmentPlan::new(&[stage("upper", 0, None, vec![prepared])]);
        assert_eq!(shown(&plan, Arch::Upper, 0), Some(("u0-prepared".into(), 0)));
    }

    #[test]
    fn a_missing_stage_shows_the_nearest_earlier_one_of_that_arch() {
        let plan = plan();
        assert_eq!(shown(&plan, Arch::Upper, 2), Some(("u1".into(), 1)));
        assert_eq!(shown(&plan, Arch::Lower, 2), Some(("l0".into(), 0)), "a stage without a model counts as missing");
        assert_eq!(shown(&plan, Arch::Lower, 3), Some(("l0".into(), 0)));
    }

    #[test]
    fn an_arch_without_an_earlier_model_shows_nothing() {
        let plan = TreatmentPlan::new(&[stage("lower", 2, None, vec![file("l2", 0.0, 1.0)])]);
        assert_eq!(shown(&plan, Arch::Lower, 1), None);
        assert_eq!(shown(&plan, Arch::Upper, 2), None);
        assert!(!plan.has(Arch::Upper));
    }

    #[test]
    fn the_treatment_runs_to_the_last_stage_with_a_model() {
        assert_eq!(plan().last_stage(), Some(3));
        assert_eq!(TreatmentPlan::new(&[stage("upper", 4, None, vec![])]).last_stage(), None);
    }

    #[test]
    fn the_treatment_opens_on_the_first_stage_with_a_model() {
        assert_eq!(plan().first_stage(), Some(0));
        let from_one = TreatmentPlan::new(&[
            stage("upper", 0, None, vec![]),
            stage("upper", 1, None, vec![file("u1", 0.0, 1.0)]),
            stage("lower", 2, None, vec![file("l2", 0.0, 1.0)]),
        ]);
        assert_eq!(from_one.first_stage(), Some(1), "a plan numbered from 1 opens on stage 1, not an empty 0");
    }

    #[test]
    fn wear_dates_come_from_the_schedule() {
        let plan = plan();
        assert_eq!(plan.wear_from(1), Some("2026-12-15"));
        assert_eq!(plan.wear_from(2), Some("2026-12-29"));
        assert_eq!(plan.wear_from(9), None);
    }

    #[test]
    fn the_frame_holds_every_model_of_both_arches() {
        let plan = plan();
        assert_eq!(plan.bounds(), Some(Bounds { min: [-5.0; 3], max: [12.0; 3] }));
        assert_eq!(plan.arch_bounds(Arch::Lower), Some(Bounds { min: [-5.0; 3], max: [5.0; 3] }));
    }
}
